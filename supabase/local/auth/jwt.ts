// Access tokens: ES256 JWTs signed with the stack's key (header kid), with the claims
// GoTrue puts in them, and verification of incoming bearer tokens with GoTrue's errors.
import { importJWK, SignJWT, type JWTPayload } from 'jose'
import { verifyStackJwt, type JwtVerification, type StackKeys } from '../keys.ts'
import { forbidden } from './errors.ts'

export type AmrEntry = { method: string; timestamp: number }

export type AccessTokenClaims = JWTPayload & {
  sub?: string
  role?: string
  session_id?: string
  email?: string
  is_anonymous?: boolean
}

type KeyLike = Awaited<ReturnType<typeof importJWK>>

export type TokenSigner = {
  sign(input: {
    userId: string
    aud: string
    email: string
    phone: string
    appMetadata: unknown
    userMetadata: unknown
    role: string
    amr: AmrEntry[]
    sessionId: string
    isAnonymous: boolean
    issuedAt: number
  }): Promise<{ token: string; expiresAt: number }>
  verify(token: string): Promise<AccessTokenClaims>
}

export function createTokenSigner(keys: StackKeys, issuer: string, expirySeconds: number): TokenSigner {
  let privateKey: Promise<KeyLike> | undefined
  return {
    async sign(input) {
      privateKey ??= importJWK(keys.privateJwk, 'ES256')
      const expiresAt = input.issuedAt + expirySeconds
      // Same claim order as GoTrue's AccessTokenClaims, so decoded tokens read alike.
      const claims = {
        iss: issuer,
        sub: input.userId,
        aud: input.aud,
        exp: expiresAt,
        iat: input.issuedAt,
        email: input.email,
        phone: input.phone,
        app_metadata: input.appMetadata,
        user_metadata: input.userMetadata,
        role: input.role,
        aal: 'aal1',
        amr: input.amr,
        session_id: input.sessionId,
        is_anonymous: input.isAnonymous,
      }
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
        .sign(await privateKey)
      return { token, expiresAt }
    },
    async verify(token) {
      const verified = await verifyStackJwt(keys, token)
      if (verified.ok) return verified.claims as AccessTokenClaims
      throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${describeJwtError(verified)}`)
    },
  }
}

function describeJwtError(failure: Extract<JwtVerification, { ok: false }>): string {
  switch (failure.reason) {
    case 'expired':
      return 'token has invalid claims: token is expired'
    case 'bad_signature':
      return 'token signature is invalid: crypto/ecdsa: verification error'
    case 'algorithm':
      return 'token is unverifiable: error while executing keyfunc: unrecognized JWT kid or algorithm'
    case 'invalid_claims':
      return `token has invalid claims: ${failure.message}`
    case 'malformed':
      return 'token is malformed: could not parse the token'
  }
}
