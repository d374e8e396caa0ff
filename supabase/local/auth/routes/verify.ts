// GET and POST /verify — GoTrue's Verify. POST exchanges a token hash (or an email and its
// OTP) for a session. GET is where email links land: it redirects (303) to redirect_to with
// the session in the URL fragment, or with ?code= for PKCE flows (token hashes prefixed
// "pkce_"), or with GoTrue's error parameters when the link is invalid or expired.
import { randomBytes } from 'node:crypto'
import type postgres from 'postgres'
import { z } from 'zod'
import type { AuthContext, AuthRequest } from '../context.ts'
import { AuthApiError, badRequest, forbidden, unprocessable, validationFailed } from '../errors.ts'
import {
  authenticationMethodForType,
  clearOneTimeTokens,
  findOneTimeToken,
  issueAuthCode,
  PKCE_PREFIX,
  tokenHash,
  type OneTimeTokenType,
} from '../one-time-tokens.ts'
import { readParams, str } from '../params.ts'
import type { AccessTokenResponse } from '../sessions.ts'
import { inTransaction } from '../transaction.ts'
import {
  changePassword,
  confirmEmail,
  findUserByEmail,
  findUserById,
  identityClaims,
  insertIdentity,
  isBanned,
  refreshProviders,
  updateIdentityData,
  type UserRow,
} from '../users.ts'
import { validateEmail } from '../validation.ts'
import { json } from '../../http.ts'

type Db = postgres.ISql

const LINK_INVALID = 'Email link is invalid or has expired'
const TOKEN_INVALID = 'Token has expired or is invalid'
export const SINGLE_CONFIRMATION_ACCEPTED = 'Confirmation link accepted. Please proceed to confirm link sent to the other email'

const VerifyParams = z.object({ type: str, token: str, token_hash: str, email: str, phone: str, redirect_to: str })

export async function verifyPost(ctx: AuthContext, { req, client }: AuthRequest): Promise<Response> {
  const params = await readParams(req, VerifyParams)
  if (params.type === '') throw validationFailed('Verify requires a verification type')
  if ((params.token === '') === (params.token_hash === '')) throw validationFailed('Verify requires either a token or a token hash')
  let email = ''
  if (params.token !== '') {
    if (params.phone !== '' && params.email === '') {
      // Phone OTPs are never sent (SMS is off), so no phone token can be valid.
      throw forbidden('otp_expired', TOKEN_INVALID)
    }
    if (params.email === '' || params.phone !== '') {
      throw validationFailed('Only an email address or phone number should be provided on verify')
    }
    try {
      email = validateEmail(params.email)
    } catch {
      throw unprocessable('validation_failed', 'Invalid email format')
    }
  } else if (params.email !== '' || params.phone !== '' || params.redirect_to !== '') {
    throw validationFailed('Only the token_hash and type should be provided')
  }

  const outcome = await inTransaction(ctx, async (tx) => {
    const found = params.token_hash
      ? await userByTokenHash(ctx, tx, params.type, params.token_hash)
      : await userByEmailAndOtp(ctx, tx, params.type, email, params.token)
    const verified = await applyVerification(ctx, tx, found.user, found.type, found.hash)
    if (!verified) return { singleConfirmation: true as const }
    return { singleConfirmation: false as const, session: await ctx.sessions.issue(tx, verified, 'otp', client) }
  })
  if (outcome.singleConfirmation) return json({ msg: SINGLE_CONFIRMATION_ACCEPTED, code: '200' })
  return json(outcome.session)
}

export async function verifyGet(ctx: AuthContext, { req, url, client }: AuthRequest): Promise<Response> {
  const token = url.searchParams.get('token') ?? ''
  const type = url.searchParams.get('type') ?? ''
  const redirectTo = ctx.redirects.referrer(req, url)
  if (type === '') throw validationFailed('Verify requires a verification type')
  if (token === '') throw validationFailed('Verify requires a token or a token hash')
  const pkceMethod = token.startsWith(PKCE_PREFIX) ? authenticationMethodForType(type) : null
  if (token.startsWith(PKCE_PREFIX) && !pkceMethod) throw badRequest('validation_failed', `unsupported authentication method "${type}"`)

  let location: string
  try {
    location = await inTransaction(ctx, async (tx) => {
      const found = await userByTokenHash(ctx, tx, type, token)
      if (!['signup', 'invite', 'recovery', 'magiclink', 'email_change'].includes(found.type)) {
        throw validationFailed('Unsupported verification type')
      }
      const verified = await applyVerification(ctx, tx, found.user, found.type, found.hash)
      if (!verified) return messageRedirect(redirectTo, SINGLE_CONFIRMATION_ACCEPTED, pkceMethod !== null)
      if (pkceMethod) {
        const code = await issueAuthCode(tx, verified.id, pkceMethod)
        if (!code) throw badRequest('flow_state_not_found', 'No associated flow state found. No valid flow state found for user.')
        return rewriteUrl(redirectTo, { code }, null)
      }
      const session = await ctx.sessions.issue(tx, verified, 'otp', client)
      return sessionRedirect(redirectTo, session, type)
    })
  } catch (error) {
    if (!(error instanceof AuthApiError)) throw error
    location = errorRedirect(redirectTo, error, pkceMethod !== null)
  }
  return new Response(null, { status: 303, headers: { location } })
}

type FoundUser = { user: UserRow; type: string; hash: string }

/** GoTrue's verifyTokenHash: the token hash names the user through auth.one_time_tokens. */
async function userByTokenHash(ctx: AuthContext, db: Db, type: string, hash: string): Promise<FoundUser> {
  const types: Record<string, OneTimeTokenType[]> = {
    email: ['confirmation_token', 'recovery_token'],
    signup: ['confirmation_token'],
    invite: ['confirmation_token'],
    recovery: ['recovery_token'],
    magiclink: ['recovery_token'],
    email_change: ['email_change_token_current', 'email_change_token_new'],
  }
  if (!types[type]) throw validationFailed('Invalid email verification type')
  const ott = await findOneTimeToken(db, hash, types[type])
  const user = ott ? await findUserById(db, ott.user_id) : null
  if (!user) throw forbidden('otp_expired', LINK_INVALID)
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned')
  let effectiveType = type
  let sentAt: Date | null
  if (type === 'email') {
    const isRecovery = user.recovery_token === hash
    effectiveType = isRecovery ? 'magiclink' : 'signup'
    sentAt = isRecovery ? user.recovery_sent_at : user.confirmation_sent_at
  } else if (type === 'signup' || type === 'invite') sentAt = user.confirmation_sent_at
  else if (type === 'recovery' || type === 'magiclink') sentAt = user.recovery_sent_at
  else sentAt = user.email_change_sent_at
  if (isExpired(ctx, sentAt)) throw forbidden('otp_expired', LINK_INVALID)
  return { user, type: effectiveType, hash }
}

/** GoTrue's verifyUserAndToken: an email and the OTP from the email. */
async function userByEmailAndOtp(ctx: AuthContext, db: Db, type: string, email: string, otp: string): Promise<FoundUser> {
  const hash = tokenHash(email, otp)
  let user: UserRow | null
  if (type === 'email_change') {
    const ott = (await findOneTimeToken(db, hash, ['email_change_token_current', 'email_change_token_new'])) ??
      (await findOneTimeToken(db, PKCE_PREFIX + hash, ['email_change_token_current', 'email_change_token_new']))
    user = ott ? await findUserById(db, ott.user_id) : null
  } else {
    user = await findUserByEmail(db, email)
  }
  if (!user) throw forbidden('otp_expired', TOKEN_INVALID)
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned')
  const matches = (expected: string | null, sentAt: Date | null) =>
    !!expected && !!sentAt && !isExpired(ctx, sentAt) && (expected === hash || expected === PKCE_PREFIX + hash)
  let effectiveType = type
  let valid = false
  if (type === 'email') {
    if (matches(user.confirmation_token, user.confirmation_sent_at)) {
      valid = true
      effectiveType = 'signup'
    } else if (matches(user.recovery_token, user.recovery_sent_at)) {
      valid = true
      effectiveType = 'magiclink'
    }
  } else if (type === 'signup' || type === 'invite') valid = matches(user.confirmation_token, user.confirmation_sent_at)
  else if (type === 'recovery' || type === 'magiclink') valid = matches(user.recovery_token, user.recovery_sent_at)
  else if (type === 'email_change') {
    valid =
      matches(user.email_change_token_current, user.email_change_sent_at) || matches(user.email_change_token_new, user.email_change_sent_at)
  }
  if (!valid) throw forbidden('otp_expired', TOKEN_INVALID)
  const stored = [user.confirmation_token, user.recovery_token, user.email_change_token_current, user.email_change_token_new].find(
    (t) => t === hash || t === PKCE_PREFIX + hash,
  )
  return { user, type: effectiveType, hash: stored ?? hash }
}

function isExpired(ctx: AuthContext, sentAt: Date | null): boolean {
  return !sentAt || Date.now() > sentAt.getTime() + ctx.settings.otpExpirySeconds * 1000
}

/**
 * Applies a verified token: confirms a sign-up or invite, spends a recovery or magic-link
 * token, or completes an email change. Returns the user to sign in, or null when an email
 * change still waits for the link sent to the other address.
 */
async function applyVerification(ctx: AuthContext, db: Db, user: UserRow, type: string, hash: string): Promise<UserRow | null> {
  if (type === 'signup' || type === 'invite') {
    if (!user.has_password && user.invited_at) {
      // GoTrue gives an invited user a random password the app then asks them to replace.
      await changePassword(db, user, randomBytes(32).toString('base64url'), null)
    }
    await confirmEmail(db, user)
    await updateIdentityData(db, user.id, 'email', { email_verified: true })
  } else if (type === 'recovery' || type === 'magiclink') {
    await db`update auth.users set recovery_token = '', updated_at = ${new Date()} where id = ${user.id}`
    await clearOneTimeTokens(db, user.id)
    if (!user.email_confirmed_at) await confirmEmail(db, user)
  } else if (type === 'email_change') {
    const done = await confirmEmailChange(ctx, db, user, hash)
    if (!done) return null
  } else {
    throw validationFailed('Unsupported verification type')
  }
  const fresh = (await findUserById(db, user.id)) ?? user
  await refreshProviders(db, fresh)
  return (await findUserById(db, user.id)) ?? fresh
}

async function confirmEmailChange(ctx: AuthContext, db: Db, user: UserRow, hash: string): Promise<boolean> {
  if (!ctx.settings.mailerAutoconfirm && ctx.settings.secureEmailChange && user.email_change_confirm_status === 0 && user.email) {
    // First of the two links: remember it and wait for the other one.
    const isCurrent = user.email_change_token_current === hash
    const isNew = user.email_change_token_new === hash
    await db`
      update auth.users set email_change_confirm_status = 1,
        email_change_token_current = ${isCurrent ? '' : user.email_change_token_current ?? ''},
        email_change_token_new = ${isNew ? '' : user.email_change_token_new ?? ''}
      where id = ${user.id}`
    if (isCurrent) await clearOneTimeTokens(db, user.id, 'email_change_token_current')
    if (isNew) await clearOneTimeTokens(db, user.id, 'email_change_token_new')
    return false
  }
  const newEmail = user.email_change ?? ''
  const identities = await db<{ id: string }[]>`select id from auth.identities where user_id = ${user.id} and provider = 'email'`
  if (identities.length === 0) {
    await insertIdentity(db, user.id, 'email', identityClaims(user.id, newEmail, { emailVerified: true }))
  } else {
    await updateIdentityData(db, user.id, 'email', { email: newEmail, email_verified: true })
  }
  await db`
    update auth.users set email = ${newEmail}, email_change = '', email_change_token_current = '',
      email_change_token_new = '', email_change_confirm_status = 0, updated_at = ${new Date()}
    where id = ${user.id}`
  await clearOneTimeTokens(db, user.id)
  user.email = newEmail
  if (!user.email_confirmed_at) await confirmEmail(db, user)
  return true
}

function sessionRedirect(redirectTo: string, session: AccessTokenResponse, type: string): string {
  const fragment = new URLSearchParams({
    access_token: session.access_token,
    expires_at: String(session.expires_at),
    expires_in: String(session.expires_in),
    refresh_token: session.refresh_token,
    sb: '',
    token_type: session.token_type,
    type,
  })
  return `${redirectTo}#${fragment}`
}

const OAUTH_ERRORS: Record<number, string> = { 400: 'invalid_request', 401: 'unauthorized_client', 403: 'access_denied', 500: 'server_error', 503: 'temporarily_unavailable' }

/** GoTrue's prepErrorRedirectURL: errors in the fragment, and in the query for PKCE flows. */
function errorRedirect(redirectTo: string, error: AuthApiError, pkce: boolean): string {
  const oauthError = OAUTH_ERRORS[error.status]
  const details = { ...(oauthError ? { error: oauthError } : {}), error_code: error.errorCode, error_description: error.message }
  return rewriteUrl(redirectTo, pkce ? details : {}, new URLSearchParams({ ...details, sb: '' }))
}

function messageRedirect(redirectTo: string, message: string, pkce: boolean): string {
  return rewriteUrl(redirectTo, pkce ? { message } : {}, new URLSearchParams({ message, sb: '' }))
}

/**
 * Sets query parameters and replaces the fragment while leaving the rest of the URL exactly
 * as given (no added trailing slash), as Go's url.URL round trip does.
 */
function rewriteUrl(url: string, query: Record<string, string>, fragment: URLSearchParams | null): string {
  const [beforeHash, oldFragment] = splitOnce(url, '#')
  const [base, search] = splitOnce(beforeHash, '?')
  const params = new URLSearchParams(search ?? '')
  for (const [key, value] of Object.entries(query)) params.set(key, value)
  const queryString = params.toString()
  const hash = fragment ? fragment.toString() : oldFragment
  return `${base}${queryString ? `?${queryString}` : ''}${hash !== undefined ? `#${hash}` : ''}`
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator)
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)]
}
