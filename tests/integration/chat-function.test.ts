// The chat Edge Function through the local stack's /functions/v1 (Deno, the real SQL: RLS on
// memberships, books, chapters and chapter_summaries, public.search_chunks under the
// writer's JWT, private.rate_limit_hit, the key read from Vault, usage_logs with the cost
// from public.estimate_cost_usd) against the fake OpenAI provider served from this process.
// The handler's edge cases are in supabase/functions/tests/chat.test.ts.
import { randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { inject } from 'vitest'
import { createTestUser, type TestUser } from '../../supabase/local/storage/test-tokens.ts'
import type { RunningFakeOpenAI } from '../fakes/fake-openai.server.ts'
import { DEFAULT_API_KEY } from '../fakes/fake-openai.ts'
import { startAiWorkspace, stopAiWorkspace } from './ai-workspace.ts'

const env = inject('stackEnv')
const CHAT_URL = `${env.SUPABASE_URL}/functions/v1/chat`
const EMBED_URL = `${env.SUPABASE_URL}/functions/v1/embed`

let sql: postgres.Sql
let fake: RunningFakeOpenAI
let owner: TestUser
let tenantId: string
let bookId: string

const CHAPTERS = [
  ['Capítulo 1', 'Bentinho mora na rua de Matacavalos com a mãe, dona Glória, e o agregado José Dias.'],
  ['Capítulo 2', 'Capitu tinha olhos de ressaca, olhos de cigana oblíqua e dissimulada, disse José Dias.'],
  ['Capítulo 3', 'Escobar, colega do seminário, nadava todas as manhãs no mar da praia do Flamengo.'],
]
const chapterIds: string[] = []

function randomIp() {
  return `203.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`
}

async function callChat(body: Record<string, unknown>, token = owner.accessToken, ip = randomIp()) {
  return await fetch(CHAT_URL, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ workspaceId: tenantId, bookId, ...body }),
  })
}

function events(text: string) {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => ({ event: block.slice(7, block.indexOf('\n')), data: JSON.parse(block.slice(block.indexOf('data: ') + 6)) }))
}

beforeAll(async () => {
  ;({ sql, fake, owner, tenantId, bookId } = await startAiWorkspace(env.SUPABASE_DB_URL, 'Dom Casmurro'))
  for (const [i, [title, text]] of CHAPTERS.entries()) {
    const [{ id }] = await sql<{ id: string }[]>`
      insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
      values (${tenantId}, ${bookId}, ${i + 1}, ${title}, '{"type":"doc","content":[]}', ${text}) returning id`
    chapterIds.push(id)
    const embedded = await fetch(EMBED_URL, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chapterId: id }),
    })
    expect(embedded.status, await embedded.text()).toBe(200)
  }
}, 120_000)

afterAll(() => stopAiWorkspace({ sql, fake, owner, tenantId }))

beforeEach(() => fake.fake.reset())

describe('chat through /functions/v1', () => {
  it('ask: hybrid retrieval under the writer\'s RLS finds the chapter with the fact; numbered sources; one usage row priced by the table', async () => {
    fake.fake.set({ reply: 'Olhos de ressaca [1].' })
    const response = await callChat({ action: 'ask', question: 'Como eram os olhos de Capitu, segundo José Dias?' })
    expect(response.status).toBe(200)
    const stream = events(await response.text())
    const context = stream[0].data
    expect(context.sources[0]).toMatchObject({ n: 1, chapterId: chapterIds[1], chapterTitle: 'Capítulo 2', charStart: 0 })
    expect(context.sources[0].excerpt).toContain('olhos de ressaca')
    expect(stream.at(-1)!.event).toBe('done')
    // The question was embedded (vector search) as well as searched by words.
    expect(fake.fake.calls.some((c) => c.endpoint === 'embeddings' && c.input?.[0]?.includes('olhos de Capitu'))).toBe(true)
    const chat = fake.fake.calls.find((c) => c.endpoint === 'chat')!
    const rows = await sql<{ prompt_tokens: number; completion_tokens: number; cost: string; provider: string; model: string }[]>`
      select prompt_tokens, completion_tokens, cost_usd::text as cost, provider, model
      from public.usage_logs where tenant_id = ${tenantId} and action = 'ask'`
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ provider: 'own', model: 'gpt-4o-mini', prompt_tokens: chat.usage!.prompt_tokens, completion_tokens: chat.usage!.completion_tokens })
    const [{ cost }] = await sql`select public.estimate_cost_usd('gpt-4o-mini', ${chat.usage!.prompt_tokens}::integer, ${chat.usage!.completion_tokens}::integer)::text as cost`
    expect(rows[0].cost).toBe(cost)
    expect(stream.at(-1)!.data.usage).toEqual({ promptTokens: chat.usage!.prompt_tokens, completionTokens: chat.usage!.completion_tokens, costUsd: Number(cost), estimated: false })
    await sql`delete from public.usage_logs where tenant_id = ${tenantId}`
  }, 60_000)

  it('summarize stores the summary for the chapter\'s version; the next action on another chapter sends it', async () => {
    fake.fake.set({ reply: 'Bentinho vive com a mãe e José Dias em Matacavalos.' })
    const response = await callChat({ action: 'summarize', chapterId: chapterIds[0] })
    const stream = events(await response.text())
    expect(stream.at(-1)).toMatchObject({ event: 'done', data: { summary: { chapterId: chapterIds[0], chapterVersion: 1 } } })
    const stored = await sql`select summary, chapter_version, model from public.chapter_summaries where chapter_id = ${chapterIds[0]}`
    expect(stored).toEqual([{ summary: 'Bentinho vive com a mãe e José Dias em Matacavalos.', chapter_version: 1, model: 'gpt-4o-mini' }])
    const preview = await (await callChat({ action: 'suggest', chapterId: chapterIds[2], preview: true })).json()
    expect(preview.context).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'summary', chapterId: chapterIds[0], label: 'Capítulo 1' })]))
  }, 60_000)

  it('a member of another workspace gets 403, a writer of a trashed book 404, and the workspace limit answers 429 with Retry-After', async () => {
    const stranger = await createTestUser(sql, 'Stranger')
    const refused = await callChat({ action: 'suggest', chapterId: chapterIds[0] }, stranger.accessToken)
    expect(refused.status).toBe(403)
    expect((await refused.json()).code).toBe('not_member')

    const writer = await createTestUser(sql, 'Writer')
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${tenantId}, ${writer.id}, 'writer')`
    const [{ id: trashedBook }] = await sql<{ id: string }[]>`
      insert into public.books (tenant_id, title, language, deleted_at) values (${tenantId}, 'Na lixeira', 'pt-BR', now()) returning id`
    const trashed = await callChat({ action: 'ask', question: 'Quem?', bookId: trashedBook }, writer.accessToken)
    expect(trashed.status).toBe(404)
    expect((await trashed.json()).code).toBe('not_found')

    await sql`insert into private.rate_limits (key, window_start, hits) values (${`chat:workspace:${tenantId}`}, now(), 10000)
              on conflict (key) do update set window_start = now(), hits = 10000`
    const limited = await callChat({ action: 'suggest', chapterId: chapterIds[0] }, writer.accessToken)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await limited.json()).code).toBe('rate_limited')
    await sql`delete from private.rate_limits where key = ${`chat:workspace:${tenantId}`}`
    expect(fake.fake.calls.filter((c) => c.endpoint === 'chat')).toHaveLength(0)
  }, 60_000)

  it('a canary key refused by the provider is 401 invalid_key, with no trace of the key and no usage row', async () => {
    const canary = `sk-canary-${randomUUID()}`
    const [{ id: providerId }] = await sql<{ id: string }[]>`select id from public.ai_providers where tenant_id = ${tenantId}`
    await sql`select private.store_provider_key(${providerId}, ${canary}, ${owner.id})`
    try {
      const response = await callChat({ action: 'suggest', chapterId: chapterIds[0] })
      const text = await response.text()
      expect(response.status).toBe(401)
      expect(JSON.parse(text).code).toBe('invalid_key')
      expect(text).not.toContain(canary.slice(-12))
      expect(await sql`select 1 from public.usage_logs where tenant_id = ${tenantId} and action = 'suggest'`).toHaveLength(0)
    } finally {
      await sql`select private.store_provider_key(${providerId}, ${DEFAULT_API_KEY}, ${owner.id})`
    }
  }, 60_000)

  it('text Postgres cannot store (a NUL character) in the question or the selection is a 400, not a 500', async () => {
    for (const body of [
      { action: 'ask', question: 'Quem tinha olhos\u0000 de ressaca?' },
      { action: 'critique', chapterId: chapterIds[1], selection: { text: 'olhos\u0000 de cigana', start: 0, end: 20 } },
      { action: 'ask', question: 'Quem?', preview: true, history: [{ role: 'user', content: 'a\u0000b' }] },
    ]) {
      const response = await callChat(body)
      const text = await response.text()
      expect(response.status, `${body.action}: ${text}`).toBe(400)
      expect(JSON.parse(text)).toMatchObject({ code: 'invalid_request' })
    }
  }, 60_000)
})
