// Test doubles for function handlers: a signing key with its JWKS, tokens shaped like
// GoTrue's, and a fake transaction that answers queries with canned rows.
import assert from 'node:assert/strict'
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose'
import { ALLOW_PRIVATE_ENV } from '../_shared/base-url-guard.ts'
import type { Tx } from '../_shared/db.ts'
import { createFakeOpenAI, type FakeOpenAIOptions } from '../../../tests/fakes/fake-openai.ts'

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

/** A workspace as resolveProvider sees it: its plan and, maybe, its own provider with its key. */
export type TestTenant = {
  plan: 'free' | 'pro' | 'team'
  provider?: { id: string; base_url: string; embed_model: string | null; chat_model: string | null; key: string | null }
}

/** A transaction answering resolveProvider's two queries (plan + provider; the key from Vault) from `tenants`, as Postgres would. */
export function providerTx(tenants: Map<string, TestTenant>, tenantId: string): Tx {
  const tag = (strings: TemplateStringsArray, ...values: unknown[]) => {
    const text = strings.join('?')
    const tenant = tenants.get(tenantId)
    if (text.includes('from public.tenants')) {
      if (!tenant) return Promise.resolve([])
      const p = tenant.provider
      return Promise.resolve([{
        plan: tenant.plan,
        provider_id: p?.id ?? null,
        base_url: p?.base_url ?? null,
        chat_model: p?.chat_model ?? null,
        embed_model: p?.embed_model ?? null,
        has_key: Boolean(p?.key),
      }])
    }
    if (text.includes('private.provider_api_key')) {
      assert.equal(values[0], tenant?.provider?.id)
      return Promise.resolve([{ key: tenant?.provider?.key ?? null }])
    }
    throw new Error(`unexpected query: ${text}`)
  }
  return tag as unknown as Tx
}

/** The fake OpenAI provider served by Deno.serve on a free port; `baseURL` ends in /v1. */
export function serveFakeOpenAI(options?: FakeOpenAIOptions) {
  const fake = createFakeOpenAI(options)
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, fake.handle)
  return { fake, baseURL: `http://127.0.0.1:${server.addr.port}/v1`, close: () => server.shutdown() }
}
