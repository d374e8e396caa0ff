// POST /otp and POST /magiclink — GoTrue's Otp / MagicLink for email. A confirmed user gets
// the magic_link email; an unknown (with create_user) or unconfirmed address is signed up
// with a random password instead, so with confirmations on it gets the confirmation email,
// exactly as GoTrue does.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { createEmailAccount } from '../accounts.ts'
import type { AuthContext, AuthRequest } from '../context.ts'
import { sendConfirmation, sendMagicLink } from '../emails.ts'
import { badRequest, unprocessable, validationFailed } from '../errors.ts'
import { createFlowState, isPkce, validatePkceParams, type PkceParams } from '../one-time-tokens.ts'
import { bool, jsonObject, readParams, str } from '../params.ts'
import { inTransaction } from '../transaction.ts'
import { confirmEmail, DEFAULT_AUD, findDuplicateEmailUser, findUserByEmail } from '../users.ts'
import { validateEmail } from '../validation.ts'
import { json } from '../../http.ts'
import { notImplementedFeature } from './not-implemented.ts'

const OtpParams = z.object({
  email: str,
  phone: str,
  create_user: bool,
  data: jsonObject,
  channel: str,
  code_challenge: str,
  code_challenge_method: str,
})

export async function otp(ctx: AuthContext, ar: AuthRequest): Promise<Response> {
  const params = await readParams(ar.req, OtpParams)
  if (params.email !== '' && params.phone !== '') throw validationFailed('Only an email address or phone number should be provided')
  if (params.email !== '' && params.channel !== '') throw validationFailed('Channel should only be specified with Phone OTP')
  const pkce = { codeChallenge: params.code_challenge, codeChallengeMethod: params.code_challenge_method }
  validatePkceParams(pkce)
  const createUser = params.create_user ?? true
  if (!createUser && params.email !== '') {
    const email = validateEmail(params.email)
    if (!(await ctx.read((tx) => findUserByEmail(tx, email)))) {
      throw unprocessable('otp_disabled', 'Signups not allowed for otp')
    }
  }
  if (params.email !== '') return magicLinkFor(ctx, ar, params.email, params.data ?? {}, pkce)
  if (params.phone !== '') {
    if (!ctx.settings.phoneProviderEnabled) throw badRequest('phone_provider_disabled', 'Unsupported phone provider')
    return notImplementedFeature(ar.req, ar.url, 'SMS one-time passwords')
  }
  throw validationFailed('One of email or phone must be set')
}

const MagicLinkParams = z.object({ email: str, data: jsonObject, code_challenge: str, code_challenge_method: str })

export async function magicLink(ctx: AuthContext, ar: AuthRequest): Promise<Response> {
  const params = await readParams(ar.req, MagicLinkParams)
  const pkce = { codeChallenge: params.code_challenge, codeChallengeMethod: params.code_challenge_method }
  return magicLinkFor(ctx, ar, params.email, params.data ?? {}, pkce)
}

async function magicLinkFor(ctx: AuthContext, { req, url }: AuthRequest, rawEmail: string, data: Record<string, unknown>, pkce: PkceParams) {
  if (!ctx.settings.emailProviderEnabled) throw unprocessable('email_provider_disabled', 'Email logins are disabled')
  if (rawEmail === '') throw unprocessable('validation_failed', 'Password recovery requires an email')
  const email = validateEmail(rawEmail)
  validatePkceParams(pkce)
  const referrer = ctx.redirects.referrer(req, url)
  const pkceFlow = isPkce(pkce)

  await inTransaction(ctx, async (tx, outbox) => {
    const existing = await findUserByEmail(tx, email)
    if (existing?.email_confirmed_at) {
      if (pkceFlow) await createFlowState(tx, { ...pkce, providerType: 'magiclink', authenticationMethod: 'magiclink', userId: existing.id })
      await sendMagicLink(ctx, tx, outbox, existing, { pkce: pkceFlow, referrer })
      return
    }
    // GoTrue signs the address up (random password) and lets the sign-up send its email.
    if (!ctx.settings.signupEnabled) throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
    const duplicate = existing ?? (await findDuplicateEmailUser(tx, email, DEFAULT_AUD))
    const user =
      duplicate ??
      (await createEmailAccount(tx, { email, password: randomBytes(24).toString('base64url'), data, metadataFromIdentity: true }))
    if (ctx.settings.mailerAutoconfirm) {
      if (!user.email_confirmed_at) await confirmEmail(tx, user)
      if (pkceFlow) await createFlowState(tx, { ...pkce, providerType: 'magiclink', authenticationMethod: 'magiclink', userId: user.id })
      await sendMagicLink(ctx, tx, outbox, user, { pkce: pkceFlow, referrer })
      return
    }
    if (pkceFlow) await createFlowState(tx, { ...pkce, providerType: 'email', authenticationMethod: 'email/signup', userId: user.id })
    await sendConfirmation(ctx, tx, outbox, user, { pkce: pkceFlow, referrer })
  })
  return json({})
}
