// The chat function's handler against the fake OpenAI provider (served by Deno.serve, called
// with the real openai SDK) and an in-memory stand-in for its database calls (membership and
// trash as RLS and the queries decide them, rate-limit counters as private.rate_limit_hit
// counts, usage rows, stored summaries). Provider resolution is the real resolveProvider over
// a scripted transaction. The SQL is proven through the local stack in
// tests/integration/chat-function.test.ts.
import assert from 'node:assert/strict'
import { createFakeOpenAI, DEFAULT_API_KEY, type FakeOpenAIOptions } from '../../../tests/fakes/fake-openai.ts'
import { createProviderClient, resolveProvider, type PlatformProvider } from '../_shared/ai-provider.ts'
import { createAuthenticator, type UserClaims } from '../_shared/auth.ts'
import type { Tx } from '../_shared/db.ts'
import { createChatHandler, type ChatDeps } from '../chat/handler.ts'
import type { BookInfo, ChapterInfo, PassageInfo } from '../chat/context.ts'
import type { ChatStore, RateLimit, SummaryRow, UsageRow } from '../chat/store.ts'
import { testSigner, userClaims } from './helpers.ts'

type Tenant = {
  plan: 'free' | 'pro' | 'team'
  provider?: { id: string; base_url: string; embed_model: string | null; chat_model: string | null; key: string | null }
}
type Chapter = ChapterInfo & { bookId: string; trashed: boolean }
type Book = BookInfo & { trashed: boolean }

function memoryStore(platform: PlatformProvider = {}) {
  const tenants = new Map<string, Tenant>()
  const members = new Map<string, Map<string, string>>() // tenant → user → role
  const books = new Map<string, Book>()
  const chapters = new Map<string, Chapter>()
  const summaries = new Map<string, SummaryRow>()
  const passages = new Map<string, PassageInfo[]>() // book → what search_chunks answers
  const counters = new Map<string, number>()
  const usage: UsageRow[] = []
  const searches: Array<{ query: string; embedding: number[] | null; embedModel: string | null }> = []

  function providerTx(tenantId: string): Tx {
    const tag = (strings: TemplateStringsArray, ...values: unknown[]) => {
      const text = strings.join('?')
      const tenant = tenants.get(tenantId)
      if (text.includes('from public.tenants')) {
        if (!tenant) return Promise.resolve([])
        const p = tenant.provider
        return Promise.resolve([{ plan: tenant.plan, provider_id: p?.id ?? null, base_url: p?.base_url ?? null, chat_model: p?.chat_model ?? null, embed_model: p?.embed_model ?? null, has_key: Boolean(p?.key) }])
      }
      if (text.includes('private.provider_api_key')) {
        assert.equal(values[0], tenant?.provider?.id)
        return Promise.resolve([{ key: tenant?.provider?.key ?? null }])
      }
      throw new Error(`unexpected query: ${text}`)
    }
    return tag as unknown as Tx
  }

  const store: ChatStore = {
    load(claims: UserClaims, { workspaceId, bookId, chapterId }) {
      const role = members.get(workspaceId)?.get(claims.sub) ?? null
      if (!role) return Promise.resolve({ role: null, book: null, chapter: null, summaries: [] })
      const book = books.get(bookId)
      if (!book || book.tenantId !== workspaceId || book.trashed) return Promise.resolve({ role, book: null, chapter: null, summaries: [] })
      const chapter = chapterId ? chapters.get(chapterId) : undefined
      const visible = chapter && chapter.bookId === bookId && !chapter.trashed ? chapter : null
      const stored = [...summaries.values()]
        .filter((s) => s.bookId === bookId && !chapters.get(s.chapterId)?.trashed)
        .map((s) => ({ chapterId: s.chapterId, chapterTitle: chapters.get(s.chapterId)!.title, position: chapters.get(s.chapterId)!.position, summary: s.summary }))
        .sort((a, b) => a.position - b.position)
      return Promise.resolve({ role, book, chapter: visible, summaries: stored })
    },
    hitRateLimits(limits: RateLimit[]) {
      let wait = 0
      for (const limit of limits) {
        const hits = (counters.get(limit.key) ?? 0) + 1
        counters.set(limit.key, hits)
        if (hits > limit.max) wait = Math.max(wait, limit.windowSeconds)
      }
      return Promise.resolve(wait)
    },
    resolveProvider: (tenantId, purpose) => resolveProvider(providerTx(tenantId), tenantId, purpose, platform),
    search(_claims, bookId, query, embedding, embedModel, limit) {
      searches.push({ query, embedding, embedModel })
      return Promise.resolve((passages.get(bookId) ?? []).slice(0, limit))
    },
    estimateCost: (_model, prompt, completion) => Promise.resolve((prompt * 0.15 + completion * 0.6) / 1e6),
    logUsage(row) {
      usage.push(row)
      return Promise.resolve((row.promptTokens * 0.15 + row.completionTokens * 0.6) / 1e6)
    },
    saveSummary(row) {
      summaries.set(row.chapterId, row)
      return Promise.resolve()
    },
  }

  function addWorkspace(tenant: Tenant, memberIds: string[], role = 'owner'): string {
    const id = crypto.randomUUID()
    tenants.set(id, tenant)
    members.set(id, new Map(memberIds.map((m) => [m, role])))
    return id
  }
  function addBook(tenantId: string, language = 'pt-BR', title = 'Memórias'): string {
    const id = crypto.randomUUID()
    books.set(id, { id, tenantId, title, language, trashed: false })
    return id
  }
  function addChapter(bookId: string, plainText: string, title = 'Capítulo 1', position = 1): string {
    const id = crypto.randomUUID()
    chapters.set(id, { id, bookId, title, position, plainText, version: 3, trashed: false })
    return id
  }
  return { store, tenants, members, books, chapters, summaries, passages, counters, usage, searches, addWorkspace, addBook, addChapter }
}

const CHAPTER_TEXT = 'Capitu olhava o mar. Bentinho contava as ondas da praia de Matacavalos ao fim da tarde, sem pressa nem medo.'

async function setup(options: { fake?: FakeOpenAIOptions; platform?: PlatformProvider; deps?: Partial<ChatDeps> } = {}) {
  const fake = createFakeOpenAI(options.fake)
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, fake.handle)
  const baseURL = `http://127.0.0.1:${server.addr.port}/v1`
  const signer = await testSigner()
  const db = memoryStore(options.platform ? { ...options.platform, baseURL: options.platform.baseURL ?? baseURL } : {})
  const logs: string[] = []
  const handler = createChatHandler({
    authenticate: createAuthenticator({ jwks: signer.jwks }),
    store: db.store,
    client: (provider) => createProviderClient(provider, { maxRetries: 0, timeoutMs: 5_000 }),
    log: (line) => logs.push(line),
    ...options.deps,
  })
  const writer = userClaims()
  const writerToken = await signer.token(writer)
  const ownProvider = (overrides: Partial<NonNullable<Tenant['provider']>> = {}): Tenant => ({
    plan: 'free',
    provider: { id: crypto.randomUUID(), base_url: baseURL, embed_model: 'text-embedding-3-small', chat_model: 'gpt-4o-mini', key: DEFAULT_API_KEY, ...overrides },
  })
  const workspaceId = db.addWorkspace(ownProvider(), [writer.sub])
  const bookId = db.addBook(workspaceId)
  const chapterId = db.addChapter(bookId, CHAPTER_TEXT)
  function post(body: Record<string, unknown>, init: { token?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    return handler(
      new Request('http://functions.local/chat', {
        method: 'POST',
        headers: { authorization: `Bearer ${init.token ?? writerToken}`, 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7', ...init.headers },
        body: JSON.stringify({ workspaceId, bookId, ...body }),
        signal: init.signal,
      }),
    )
  }
  return { fake, db, post, writer, writerToken, signer, ownProvider, logs, baseURL, workspaceId, bookId, chapterId, close: () => server.shutdown() }
}

type SseEvent = { event: string; data: any }

/** Reads a whole SSE body into its events. */
async function readEvents(response: Response): Promise<SseEvent[]> {
  return parseEvents(await response.text())
}

function parseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() && !block.startsWith(':'))
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null'
      return { event, data: JSON.parse(data) }
    })
}

/** Reads events until `stop` says so, then cancels the body as a browser pressing Stop does. */
async function readUntil(response: Response, stop: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
    const complete = text.slice(0, text.lastIndexOf('\n\n') + 2)
    const events = parseEvents(complete)
    if (stop(events)) {
      await reader.cancel()
      return events
    }
  }
  return parseEvents(text)
}

/** Waits for a condition the handler reaches asynchronously (a usage row after a Stop). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  assert.fail(`never happened: ${what}`)
}

Deno.test('suggest streams context, the deltas in order, then done with the provider\'s own usage; one usage row', async () => {
  const t = await setup({ fake: { reply: 'Capitu escreve uma carta. Bentinho hesita.' } })
  try {
    const response = await t.post({ action: 'suggest', chapterId: t.chapterId, cursor: 20 })
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/)
    const events = await readEvents(response)
    assert.equal(events[0].event, 'context')
    assert.equal(events[0].data.model, 'gpt-4o-mini')
    assert.equal(events[0].data.source, 'own')
    assert.deepEqual(events[0].data.context.map((c: { kind: string }) => c.kind), ['instructions', 'chapter'])
    const deltas = events.filter((e) => e.event === 'delta')
    assert.ok(deltas.length >= 5, 'token by token')
    assert.equal(deltas.map((d) => d.data.text).join(''), 'Capitu escreve uma carta. Bentinho hesita.')
    const done = events.at(-1)!
    assert.equal(done.event, 'done')
    assert.deepEqual(events.map((e) => e.event), ['context', ...deltas.map(() => 'delta'), 'done'])
    const call = t.fake.calls.find((c) => c.endpoint === 'chat')!
    assert.equal(done.data.usage.estimated, false)
    assert.equal(done.data.usage.promptTokens, call.usage!.prompt_tokens)
    assert.equal(done.data.usage.completionTokens, call.usage!.completion_tokens)
    assert.equal(t.db.usage.length, 1)
    assert.deepEqual(
      { ...t.db.usage[0] },
      { tenantId: t.workspaceId, userId: t.writer.sub, bookId: t.bookId, action: 'suggest', source: 'own', model: 'gpt-4o-mini', promptTokens: call.usage!.prompt_tokens, completionTokens: call.usage!.completion_tokens },
    )
    // The SDK call as the contract asks: streamed, usage included, capped, no tools.
    assert.equal(call.body!.stream, true)
    assert.deepEqual(call.body!.stream_options, { include_usage: true })
    assert.equal(call.body!.max_tokens, 700)
    assert.equal(call.body!.tools, undefined)
    assert.equal(call.body!.functions, undefined)
  } finally {
    await t.close()
  }
})

Deno.test('preview answers the plan as JSON without calling the chat model', async () => {
  const t = await setup()
  try {
    const response = await t.post({ action: 'rewrite', chapterId: t.chapterId, selection: { text: 'Capitu olhava o mar.', start: 0, end: 20 }, preview: true })
    assert.equal(response.status, 200)
    const plan = await response.json()
    assert.equal(plan.model, 'gpt-4o-mini')
    assert.equal(plan.source, 'own')
    assert.deepEqual(plan.context.map((c: { kind: string }) => c.kind), ['instructions', 'selection', 'chapter'])
    assert.ok(plan.context.every((c: { tokens: number }) => Number.isInteger(c.tokens) && c.tokens > 0))
    assert.ok(plan.estimate.promptTokens > 0)
    assert.ok(plan.estimate.maxCompletionTokens >= 300)
    assert.ok(plan.estimate.costUsd > 0)
    assert.deepEqual(plan.sources, [])
    assert.equal(t.fake.calls.filter((c) => c.endpoint === 'chat').length, 0)
    assert.equal(t.db.usage.length, 0)
  } finally {
    await t.close()
  }
})
