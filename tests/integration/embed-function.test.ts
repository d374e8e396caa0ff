// The embed Edge Function through the local stack's /functions/v1 (Deno, the real SQL of
// migration 20261205100100_retrieval.sql, the key in Vault) against the fake OpenAI provider
// served from this process. The handler's edge cases are in
// supabase/functions/tests/embed.test.ts; this proves the wiring: RLS membership, the key
// read through private.provider_api_key, replace_chapter_chunks' reuse, the queue and usage.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { promisify } from 'node:util'
import type postgres from 'postgres'
import { inject } from 'vitest'
import { projectRoot } from '../../supabase/local/config.ts'
import { createTestUser, type TestUser } from '../../supabase/local/storage/test-tokens.ts'
import type { RunningFakeOpenAI } from '../fakes/fake-openai.server.ts'
import { DEFAULT_API_KEY } from '../fakes/fake-openai.ts'
import { scannedTables, tablesHolding } from '../helpers/key-scan.ts'
import { startAiWorkspace, stopAiWorkspace } from './ai-workspace.ts'

const env = inject('stackEnv')
const run = promisify(execFile)
const FUNCTION_URL = `${env.SUPABASE_URL}/functions/v1/embed`

const WORDS = 'Capitu olhava o mar enquanto Bentinho contava as ondas da praia de Matacavalos ao fim da tarde sem pressa nem medo'.split(' ')
function paragraph(i: number): string {
  return Array.from({ length: 60 }, (_, w) => `${WORDS[(i * 7 + w * 3) % WORDS.length]}${(i * 31 + w) % 11 === 0 ? ` p${i}w${w}.` : ''}`).join(' ') + '.'
}
const CHAPTER = Array.from({ length: 40 }, (_, i) => paragraph(i)).join('\n\n')

let sql: postgres.Sql
let fake: RunningFakeOpenAI
let owner: TestUser
let tenantId: string
let bookId: string
let providerId: string

async function callEmbed(body: unknown, token: string): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(FUNCTION_URL, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, text, json: JSON.parse(text) }
}

async function newChapter(plainText: string): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
    values (${tenantId}, ${bookId}, (select coalesce(max(position), 0) + 1 from public.chapters where book_id = ${bookId}),
            'Capítulo', '{"type":"doc","content":[]}', ${plainText})
    returning id`
  return id
}

// The drain claims due entries oldest first across the whole database; backdating ours makes
// `batch: 1` claim exactly it, whatever other test files left in the queue.
async function putFirstInQueue(chapterId: string) {
  await sql`update public.embed_queue set enqueued_at = '2000-01-01', not_before = now() - interval '1 second' where chapter_id = ${chapterId}`
}

async function storedChunks(chapterId: string) {
  return await sql<{ ord: number; content_hash: string; dims: number | null; embed_model: string | null; embedding: string | null }[]>`
    select ord, content_hash, extensions.vector_dims(embedding) as dims, embed_model, embedding::text as embedding
    from public.chunks where chapter_id = ${chapterId} order by ord`
}

beforeAll(async () => {
  ;({ sql, fake, owner, tenantId, bookId, providerId } = await startAiWorkspace(env.SUPABASE_DB_URL, 'Memórias'))
})

afterAll(() => stopAiWorkspace({ sql, fake, owner, tenantId }))

beforeEach(() => fake.fake.reset())

describe('embed through /functions/v1', () => {
  it('embeds a member\'s chapter with the workspace\'s own key, logs the spend, and re-embeds only what an edit changed', async () => {
    const chapterId = await newChapter(CHAPTER)
    const first = await callEmbed({ chapterId }, owner.accessToken)
    expect(first.status, first.text).toBe(200)
    expect(first.json).toMatchObject({ chapterId, embedded: first.json.chunks, reused: 0, provider: 'own', model: 'text-embedding-3-small' })

    const chunks = await storedChunks(chapterId)
    expect(chunks.length).toBeGreaterThanOrEqual(3)
    expect(chunks.every((c) => c.dims === 1536 && c.embed_model === 'text-embedding-3-small')).toBe(true)
    expect(fake.fake.calls).toHaveLength(1)
    expect(fake.fake.calls[0].auth.accepted).toBe(true)
    const charged = fake.fake.calls[0].usage!.prompt_tokens

    const usage = await sql`
      select user_id, book_id, action, provider, model, prompt_tokens, completion_tokens, cost_usd::text as cost
      from public.usage_logs where tenant_id = ${tenantId} order by created_at`
    expect(usage).toEqual([{
      user_id: owner.id, book_id: bookId, action: 'embed', provider: 'own', model: 'text-embedding-3-small',
      prompt_tokens: charged, completion_tokens: 0,
      cost: (await sql`select public.estimate_cost_usd('text-embedding-3-small', ${charged}::integer, 0)::text as c`)[0].c,
    }])
    expect(await sql`select 1 from public.embed_queue where chapter_id = ${chapterId}`).toHaveLength(0)

    // One paragraph edited: the save queues the chapter; the service role drains it.
    await sql`update public.chapters set plain_text = ${CHAPTER.replace(paragraph(20), 'Escobar chegou de repente e ninguém disse nada.')} where id = ${chapterId}`
    await putFirstInQueue(chapterId)
    const drained = await callEmbed({ drain: true, batch: 1 }, env.SUPABASE_SERVICE_ROLE_KEY)
    expect(drained.status, drained.text).toBe(200)
    expect(drained.json.claimed).toBe(1)
    expect(drained.json.failed).toEqual([])
    expect(drained.json.done[0]).toMatchObject({ chapterId, provider: 'own' })
    expect(fake.fake.calls).toHaveLength(2)
    const resent = fake.fake.calls[1].input!
    expect(resent.length).toBeGreaterThanOrEqual(1)
    expect(resent.length).toBeLessThanOrEqual(2)
    expect(resent.some((text) => text.includes('Escobar chegou de repente'))).toBe(true)
    expect(drained.json.done[0].reused).toBe(drained.json.done[0].chunks - resent.length)

    const after = await storedChunks(chapterId)
    expect(after.every((c) => c.dims === 1536)).toBe(true)
    const unchanged = after.filter((c) => chunks.some((old) => old.content_hash === c.content_hash))
    expect(unchanged.length).toBe(after.length - resent.length)
    for (const c of unchanged) expect(c.embedding).toBe(chunks.find((old) => old.content_hash === c.content_hash)!.embedding)
    expect(await sql`select 1 from public.embed_queue where chapter_id = ${chapterId}`).toHaveLength(0)
    const [{ count }] = await sql`select count(*)::int as count from public.usage_logs where tenant_id = ${tenantId} and user_id is null`
    expect(count).toBe(1)
  }, 60_000)

  it('answers 404 to someone outside the workspace and 403 to a user asking for a drain', async () => {
    const chapterId = await newChapter(paragraph(1))
    const stranger = await createTestUser(sql, 'Stranger')
    try {
      const response = await callEmbed({ chapterId }, stranger.accessToken)
      expect(response.status).toBe(404)
      expect(response.json.code).toBe('not_found')
      const drain = await callEmbed({ drain: true }, owner.accessToken)
      expect(drain.status).toBe(403)
      expect(drain.json.code).toBe('service_role_only')
      expect(fake.fake.calls).toHaveLength(0)
      expect(await storedChunks(chapterId)).toHaveLength(0)
    } finally {
      await sql`delete from auth.users where id = ${stranger.id}`
    }
  }, 60_000)

  it('with a key the provider refuses: invalid_key, the queue entry failed with a key-free error, the old chunks kept', async () => {
    const chapterId = await newChapter(CHAPTER)
    expect((await callEmbed({ chapterId }, owner.accessToken)).status).toBe(200)
    const before = await storedChunks(chapterId)
    const canary = `sk-canary-${randomUUID().replaceAll('-', '')}`
    await sql`select private.store_provider_key(${providerId}, ${canary}, ${owner.id})`
    try {
      await sql`update public.chapters set plain_text = ${CHAPTER.replace(paragraph(5), 'Outro parágrafo.')} where id = ${chapterId}`
      const direct = await callEmbed({ chapterId }, owner.accessToken)
      expect(direct.status).toBe(502)
      expect(direct.json.code).toBe('invalid_key')

      await putFirstInQueue(chapterId)
      const drained = await callEmbed({ drain: true, batch: 1 }, env.SUPABASE_SERVICE_ROLE_KEY)
      expect(drained.status).toBe(200)
      expect(drained.json.failed).toEqual([expect.objectContaining({ chapterId, code: 'invalid_key' })])
      const [queued] = await sql`select attempts, last_error, not_before > now() as backing_off from public.embed_queue where chapter_id = ${chapterId}`
      expect(queued).toMatchObject({ attempts: 1, backing_off: true })
      expect(queued.last_error).toMatch(/^invalid_key: /)
      for (const text of [direct.text, drained.text, queued.last_error]) {
        expect(text).not.toContain(canary)
        expect(text).not.toContain(canary.slice(-4))
      }
      expect(await storedChunks(chapterId)).toEqual(before)
      expect(fake.fake.calls.slice(1).map((call) => call.status)).toEqual([401, 401])

      // The canary is in Vault and nowhere else: every row of every other table, as text.
      const tables = await scannedTables(sql)
      expect(tables.map((t) => `${t.schema}.${t.name}`)).toEqual(expect.arrayContaining(['public.embed_queue', 'public.usage_logs', 'public.ai_providers']))
      expect(await tablesHolding(sql, canary)).toEqual([])
    } finally {
      await sql`select private.store_provider_key(${providerId}, ${DEFAULT_API_KEY}, ${owner.id})`
    }
  }, 60_000)
})

describe('npm run embed:drain (scripts/embed-drain.ts), as a scheduler runs it', () => {
  it('embeds the chapters waiting in the queue from a separate process with the service key', async () => {
    const chapterId = await newChapter(CHAPTER.slice(0, 4000))
    await putFirstInQueue(chapterId)
    const { stdout } = await run(process.execPath, [path.join(projectRoot, 'scripts', 'embed-drain.ts')], {
      cwd: projectRoot,
      env: { ...process.env, SUPABASE_URL: env.SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY: env.SUPABASE_SERVICE_ROLE_KEY },
    })
    expect(stdout).toMatch(/^Embedding queue: [1-9]\d* chapters embedded, \d+ to retry later/m)
    const chunks = await storedChunks(chapterId)
    expect(chunks.length).toBeGreaterThanOrEqual(1)
    expect(chunks.every((c) => c.dims === 1536)).toBe(true)
    expect(await sql`select 1 from public.embed_queue where chapter_id = ${chapterId}`).toHaveLength(0)
  }, 60_000)

  it('says what is missing instead of failing silently', async () => {
    const failed = await run(process.execPath, [path.join(projectRoot, 'scripts', 'embed-drain.ts')], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    }).then(() => null, (error: { code: number; stderr: string }) => error)
    expect(failed?.code).toBe(2)
    expect(failed?.stderr).toMatch(/Set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY/)
  })
})
