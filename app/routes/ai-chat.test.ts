// The editor's AI panel path end to end, minus the browser: the app's proxy route
// (w.$workspaceId.b.$bookId.ai.tsx) → the local stack's /functions/v1/chat (Deno, the real SQL)
// → the fake OpenAI provider with the workspace's key in Vault. Text streams through the proxy
// as it is generated, Stop (the browser aborting) reaches the function and still leaves a
// usage row, a rate limit comes back as 429 with Retry-After, and a dead functions URL is 502.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { inject } from 'vitest'
import { startFakeOpenAI, type RunningFakeOpenAI } from '../../tests/fakes/fake-openai.server.ts'
import { DEFAULT_API_KEY } from '../../tests/fakes/fake-openai.ts'
import { APP_ORIGIN, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action } from './w.$workspaceId.b.$bookId.ai.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
let fake: RunningFakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI({ reply: 'Capitu abre a janela e vê Escobar no cais, acenando com um lenço branco.' })
})
afterAll(async () => {
  await fake.stop()
  await sql.end()
})

type Writer = Awaited<ReturnType<typeof signInNewWriter>>
const CHAPTER = 'Capitu olhava o mar. Bentinho contava as ondas da praia de Matacavalos ao fim da tarde.'

/** A signed-in writer with a book, a chapter and the workspace's own provider (the fake). */
async function writerWithBook(name: string) {
  const writer = await signInNewWriter(env, sql, name)
  const [{ id: bookId }] = await sql<{ id: string }[]>`
    insert into public.books (tenant_id, title, language) values (${writer.workspaceId}, 'Memórias', 'pt-BR') returning id`
  const [{ id: chapterId }] = await sql<{ id: string }[]>`
    insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
    values (${writer.workspaceId}, ${bookId}, 1, 'Capítulo 1', '{"type":"doc","content":[]}', ${CHAPTER}) returning id`
  const [{ id: providerId }] = await sql<{ id: string }[]>`
    insert into public.ai_providers (tenant_id, kind, base_url, chat_model, embed_model)
    values (${writer.workspaceId}, 'openai_compatible', ${fake.url}, 'gpt-4o-mini', 'text-embedding-3-small') returning id`
  await sql`select private.store_provider_key(${providerId}, ${DEFAULT_API_KEY}, ${writer.id})`
  return { ...writer, bookId, chapterId }
}

function chatRequest(writer: Writer & { bookId: string }, body: unknown, init: { signal?: AbortSignal; ip?: string } = {}) {
  return new Request(`${APP_ORIGIN}/w/${writer.workspaceId}/b/${writer.bookId}/ai`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { cookie: writer.cookie, 'content-type': 'application/json', origin: APP_ORIGIN, 'x-forwarded-for': init.ip ?? randomIp() },
    signal: init.signal,
  })
}

function callProxy(writer: Writer & { bookId: string }, body: unknown, init: { signal?: AbortSignal; ip?: string } = {}) {
  return respond(action({ request: chatRequest(writer, body, init), params: { workspaceId: writer.workspaceId, bookId: writer.bookId }, context: {} }))
}

function randomIp() {
  return `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`
}

function events(text: string) {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => ({ event: block.slice(7, block.indexOf('\n')), data: JSON.parse(block.slice(block.indexOf('data: ') + 6)) }))
}

async function usageRows(workspaceId: string) {
  return await sql<{ action: string; provider: string; model: string; prompt_tokens: number; completion_tokens: number }[]>`
    select action, provider, model, prompt_tokens, completion_tokens from public.usage_logs where tenant_id = ${workspaceId} order by created_at`
}

describe('the AI panel\'s proxy route', () => {
  it('streams the answer through the proxy: context first, the text delta by delta, done with the real usage', async () => {
    const ana = await writerWithBook('Ana')
    const response = await callProxy(ana, { action: 'suggest', chapterId: ana.chapterId })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const stream = events(await response.text())
    expect(stream[0].event).toBe('context')
    expect(stream[0].data).toMatchObject({ model: 'gpt-4o-mini', source: 'own' })
    const text = stream.filter((e) => e.event === 'delta').map((e) => e.data.text).join('')
    expect(text).toBe('Capitu abre a janela e vê Escobar no cais, acenando com um lenço branco.')
    expect(stream.at(-1)).toMatchObject({ event: 'done', data: { usage: { estimated: false } } })
    const rows = await usageRows(ana.workspaceId)
    expect(rows).toEqual([expect.objectContaining({ action: 'suggest', provider: 'own', model: 'gpt-4o-mini' })])
    expect(rows[0].completion_tokens).toBe(stream.at(-1)!.data.usage.completionTokens)
  }, 60_000)

  it('Stop (the browser aborting) reaches the function: the provider stream is cancelled and a usage row is written anyway', async () => {
    const ana = await writerWithBook('Ana')
    fake.fake.set({ latency: { betweenChunksMs: 150 } })
    try {
      const browser = new AbortController()
      const response = await callProxy(ana, { action: 'suggest', chapterId: ana.chapterId }, { signal: browser.signal })
      expect(response.status).toBe(200)
      const reader = response.body!.getReader()
      let seen = ''
      while (!seen.includes('event: delta')) seen += new TextDecoder().decode((await reader.read()).value)
      browser.abort()
      await reader.cancel().catch(() => {})
      await expect.poll(async () => (await usageRows(ana.workspaceId)).length, { timeout: 15_000 }).toBe(1)
      const [row] = await usageRows(ana.workspaceId)
      expect(row).toMatchObject({ action: 'suggest', provider: 'own' })
      expect(row.prompt_tokens).toBeGreaterThan(0)
      const call = fake.fake.calls.filter((c) => c.endpoint === 'chat').at(-1)!
      await expect.poll(() => call.outcome, { timeout: 15_000 }).toBe('cancelled')
      // Fewer tokens than the whole answer: generation stopped.
      expect(call.usage!.completion_tokens).toBeLessThan(15)
    } finally {
      fake.fake.set({ latency: { betweenChunksMs: 0 } })
    }
  }, 60_000)

  it('a rate limit passes through as 429 with Retry-After; bad bodies are 400 and a stranger is refused', async () => {
    const ana = await writerWithBook('Ana')
    const ip = randomIp()
    await sql`insert into private.rate_limits (key, window_start, hits) values (${`chat:ip:${ip}`}, now(), 1000)`
    const limited = await callProxy(ana, { action: 'suggest', chapterId: ana.chapterId }, { ip })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' })

    const bad = await callProxy(ana, { action: 'rewrite', chapterId: ana.chapterId })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('selection') })

    const sam = await signInNewWriter(env, sql, 'Sam')
    const refused = await callProxy({ ...sam, bookId: ana.bookId, workspaceId: ana.workspaceId }, { action: 'suggest', chapterId: ana.chapterId })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ code: 'not_member' })
    expect(await usageRows(ana.workspaceId)).toEqual([])
  }, 60_000)

  it('the per-IP limit counts the address the load balancer saw, not one the browser wrote into X-Forwarded-For', async () => {
    const ana = await writerWithBook('Ana')
    const realFetch = globalThis.fetch
    const forwarded: Array<string | null> = []
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      if (!String(input instanceof Request ? input.url : input).includes('/functions/v1/chat')) return realFetch(input, init)
      forwarded.push(new Headers(init?.headers).get('x-forwarded-for'))
      return Promise.resolve(new Response(JSON.stringify({ code: 'rate_limited', message: 'x' }), { status: 429, headers: { 'content-type': 'application/json' } }))
    })
    try {
      // The browser sends a made-up address; the load balancer appends the one it really saw
      // (as ALB, nginx's $proxy_add_x_forwarded_for, Heroku and GCP do).
      const response = await callProxy(ana, { action: 'suggest', chapterId: ana.chapterId }, { ip: '10.9.8.7, 203.0.113.50' })
      await response.text()
      expect(forwarded).toEqual(['203.0.113.50'])
    } finally {
      spy.mockRestore()
    }
  }, 60_000)

  it('refuses a cross-site post, a non-JSON body, bad JSON and a body too large with JSON {code, message}, as every other error', async () => {
    const workspaceId = randomUUID()
    const bookId = randomUUID()
    const post = (body: string, headers: Record<string, string>) =>
      respond(action({
        request: new Request(`${APP_ORIGIN}/w/${workspaceId}/b/${bookId}/ai`, { method: 'POST', body, headers: { origin: APP_ORIGIN, 'content-type': 'application/json', ...headers } }),
        params: { workspaceId, bookId },
        context: {},
      }))
    const expectJson = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      const answer = await response.json()
      expect(answer).toEqual({ code, message: expect.any(String) })
      expect(answer.message.length).toBeGreaterThan(0)
    }
    const valid = JSON.stringify({ action: 'ask', question: 'Quem é Capitu?' })
    await expectJson(await post(valid, { origin: 'https://evil.example' }), 403, 'cross_site')
    await expectJson(await post(valid, { origin: 'null' }), 403, 'cross_site')
    await expectJson(await post(valid, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type')
    await expectJson(await post('{"action": "ask", ', {}), 400, 'invalid_request')
    await expectJson(await post(JSON.stringify({ action: 'ask', question: 'x'.repeat(600 * 1024) }), {}), 413, 'body_too_large')
  })

  it('answers 502 functions_unreachable as JSON when the functions endpoint cannot be reached', async () => {
    const ana = await writerWithBook('Ana')
    const realFetch = globalThis.fetch
    const down = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) =>
      String(input instanceof Request ? input.url : input).includes('/functions/v1/chat') ? Promise.reject(new TypeError('fetch failed')) : realFetch(input, init),
    )
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const response = await callProxy(ana, { action: 'suggest', chapterId: ana.chapterId })
      expect(response.status).toBe(502)
      expect(await response.json()).toMatchObject({ code: 'functions_unreachable', message: expect.any(String) })
    } finally {
      down.mockRestore()
      errors.mockRestore()
    }
  }, 60_000)
})
