// Test doubles for function handlers: a signing key with its JWKS, tokens shaped like
// GoTrue's, and a fake transaction that answers queries with canned rows.
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose'
import { ALLOW_PRIVATE_ENV } from '../_shared/base-url-guard.ts'
import type { Tx } from '../_shared/db.ts'

// The fake provider listens on 127.0.0.1, which the SSRF guard refuses unless private base
// URLs are allowed — as the local stack allows them. The guard's own tests pass
// allowPrivateBaseUrls: false explicitly.
Deno.env.set(ALLOW_PRIVATE_ENV, 'true')

export async function testSigner() {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const kid = crypto.randomUUID()
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }
  async function token(claims: Record<string, unknown>, expiresIn = 3600): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    return await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .sign(privateKey)
  }
  return { jwks, token }
}

export function userClaims(overrides: Record<string, unknown> = {}) {
  return { sub: crypto.randomUUID(), role: 'authenticated', aud: 'authenticated', email: 'writer@example.com', ...overrides }
}

/** A stand-in for a postgres.js transaction: every query resolves to `rows`; queries are recorded. */
export function fakeTx(rows: unknown[]): { tx: Tx; queries: string[] } {
  const queries: string[] = []
  const tag = (strings: TemplateStringsArray, ..._values: unknown[]) => {
    queries.push(strings.join('?'))
    return Promise.resolve(rows)
  }
  return { tx: tag as unknown as Tx, queries }
}

export function bearer(token: string, init: RequestInit = {}): Request {
  return new Request('http://functions.local/whoami', { ...init, headers: { authorization: `Bearer ${token}` } })
}
