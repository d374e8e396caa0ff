// Signed URL tokens as storage-api issues them: a JWT binding `bucket/key` and a scope
// (download or upload) to an expiry, signed with the stack's key. Neither kind carries a
// role, so one can never pass for an access token, nor an access token for one.
import { importJWK, SignJWT, type CryptoKey } from 'jose'
import { verifyStackJwt, type StackKeys } from '../keys.ts'
import { errors } from './errors.ts'

export type TokenScope = 'download' | 'upload'

export type SignedToken = { url: string; scope: TokenScope; exp: number; owner?: string; upsert?: boolean }

export function createUrlSigner(keys: StackKeys) {
  let privateKey: Promise<CryptoKey | Uint8Array> | undefined

  async function sign(claims: { url: string; scope: TokenScope; owner?: string; upsert?: boolean }, expiresIn: number) {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .sign(await (privateKey ??= importJWK(keys.privateJwk, 'ES256')))
  }

  /** storage-api's verifyObjectSignature: signature, scope, path binding, then expiry. */
  async function verify(token: string, url: string, scope: TokenScope): Promise<SignedToken> {
    const verified = await verifyStackJwt(keys, token)
    if (!verified.ok) throw errors.invalidJwt(verified.message)
    const payload: Record<string, unknown> = verified.claims
    if (payload.scope !== scope) throw errors.invalidSignature(`Token is not scoped for ${scope}`)
    if (payload.url !== url) throw errors.invalidSignature()
    if (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) throw errors.expiredSignature()
    return payload as SignedToken
  }

  return { sign, verify }
}

export type UrlSigner = ReturnType<typeof createUrlSigner>
