// Who is calling: the user's access token, verified against the project's JSON Web Key
// Set. The edge runtime hands functions that set inline as SUPABASE_JWKS; otherwise it is
// fetched (and cached by jose) from `${SUPABASE_URL}/auth/v1/.well-known/jwks.json`. Only a
// signed-in user passes: the anon and service-role keys are valid JWTs but not users.
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose'
import { HttpError } from './errors.ts'

export type UserClaims = JWTPayload & {
  sub: string
  role: 'authenticated'
  email?: string
  session_id?: string
}

export type Authenticate = (req: Request) => Promise<UserClaims>

export type KeySource = { jwks: JSONWebKeySet } | { jwksUrl: URL }

/** The key set that verifies the project's JWTs, local or fetched (and cached by jose). */
export function keySet(source: KeySource) {
  return 'jwks' in source ? createLocalJWKSet(source.jwks) : createRemoteJWKSet(source.jwksUrl)
}

/** SUPABASE_JWKS inline (a set or a bare array of keys), else the project's JWKS endpoint. */
export function keySourceFromEnv(): KeySource {
  const inline = Deno.env.get('SUPABASE_JWKS')
  if (inline) {
    const parsed = JSON.parse(inline) as JSONWebKeySet | JSONWebKeySet['keys']
    return { jwks: Array.isArray(parsed) ? { keys: parsed } : parsed }
  }
  return { jwksUrl: new URL('/auth/v1/.well-known/jwks.json', requiredEnv('SUPABASE_URL')) }
}

export function createAuthenticator(source: KeySource): Authenticate {
  const keys = keySet(source)
  return async (req) => {
    const header = req.headers.get('authorization')
    if (!header) throw new HttpError(401, 'missing_authorization', 'Sign in first: the Authorization header is missing.')
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
    if (!token) throw new HttpError(401, 'invalid_authorization', "The Authorization header must be 'Bearer <access token>'.")
    let claims: JWTPayload
    try {
      ;({ payload: claims } = await jwtVerify(token, keys, { algorithms: ['ES256', 'RS256'] }))
    } catch {
      throw new HttpError(401, 'invalid_jwt', 'Your session is invalid or has expired. Sign in again.')
    }
    if (claims.role !== 'authenticated' || typeof claims.sub !== 'string' || claims.sub === '') {
      throw new HttpError(401, 'not_a_user', 'This endpoint needs a signed-in user, not an API key.')
    }
    return claims as UserClaims
  }
}

export function authenticatorFromEnv(): Authenticate {
  return createAuthenticator(keySourceFromEnv())
}

export function requiredEnv(name: string): string {
  const value = Deno.env.get(name)
  if (!value) throw new Error(`${name} is not set: the edge runtime provides it; locally the stack's functions runner does`)
  return value
}
