// Emailed one-time tokens and PKCE flow states, stored as GoTrue stores them: the email
// carries a numeric OTP and its token hash sha224(email + otp) (prefixed "pkce_" when the
// flow is PKCE); auth.one_time_tokens indexes the hash; auth.flow_state keeps the PKCE
// code challenge and the auth code handed out by /verify.
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto'
import type postgres from 'postgres'
import { badRequest } from './errors.ts'

type Db = postgres.ISql

export type OneTimeTokenType =
  | 'confirmation_token'
  | 'reauthentication_token'
  | 'recovery_token'
  | 'email_change_token_new'
  | 'email_change_token_current'
  | 'phone_change_token'

export const PKCE_PREFIX = 'pkce_'

export function generateOtp(length: number): string {
  let otp = ''
  for (let i = 0; i < length; i++) otp += String(randomInt(10))
  return otp
}

export function tokenHash(emailOrPhone: string, otp: string): string {
  return createHash('sha224').update(emailOrPhone + otp).digest('hex')
}

export function withFlowPrefix(hash: string, pkce: boolean): string {
  return pkce ? PKCE_PREFIX + hash : hash
}

export async function createOneTimeToken(db: Db, userId: string, type: OneTimeTokenType, relatesTo: string, hash: string): Promise<void> {
  await db`delete from auth.one_time_tokens where user_id = ${userId} and token_type = ${type}`
  await db`
    insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to)
    values (${randomUUID()}, ${userId}, ${type}, ${hash}, ${relatesTo.toLowerCase()})`
}

export async function findOneTimeToken(db: Db, hash: string, types: OneTimeTokenType[]) {
  const rows = await db<{ user_id: string; token_type: OneTimeTokenType; token_hash: string }[]>`
    select user_id, token_type::text as token_type, token_hash from auth.one_time_tokens
    where token_hash = ${hash} and token_type::text in ${db(types)}
    limit 1`
  return rows[0] ?? null
}

export async function clearOneTimeTokens(db: Db, userId: string, type?: OneTimeTokenType): Promise<void> {
  if (type) await db`delete from auth.one_time_tokens where user_id = ${userId} and token_type = ${type}`
  else await db`delete from auth.one_time_tokens where user_id = ${userId}`
}

// ---- PKCE ----------------------------------------------------------------------------

/** GoTrue's authentication methods that start or end a flow. */
export type AuthenticationMethod = 'password' | 'otp' | 'magiclink' | 'recovery' | 'invite' | 'email/signup' | 'email_change' | 'token_refresh'

export type PkceParams = { codeChallenge: string; codeChallengeMethod: string }

const CODE_CHALLENGE_PATTERN = /^[a-zA-Z._~0-9-]+$/

/** GoTrue's validatePKCEParams: both or neither, 43–128 RFC 7636 characters. */
export function validatePkceParams({ codeChallenge, codeChallengeMethod }: PkceParams): void {
  if ((codeChallenge === '') !== (codeChallengeMethod === '')) {
    throw badRequest('validation_failed', 'PKCE flow requires code_challenge_method and code_challenge')
  }
  if (codeChallenge === '') return
  if (codeChallenge.length < 43 || codeChallenge.length > 128) {
    throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters')
  }
  if (!CODE_CHALLENGE_PATTERN.test(codeChallenge)) {
    throw badRequest('validation_failed', 'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes')
  }
  if (!['s256', 'plain'].includes(codeChallengeMethod.toLowerCase())) {
    throw badRequest('validation_failed', `unsupported code_challenge method "${codeChallengeMethod}"`)
  }
}

export function isPkce(params: PkceParams): boolean {
  return params.codeChallenge !== ''
}

export async function createFlowState(
  db: Db,
  input: PkceParams & { providerType: string; authenticationMethod: AuthenticationMethod; userId: string },
): Promise<void> {
  const now = new Date()
  await db`
    insert into auth.flow_state (
      id, user_id, auth_code, code_challenge_method, code_challenge, provider_type,
      provider_access_token, provider_refresh_token, created_at, updated_at, authentication_method
    ) values (
      ${randomUUID()}, ${input.userId}, ${randomUUID()}, ${input.codeChallengeMethod.toLowerCase()}::auth.code_challenge_method,
      ${input.codeChallenge}, ${input.providerType}, '', '', ${now}, ${now}, ${input.authenticationMethod}
    )`
}

export type FlowStateRow = {
  id: string
  user_id: string | null
  auth_code: string
  code_challenge_method: string
  code_challenge: string
  authentication_method: string
  created_at: Date
  auth_code_issued_at: Date | null
}

export async function findFlowStateByAuthCode(db: Db, authCode: string): Promise<FlowStateRow | null> {
  const rows = await db<FlowStateRow[]>`
    select id, user_id, auth_code, code_challenge_method::text as code_challenge_method, code_challenge,
           authentication_method, created_at, auth_code_issued_at
    from auth.flow_state where auth_code = ${authCode} limit 1`
  return rows[0] ?? null
}

/** GoTrue's issueAuthCode: the user's latest flow for this method hands out its auth code. */
export async function issueAuthCode(db: Db, userId: string, method: AuthenticationMethod): Promise<string | null> {
  const rows = await db<{ id: string; auth_code: string }[]>`
    select id, auth_code from auth.flow_state
    where user_id = ${userId} and authentication_method = ${method}
    order by created_at desc limit 1`
  const flow = rows[0]
  if (!flow) return null
  const now = new Date()
  await db`update auth.flow_state set auth_code_issued_at = ${now}, updated_at = ${now} where id = ${flow.id}`
  return flow.auth_code
}

export function isFlowStateExpired(flow: FlowStateRow, expirySeconds: number, now = Date.now()): boolean {
  const start = flow.auth_code_issued_at && flow.authentication_method === 'magiclink' ? flow.auth_code_issued_at : flow.created_at
  return now > start.getTime() + expirySeconds * 1000
}

export function verifyCodeVerifier(flow: FlowStateRow, codeVerifier: string): boolean {
  const expected =
    flow.code_challenge_method === 's256' ? createHash('sha256').update(codeVerifier).digest('base64url') : codeVerifier
  const a = Buffer.from(flow.code_challenge)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** /verify's `type` → the flow's authentication method (GoTrue's ParseAuthenticationMethod). */
export function authenticationMethodForType(type: string): AuthenticationMethod | null {
  if (type.endsWith('signup')) return 'email/signup'
  if (type === 'magiclink' || type === 'recovery' || type === 'invite' || type === 'email_change') return type
  return null
}
