// POST /signup — GoTrue's Signup for email and password. With confirmations on, a new
// address gets the user back without a session and a confirmation email; a confirmed
// address gets an obfuscated user and no email (so sign-up cannot probe for accounts); an
// unconfirmed one gets the confirmation email again.
import { z } from 'zod'
import { createEmailAccount, obfuscatedUser } from '../accounts.ts'
import type { AuthContext, AuthRequest } from '../context.ts'
import { sendConfirmation } from '../emails.ts'
import { AuthApiError, badRequest, unprocessable, validationFailed } from '../errors.ts'
import { createFlowState, isPkce, validatePkceParams } from '../one-time-tokens.ts'
import { jsonObject, readParams, str } from '../params.ts'
import type { AccessTokenResponse } from '../sessions.ts'
import { inTransaction } from '../transaction.ts'
import { confirmEmail, DEFAULT_AUD, findDuplicateEmailUser, findUserById, loadIdentities, userJson } from '../users.ts'
import { checkPasswordStrength, validateEmail } from '../validation.ts'
import { json } from '../../http.ts'
import { notImplementedFeature } from './not-implemented.ts'

const SignupParams = z.object({
  email: str,
  phone: str,
  password: str,
  data: jsonObject,
  channel: str,
  code_challenge: str,
  code_challenge_method: str,
})

export async function signup(ctx: AuthContext, { req, url, client }: AuthRequest): Promise<Response> {
  const params = await readParams(req, SignupParams)
  const settings = ctx.settings
  if (params.email === '' && params.phone === '') {
    if (!settings.anonymousSignInsEnabled) throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled')
    return notImplementedFeature(req, url, 'anonymous sign-ins')
  }
  if (!settings.signupEnabled) throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
  if (params.password === '') throw validationFailed('Signup requires a valid password')
  checkPasswordStrength(settings, params.password)
  if (params.email !== '' && params.phone !== '') {
    throw validationFailed('Only an email address or phone number should be provided on signup.')
  }
  const pkce = { codeChallenge: params.code_challenge, codeChallengeMethod: params.code_challenge_method }
  if (params.phone !== '') {
    if (!settings.phoneProviderEnabled) throw badRequest('phone_provider_disabled', 'Phone signups are disabled')
    return notImplementedFeature(req, url, 'phone sign-ups')
  }
  validatePkceParams(pkce)
  if (!settings.emailProviderEnabled) throw badRequest('email_provider_disabled', 'Email signups are disabled')
  const email = validateEmail(params.email)
  const data = params.data ?? {}
  const referrer = ctx.redirects.referrer(req, url)

  const outcome = await inTransaction(ctx, async (tx, outbox) => {
    const existing = await findDuplicateEmailUser(tx, email, DEFAULT_AUD)
    if (existing?.email_confirmed_at) return { kind: 'exists' as const, user: existing }
    // An unconfirmed account is left as it is (GoTrue cannot know who is asking); it only
    // gets a fresh confirmation email.
    const user =
      existing ?? (await createEmailAccount(tx, { email, password: params.password, data, metadataFromIdentity: true }))
    let session: AccessTokenResponse | null = null
    if (settings.mailerAutoconfirm) {
      await confirmEmail(tx, user)
      session = await ctx.sessions.issue(tx, (await findUserById(tx, user.id)) ?? user, 'password', client)
    } else {
      if (isPkce(pkce)) {
        await createFlowState(tx, { ...pkce, providerType: 'email', authenticationMethod: 'email/signup', userId: user.id })
      }
      await sendConfirmation(ctx, tx, outbox, user, { pkce: isPkce(pkce), referrer })
    }
    const fresh = (await findUserById(tx, user.id)) ?? user
    return { kind: 'signed-up' as const, user: fresh, identities: await loadIdentities(tx, user.id), session }
  })

  if (outcome.kind === 'exists') {
    if (settings.mailerAutoconfirm) throw new AuthApiError(422, 'user_already_exists', 'User already registered')
    return json(obfuscatedUser(outcome.user, data, DEFAULT_AUD))
  }
  if (outcome.session) return json(outcome.session)
  const body = userJson(outcome.user, outcome.identities)
  if (outcome.user.invited_at) {
    // An invited address signing up on its own learns nothing about the invitation.
    return json({ ...body, user_metadata: {}, identities: [] })
  }
  return json(body)
}
