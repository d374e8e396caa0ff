// The ai-models function's handler ("Test connection") against the fake OpenAI provider
// (Deno.serve, called with the real openai SDK), with the role and the provider injected.
import assert from 'node:assert/strict'
import { DEFAULT_API_KEY, type FakeOpenAIOptions } from '../../../tests/fakes/fake-openai.ts'
import { createAuthenticator } from '../_shared/auth.ts'
import { createAiModelsHandler, type OwnProvider } from '../ai-models/handler.ts'
import { serveFakeOpenAI, testSigner, userClaims } from './helpers.ts'

const WORKSPACE = crypto.randomUUID()

async function setup(options: { fake?: FakeOpenAIOptions; role?: string | null; provider?: Partial<OwnProvider> | null } = {}) {
  const { fake, baseURL, close } = serveFakeOpenAI(options.fake)
  const signer = await testSigner()
  const logs: string[] = []
  const provider: OwnProvider | null = options.provider === null
    ? null
    : { providerId: crypto.randomUUID(), baseURL, apiKey: DEFAULT_API_KEY, chatModel: 'gpt-4o-mini', embedModel: 'text-embedding-3-small', ...options.provider }
  const handler = createAiModelsHandler({
    authenticate: createAuthenticator({ jwks: signer.jwks }),
    roleOf: (_claims, workspaceId) => Promise.resolve(workspaceId === WORKSPACE ? (options.role === undefined ? 'owner' : options.role) : null),
    ownProvider: (workspaceId) => Promise.resolve(workspaceId === WORKSPACE ? provider : null),
    log: (line) => logs.push(line),
  })
  const token = await signer.token(userClaims())
  async function post(body: unknown) {
    const response = await handler(new Request('http://functions.local/ai-models', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }))
    const text = await response.text()
    return { status: response.status, text, json: JSON.parse(text) }
  }
  return { fake, post, logs, close }
}

Deno.test('ai-models lists the provider\'s models, sorted, and finds the chosen ones', async () => {
  const t = await setup()
  try {
    const res = await t.post({ workspaceId: WORKSPACE })
    assert.equal(res.status, 200, res.text)
    assert.ok(res.json.models.includes('gpt-4o-mini'))
    assert.ok(res.json.models.includes('text-embedding-3-small'))
    assert.deepEqual(res.json.models, [...res.json.models].sort((a: string, b: string) => a.localeCompare(b)))
    assert.equal(res.json.chatModelFound, true)
    assert.equal(res.json.embedModelFound, true)
    assert.equal(t.fake.calls[0].endpoint, 'models')
    assert.equal(t.fake.calls[0].auth.accepted, true)
  } finally {
    await t.close()
  }
})

Deno.test('ai-models says when the chosen models are not offered', async () => {
  const t = await setup({ provider: { chatModel: 'no-such-chat', embedModel: null } })
  try {
    const res = await t.post({ workspaceId: WORKSPACE })
    assert.equal(res.status, 200, res.text)
    assert.equal(res.json.chatModelFound, false)
    assert.equal(res.json.embedModelFound, false)
  } finally {
    await t.close()
  }
})

Deno.test('ai-models: an invalid key is invalid_key, and the key is in neither the body nor the logs', async () => {
  const canary = `sk-canary-${crypto.randomUUID()}`
  const t = await setup({ provider: { apiKey: canary } })
  try {
    const res = await t.post({ workspaceId: WORKSPACE })
    assert.equal(res.status, 502)
    assert.equal(res.json.code, 'invalid_key')
    assert.ok(!res.text.includes(canary) && !res.text.includes(canary.slice(0, 12)))
    assert.ok(t.logs.length > 0)
    for (const line of t.logs) assert.ok(!line.includes(canary) && !line.includes(canary.slice(-8)), line)
  } finally {
    await t.close()
  }
})

Deno.test('ai-models: rate limits, an unreachable provider and a wrong base URL are named', async () => {
  const limited = await setup({ fake: { failures: [{ kind: 'rate_limit', retryAfterSeconds: 7, endpoint: 'models' }] } })
  try {
    const res = await limited.post({ workspaceId: WORKSPACE })
    assert.equal(res.status, 429)
    assert.equal(res.json.code, 'provider_rate_limited')
  } finally {
    await limited.close()
  }
  const down = await setup({ provider: { baseURL: 'http://127.0.0.1:9/v1' } })
  try {
    const res = await down.post({ workspaceId: WORKSPACE })
    assert.equal(res.json.code, 'provider_unreachable')
  } finally {
    await down.close()
  }
  const wrong = await setup({ fake: { failures: [{ kind: 'model_not_found', endpoint: 'models' }] } })
  try {
    const res = await wrong.post({ workspaceId: WORKSPACE })
    assert.equal(res.json.code, 'bad_base_url')
  } finally {
    await wrong.close()
  }
})

Deno.test('ai-models: a writer gets 403, a stranger 404, neither reaches the provider', async () => {
  const writer = await setup({ role: 'writer' })
  try {
    const res = await writer.post({ workspaceId: WORKSPACE })
    assert.equal(res.status, 403)
    assert.equal(res.json.code, 'forbidden')
    assert.equal(writer.fake.calls.length, 0)
  } finally {
    await writer.close()
  }
  const stranger = await setup({ role: null })
  try {
    const res = await stranger.post({ workspaceId: WORKSPACE })
    assert.equal(res.status, 404)
    assert.equal(stranger.fake.calls.length, 0)
  } finally {
    await stranger.close()
  }
})

Deno.test('ai-models: no own provider (or no key) is a clear no_provider; bad bodies are 400', async () => {
  const none = await setup({ provider: null })
  try {
    const res = await none.post({ workspaceId: WORKSPACE })
    assert.equal(res.status, 409)
    assert.equal(res.json.code, 'no_provider')
    assert.match(res.json.message, /Settings → AI providers/)
    assert.equal((await none.post({ workspace: 'x' })).status, 400)
  } finally {
    await none.close()
  }
  const keyless = await setup({ provider: { apiKey: null } })
  try {
    assert.equal((await keyless.post({ workspaceId: WORKSPACE })).json.code, 'no_provider')
  } finally {
    await keyless.close()
  }
})
