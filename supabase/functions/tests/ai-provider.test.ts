// Provider resolution and error mapping shared by the AI functions (_shared/ai-provider.ts).
import assert from 'node:assert/strict'
import OpenAI from 'openai'
import { redact, resolveProvider, toProviderError } from '../_shared/ai-provider.ts'
import type { Tx } from '../_shared/db.ts'

function tenantTx(row: Record<string, unknown> | null, key: string | null = null): Tx {
  const tag = (strings: TemplateStringsArray) => {
    const text = strings.join('?')
    if (text.includes('from public.tenants')) return Promise.resolve(row ? [row] : [])
    if (text.includes('private.provider_api_key')) return Promise.resolve([{ key }])
    throw new Error(`unexpected query: ${text}`)
  }
  return tag as unknown as Tx
}

const own = { plan: 'free', provider_id: crypto.randomUUID(), base_url: 'https://llm.example/v1', chat_model: 'gpt-4o-mini', embed_model: null, has_key: true }

Deno.test('the own provider wins; its missing model for the purpose is no_model, naming where to pick one', async () => {
  const chat = await resolveProvider(tenantTx(own, 'sk-own-12345678'), 't', 'chat', { apiKey: 'sk-platform-1234', baseURL: 'https://p/v1', chatModel: 'x' })
  assert.deepEqual(chat, { source: 'own', providerId: own.provider_id, baseURL: 'https://llm.example/v1', apiKey: 'sk-own-12345678', model: 'gpt-4o-mini' })
  await assert.rejects(resolveProvider(tenantTx(own, 'sk-own-12345678'), 't', 'embed', {}), (error: { status: number; code: string; message: string }) => {
    assert.equal(error.status, 409)
    assert.equal(error.code, 'no_model')
    assert.match(error.message, /embedding model/)
    return true
  })
})

Deno.test('a provider row without a key falls back to the platform on pro, to no_provider on free', async () => {
  const keyless = { ...own, has_key: false, plan: 'pro' }
  const platform = { apiKey: 'sk-platform-1234', baseURL: 'https://p/v1', embedModel: 'text-embedding-3-small' }
  const resolved = await resolveProvider(tenantTx(keyless), 't', 'embed', platform)
  assert.equal(resolved.source, 'platform')
  assert.equal(resolved.model, 'text-embedding-3-small')
  await assert.rejects(resolveProvider(tenantTx({ ...keyless, plan: 'free' }), 't', 'embed', platform), { status: 402, code: 'no_provider' })
  await assert.rejects(resolveProvider(tenantTx(null), 't', 'embed', platform), { status: 404 })
})

Deno.test('SDK errors become our own sentences, whatever text the provider sent', () => {
  const headers = new Headers({ 'retry-after': '12' })
  const secretText = 'Incorrect API key provided: sk-live-abcdef123456'
  const auth = toProviderError(OpenAI.APIError.generate(401, { message: secretText }, secretText, new Headers()), 'm')
  assert.equal(auth.code, 'invalid_key')
  assert.doesNotMatch(auth.message, /sk-live/)
  const limited = toProviderError(OpenAI.APIError.generate(429, { message: 'slow down' }, 'slow down', headers), 'm')
  assert.deepEqual([limited.status, limited.code, limited.retryAfter], [429, 'provider_rate_limited', '12'])
  const unknown = toProviderError(new Error(`fetch failed for Bearer ${'sk-live-abcdef123456'}`), 'm')
  assert.equal(unknown.code, 'provider_error')
  assert.doesNotMatch(unknown.message, /sk-live/)
})

Deno.test('redact removes the given secrets and anything key-shaped', () => {
  assert.equal(redact('key=my-secret-value here', ['my-secret-value']), 'key=[redacted] here')
  assert.equal(redact('sent sk-proj-AbCdEf0123456789 and Bearer xyz.abc', []), 'sent [redacted] and Bearer [redacted]')
})
