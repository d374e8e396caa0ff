// POST /token?grant_type=password|refresh_token|pkce — GoTrue's Token endpoint.
import { z } from 'zod'
import type { AuthContext, AuthRequest } from '../context.ts'
import { AuthApiError, badRequest, notFound, unprocessable, validationFailed } from '../errors.ts'
import {
  findFlowStateByAuthCode,
  isFlowStateExpired,
  verifyCodeVerifier,
  type AuthenticationMethod,
} from '../one-time-tokens.ts'
import { readParams, str } from '../params.ts'
import { inTransaction } from '../transaction.ts'
import { findUserByEmail, findUserById, isBanned, passwordMatches } from '../users.ts'
import { checkPasswordStrength } from '../validation.ts'
import { json } from '../../http.ts'
import { notImplementedFeature } from './not-implemented.ts'

const INVALID_LOGIN = 'Invalid login credentials'

export async function token(ctx: AuthContext, ar: AuthRequest): Promise<Response> {
  const grantType = ar.url.searchParams.get('grant_type') ?? ''
  switch (grantType) {
    case 'password':
      return passwordGrant(ctx, ar)
    case 'refresh_token':
      return refreshTokenGrant(ctx, ar)
    case 'pkce':
      return pkceGrant(ctx, ar)
    case 'id_token':
      return notImplementedFeature(ar.req, ar.url, 'sign-in with an OIDC id_token')
    case 'web3':
      return notImplementedFeature(ar.req, ar.url, 'Web3 sign-in')
    default:
      throw badRequest('invalid_credentials', 'unsupported_grant_type')
  }
}

const PasswordGrantParams = z.object({ email: str, phone: str, password: str })

async function passwordGrant(ctx: AuthContext, { req, client }: AuthRequest): Promise<Response> {
  const params = await readParams(req, PasswordGrantParams)
  if (params.email !== '' && params.phone !== '') {
    throw validationFailed('Only an email address or phone number should be provided on login.')
  }
  if (params.email === '' && params.phone === '') throw validationFailed('missing email or phone')
  if (params.phone !== '') {
    if (!ctx.settings.phoneProviderEnabled) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled')
    throw badRequest('invalid_credentials', INVALID_LOGIN)
  }
  if (!ctx.settings.emailProviderEnabled) throw unprocessable('email_provider_disabled', 'Email logins are disabled')
  const { user, passwordOk } = await ctx.read(async (tx) => {
    const user = await findUserByEmail(tx, params.email)
    return { user, passwordOk: !!user?.has_password && (await passwordMatches(tx, user.id, params.password)) }
  })
  if (!user || !user.has_password) throw badRequest('invalid_credentials', INVALID_LOGIN)
  if (isBanned(user)) throw badRequest('user_banned', 'User is banned')
  if (!passwordOk) throw badRequest('invalid_credentials', INVALID_LOGIN)
  if (!user.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed')

  // A password that no longer meets the rules still signs in, with a warning (GoTrue's weak_password).
  let weakPassword: { message: string; reasons: string[] } | undefined
  try {
    checkPasswordStrength(ctx.settings, params.password)
  } catch (error) {
    if (error instanceof AuthApiError && error.weakPasswordReasons) {
      weakPassword = { message: error.message, reasons: error.weakPasswordReasons }
    }
  }
  const session = await inTransaction(ctx, (tx) => ctx.sessions.issue(tx, user, 'password', client))
  return json(weakPassword ? { ...session, weak_password: weakPassword } : session)
}

const RefreshTokenGrantParams = z.object({ refresh_token: str })

async function refreshTokenGrant(ctx: AuthContext, { req, client }: AuthRequest): Promise<Response> {
  const { refresh_token: refreshToken } = await readParams(req, RefreshTokenGrantParams)
  // The stand-in issues GoTrue's 12-character tokens; anything else cannot be one of ours.
  if (!/^[a-z0-9]{12}$/.test(refreshToken)) throw validationFailed('Refresh token is not valid')
  const session = await inTransaction(ctx, (tx) => ctx.sessions.refresh(tx, refreshToken, client))
  return json(session)
}

const PkceGrantParams = z.object({ auth_code: str, code_verifier: str })

async function pkceGrant(ctx: AuthContext, { req, client }: AuthRequest): Promise<Response> {
  const params = await readParams(req, PkceGrantParams)
  if (params.auth_code === '' || params.code_verifier === '') {
    throw validationFailed('invalid request: both auth code and code verifier should be non-empty')
  }
  const session = await inTransaction(ctx, async (tx) => {
    const flow = await findFlowStateByAuthCode(tx, params.auth_code)
    if (!flow || !flow.user_id) throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found')
    if (isFlowStateExpired(flow, ctx.settings.flowStateExpirySeconds)) {
      throw unprocessable('flow_state_expired', 'invalid flow state, flow state has expired')
    }
    const user = await findUserById(tx, flow.user_id)
    if (!user) throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found')
    if (!verifyCodeVerifier(flow, params.code_verifier)) {
      throw badRequest('bad_code_verifier', 'code challenge does not match previously saved code verifier')
    }
    const issued = await ctx.sessions.issue(tx, user, flow.authentication_method as AuthenticationMethod, client)
    await tx`delete from auth.flow_state where id = ${flow.id}`
    return issued
  })
  return json(session)
}
