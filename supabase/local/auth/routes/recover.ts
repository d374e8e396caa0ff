// POST /recover (password reset email) and POST /resend (confirmation or email-change email
// again). Both answer 200 {} for unknown addresses, so they cannot be used to find accounts.
import { z } from 'zod'
import type { AuthContext, AuthRequest } from '../context.ts'
import { sendConfirmation, sendEmailChange, sendRecovery } from '../emails.ts'
import { badRequest, validationFailed } from '../errors.ts'
import { createFlowState, isPkce, validatePkceParams } from '../one-time-tokens.ts'
import { readParams, str } from '../params.ts'
import { inTransaction } from '../transaction.ts'
import { findUserByEmail } from '../users.ts'
import { validateEmail } from '../validation.ts'
import { json } from '../../http.ts'

const RecoverParams = z.object({ email: str, code_challenge: str, code_challenge_method: str })

export async function recover(ctx: AuthContext, { req, url }: AuthRequest): Promise<Response> {
  if (!ctx.settings.emailProviderEnabled) throw badRequest('email_provider_disabled', 'Email logins are disabled')
  const params = await readParams(req, RecoverParams)
  if (params.email === '') throw validationFailed('Password recovery requires an email')
  const email = validateEmail(params.email)
  const pkce = { codeChallenge: params.code_challenge, codeChallengeMethod: params.code_challenge_method }
  validatePkceParams(pkce)
  const referrer = ctx.redirects.referrer(req, url)
  await inTransaction(ctx, async (tx, outbox) => {
    const user = await findUserByEmail(tx, email)
    if (!user) return
    if (isPkce(pkce)) await createFlowState(tx, { ...pkce, providerType: 'recovery', authenticationMethod: 'recovery', userId: user.id })
    await sendRecovery(ctx, tx, outbox, user, { pkce: isPkce(pkce), referrer })
  })
  return json({})
}

const ResendParams = z.object({ type: str, email: str, phone: str, code_challenge: str, code_challenge_method: str })

export async function resend(ctx: AuthContext, { req, url }: AuthRequest): Promise<Response> {
  const params = await readParams(req, ResendParams)
  const pkce = { codeChallenge: params.code_challenge, codeChallengeMethod: params.code_challenge_method }
  if (params.type === 'signup' || params.type === 'email_change') validatePkceParams(pkce)
  else if (params.type !== 'sms' && params.type !== 'phone_change') {
    throw validationFailed('Missing one of these types: signup, email_change, sms, phone_change')
  }
  if (params.email === '' && params.type === 'signup') throw validationFailed('Type provided requires an email address')
  if (params.phone === '' && params.type === 'sms') throw validationFailed('Type provided requires a phone number')
  if (params.email !== '' && params.phone !== '') throw validationFailed('Only an email address or phone number should be provided.')
  if (params.email === '' && params.phone === '') throw validationFailed('Missing email address or phone number')
  if (params.phone !== '' || params.type === 'sms' || params.type === 'phone_change') {
    throw badRequest('phone_provider_disabled', 'Phone logins are disabled')
  }
  if (!ctx.settings.emailProviderEnabled) throw badRequest('email_provider_disabled', 'Email logins are disabled')
  const email = validateEmail(params.email)
  const referrer = ctx.redirects.referrer(req, url)
  await inTransaction(ctx, async (tx, outbox) => {
    const user = await findUserByEmail(tx, email)
    if (!user) return
    if (params.type === 'signup') {
      if (user.email_confirmed_at) return
      if (isPkce(pkce)) {
        await createFlowState(tx, { ...pkce, providerType: 'email', authenticationMethod: 'email/signup', userId: user.id })
      }
      await sendConfirmation(ctx, tx, outbox, user, { pkce: isPkce(pkce), referrer })
      return
    }
    if (!user.email_change) return
    if (isPkce(pkce)) {
      await createFlowState(tx, { ...pkce, providerType: 'email_change', authenticationMethod: 'email_change', userId: user.id })
    }
    await sendEmailChange(ctx, tx, outbox, user, user.email_change, { pkce: isPkce(pkce), referrer })
  })
  return json({})
}
