// GET /user, PUT /user and POST /logout — the signed-in user's own account.
import { z } from 'zod'
import { requireUser } from '../caller.ts'
import type { AuthContext, AuthRequest } from '../context.ts'
import { sendEmailChange } from '../emails.ts'
import { forbidden, unprocessable, validationFailed } from '../errors.ts'
import { createFlowState, isPkce, validatePkceParams } from '../one-time-tokens.ts'
import { jsonObject, optionalStr, readParams, str } from '../params.ts'
import { logout as endSessions } from '../sessions.ts'
import { inTransaction } from '../transaction.ts'
import {
  changePassword,
  DEFAULT_AUD,
  findDuplicateEmailUser,
  findUserById,
  loadUserJson,
  passwordMatches,
  updateAppMetadata,
  updateUserMetadata,
} from '../users.ts'
import { checkPasswordStrength, validateEmail } from '../validation.ts'
import { json } from '../../http.ts'
import { notImplementedFeature } from './not-implemented.ts'

export async function getUser(ctx: AuthContext, { req, url }: AuthRequest): Promise<Response> {
  const { user } = await requireUser(ctx, req, url)
  return json(await ctx.read((tx) => loadUserJson(tx, user.id)))
}

const UserUpdateParams = z.object({
  email: str,
  password: optionalStr,
  current_password: optionalStr,
  nonce: str,
  data: jsonObject,
  app_metadata: jsonObject,
  phone: str,
  channel: str,
  code_challenge: str,
  code_challenge_method: str,
})

export async function updateUser(ctx: AuthContext, { req, url }: AuthRequest): Promise<Response> {
  const { user, session } = await requireUser(ctx, req, url)
  const params = await readParams(req, UserUpdateParams)
  const email = params.email !== '' ? validateEmail(params.email) : ''
  if (params.phone !== '') return notImplementedFeature(req, url, 'phone number changes')
  if (params.password !== undefined) checkPasswordStrength(ctx.settings, params.password)
  // Only GoTrue's admin group may change its own app_metadata; nobody is in it here.
  if (params.app_metadata !== undefined && user.role !== 'admin') {
    throw forbidden('not_admin', 'Updating app_metadata requires admin privileges')
  }
  const changingEmail = email !== '' && email !== user.email
  if (changingEmail && (await ctx.read((tx) => findDuplicateEmailUser(tx, email, user.aud ?? DEFAULT_AUD, user.id)))) {
    throw unprocessable('email_exists', 'A user with this email address has already been registered')
  }
  const pkce = { codeChallenge: params.code_challenge, codeChallengeMethod: params.code_challenge_method }
  if (changingEmail) validatePkceParams(pkce)
  if (params.password && user.has_password && (await ctx.read((tx) => passwordMatches(tx, user.id, params.password!)))) {
    throw unprocessable('same_password', 'New password should be different from the old password.')
  }
  const referrer = ctx.redirects.referrer(req, url)

  await inTransaction(ctx, async (tx, outbox) => {
    const current = (await findUserById(tx, user.id)) ?? user
    if (params.password !== undefined) await changePassword(tx, current, params.password || null, session?.id ?? null)
    if (params.data !== undefined) await updateUserMetadata(tx, current, params.data)
    if (params.app_metadata !== undefined) await updateAppMetadata(tx, current, params.app_metadata)
    if (changingEmail) {
      if (isPkce(pkce)) {
        await createFlowState(tx, { ...pkce, providerType: 'email_change', authenticationMethod: 'email_change', userId: user.id })
      }
      await sendEmailChange(ctx, tx, outbox, current, email, { pkce: isPkce(pkce), referrer })
    }
  })
  return json(await ctx.read((tx) => loadUserJson(tx, user.id)))
}

export async function logout(ctx: AuthContext, { req, url }: AuthRequest): Promise<Response> {
  const { user, session } = await requireUser(ctx, req, url)
  const scope = url.searchParams.get('scope') ?? ''
  if (!['', 'global', 'local', 'others'].includes(scope)) throw validationFailed(`Unsupported logout scope "${scope}"`)
  await inTransaction(ctx, (tx) => endSessions(tx, user.id, (scope || 'global') as 'global' | 'local' | 'others', session?.id ?? null))
  return new Response(null, { status: 204 })
}
