// The embed function's handler against the fake OpenAI provider (served by Deno.serve, called
// with the real openai SDK) and an in-memory stand-in for its database calls that behaves
// like the SQL it replaces (private.replace_chapter_chunks reuses the vectors of unchanged
// hashes; the queue keeps revision, attempts and last_error). Provider resolution runs the
// real resolveProvider over a scripted transaction. The SQL itself is exercised through the
// local stack in tests/integration/embed-function.test.ts.
import assert from 'node:assert/strict'
import { DEFAULT_API_KEY, type FakeOpenAIOptions } from '../../../tests/fakes/fake-openai.ts'
import { EMBEDDING_DIMENSIONS } from '../../../app/modules/ai/embedding.ts'
import { createProviderClient, resolveProvider, type PlatformProvider } from '../_shared/ai-provider.ts'
import { createAuthenticator, type UserClaims } from '../_shared/auth.ts'
import type { Tx } from '../_shared/db.ts'
import { createEmbedHandler } from '../embed/handler.ts'
import { createServiceRoleCheck } from '../embed/service-role.ts'
import { ChunksChangedError, type ChapterText, type EmbedStore, QueueClaim, ReplaceResult, StoredChunk, UsageRow } from '../embed/store.ts'
import { providerTx, serveFakeOpenAI, testSigner, type TestTenant, userClaims } from './helpers.ts'

type Tenant = TestTenant
type StoredRow = StoredChunk & { model: string | null }
type QueueRow = { revision: number; attempts: number; lastError: string | null; tenantId: string }

function memoryStore(platform: PlatformProvider = {}) {
  const tenants = new Map<string, Tenant>()
  const members = new Map<string, Set<string>>() // tenant → user ids
  const chapters = new Map<string, ChapterText>()
  const chunks = new Map<string, StoredRow[]>()
  const queue = new Map<string, QueueRow>()
  const usage: UsageRow[] = []


  const store: EmbedStore = {
    chapterForUser(claims: UserClaims, chapterId: string) {
      const chapter = chapters.get(chapterId)
      if (!chapter || !members.get(chapter.tenantId)?.has(claims.sub)) return Promise.resolve(null)
      return Promise.resolve({ chapterId, tenantId: chapter.tenantId, bookId: chapter.bookId })
    },
    chapter: (chapterId) => Promise.resolve(chapters.get(chapterId) ?? null),
    queuedRevision: (chapterId) => Promise.resolve(queue.get(chapterId)?.revision ?? null),
    claimBatch(limit) {
      const claimed: QueueClaim[] = []
      for (const [chapterId, row] of queue) {
        if (claimed.length >= limit) break
        row.attempts += 1
        claimed.push({ chapterId, tenantId: row.tenantId, revision: row.revision })
      }
      return Promise.resolve(claimed)
    },
    embeddedHashes(chapterId, model) {
      const rows = chunks.get(chapterId) ?? []
      return Promise.resolve(new Set(rows.filter((r) => r.embedding && r.model === model).map((r) => r.content_hash)))
    },
    replaceChunks(chapterId, model, incoming, revision) {
      const kept = new Map((chunks.get(chapterId) ?? []).filter((r) => r.embedding && r.model === model).map((r) => [r.content_hash, r.embedding]))
      const rows = incoming.map((c) => {
        assert.ok(c.embedding === null || c.embedding.length === EMBEDDING_DIMENSIONS, 'the database takes 1536 dimensions only')
        const embedding = c.embedding ?? kept.get(c.content_hash) ?? null
        return { ...c, embedding, model: embedding ? model : null }
      })
      const embedded = incoming.filter((c) => c.embedding).length
      const withVector = rows.filter((r) => r.embedding).length
      // As the SQL store: a vector that was counted on but is gone rolls everything back.
      if (withVector < rows.length) return Promise.reject(new ChunksChangedError())
      chunks.set(chapterId, rows)
      if (revision !== null && queue.get(chapterId)?.revision === revision) queue.delete(chapterId)
      const result: ReplaceResult = { chunks: rows.length, embedded, reused: withVector - embedded, missing: rows.length - withVector }
      return Promise.resolve(result)
    },
    finish(chapterId, revision) {
      const found = queue.get(chapterId)?.revision === revision
      if (found) queue.delete(chapterId)
      return Promise.resolve(found)
    },
    fail(chapterId, revision, error) {
      const row = queue.get(chapterId)
      if (row?.revision === revision) row.lastError = error
      return Promise.resolve()
    },
    logUsage(row) {
      usage.push(row)
      return Promise.resolve()
    },
    resolveProvider: (tenantId) => resolveProvider(providerTx(tenants, tenantId), tenantId, 'embed', platform),
  }

  function addWorkspace(tenant: Tenant, memberIds: string[]): string {
    const id = crypto.randomUUID()
    tenants.set(id, tenant)
    members.set(id, new Set(memberIds))
    return id
  }

  function saveChapter(tenantId: string, plainText: string, chapterId: string = crypto.randomUUID()): string {
    const previous = chapters.get(chapterId)
    chapters.set(chapterId, { chapterId, tenantId, bookId: previous?.bookId ?? crypto.randomUUID(), plainText, trashed: false, language: 'pt-BR' })
    const row = queue.get(chapterId)
    queue.set(chapterId, { revision: (row?.revision ?? 0) + 1, attempts: 0, lastError: null, tenantId })
    return chapterId
  }

  return { store, tenants, chapters, chunks, queue, usage, addWorkspace, saveChapter }
}

// A chapter of 40 distinct paragraphs (~2,400 words): several chunks.
const WORDS = 'Capitu olhava o mar enquanto Bentinho contava as ondas da praia de Matacavalos ao fim da tarde sem pressa nem medo'.split(' ')
function paragraph(i: number): string {
  return Array.from({ length: 60 }, (_, w) => `${WORDS[(i * 7 + w * 3) % WORDS.length]}${(i * 31 + w) % 11 === 0 ? ` p${i}w${w}.` : ''}`).join(' ') + '.'
}
const CHAPTER = Array.from({ length: 40 }, (_, i) => paragraph(i)).join('\n\n')

async function setup(options: { fake?: FakeOpenAIOptions; platform?: PlatformProvider } = {}) {
  const { fake, baseURL, close } = serveFakeOpenAI(options.fake)
  const signer = await testSigner()
  const db = memoryStore(options.platform ? { ...options.platform, baseURL: options.platform.baseURL ?? baseURL } : {})
  const logs: string[] = []
  const handler = createEmbedHandler({
    authenticate: createAuthenticator({ jwks: signer.jwks }),
    isServiceRole: createServiceRoleCheck({ jwks: signer.jwks }),
    store: db.store,
    // No SDK retries: each test sees the provider's first answer.
    client: (provider) => createProviderClient(provider, { maxRetries: 0, timeoutMs: 5_000 }),
    log: (line) => logs.push(line),
  })
  const writer = userClaims()
  const writerToken = await signer.token(writer)
  const serviceToken = await signer.token({ role: 'service_role' })
  const ownProvider = (overrides: Partial<NonNullable<Tenant['provider']>> = {}): Tenant => ({
    plan: 'free',
    provider: { id: crypto.randomUUID(), base_url: baseURL, embed_model: 'text-embedding-3-small', chat_model: 'gpt-4o-mini', key: DEFAULT_API_KEY, ...overrides },
  })
  async function post(body: unknown, token = writerToken): Promise<Response> {
    return await handler(new Request('http://functions.local/embed', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }))
  }
  return { fake, db, post, writer, signer, serviceToken, ownProvider, logs, baseURL, close }
}

Deno.test('embeds a chapter: every chunk stored with a 1536-dimension vector, the tokens logged as own-key usage', async () => {
  const t = await setup()
  try {
    const tenant = t.db.addWorkspace(t.ownProvider(), [t.writer.sub])
    const chapterId = t.db.saveChapter(tenant, CHAPTER)
    const response = await t.post({ chapterId })
    assert.equal(response.status, 200)
    const body = await response.json()
    const stored = t.db.chunks.get(chapterId)!
    assert.ok(stored.length >= 3, `expected several chunks, got ${stored.length}`)
    assert.ok(stored.every((c) => c.embedding?.length === EMBEDDING_DIMENSIONS && c.model === 'text-embedding-3-small'))
    assert.ok(stored.every((c) => CHAPTER.slice(c.char_start, c.char_end) === c.content))
    assert.deepEqual({ chunks: body.chunks, embedded: body.embedded, reused: body.reused, provider: body.provider }, {
      chunks: stored.length, embedded: stored.length, reused: 0, provider: 'own',
    })
    // One request to the provider, every chunk in it; the usage row is what the provider charged.
    assert.equal(t.fake.calls.length, 1)
    assert.equal(t.fake.calls[0].input!.length, stored.length)
    assert.equal(t.fake.calls[0].body!.dimensions, EMBEDDING_DIMENSIONS)
    assert.equal(t.db.usage.length, 1)
    assert.deepEqual(t.db.usage[0], {
      tenantId: tenant, userId: t.writer.sub, bookId: t.db.chapters.get(chapterId)!.bookId, source: 'own',
      model: 'text-embedding-3-small', promptTokens: t.fake.calls[0].usage!.prompt_tokens,
    })
    assert.equal(body.promptTokens, t.fake.calls[0].usage!.prompt_tokens)
    // The queue entry of the embedded revision is finished.
    assert.equal(t.db.queue.has(chapterId), false)
  } finally {
    await t.close()
  }
})

Deno.test('after a one-paragraph edit only the chunks whose text changed go to the provider again', async () => {
  const t = await setup()
  try {
    const tenant = t.db.addWorkspace(t.ownProvider(), [t.writer.sub])
    const chapterId = t.db.saveChapter(tenant, CHAPTER)
    assert.equal((await t.post({ chapterId })).status, 200)
    const firstInputs = t.fake.calls[0].input!

    const edited = CHAPTER.replace(paragraph(20), 'Escobar chegou de repente e ninguém disse nada sobre o mar naquela noite.')
    t.db.saveChapter(tenant, edited, chapterId)
    const response = await t.post({ chapterId })
    assert.equal(response.status, 200)
    const body = await response.json()
    assert.equal(t.fake.calls.length, 2)
    const secondInputs = t.fake.calls[1].input!
    assert.ok(secondInputs.length >= 1 && secondInputs.length <= 2, `re-embedded ${secondInputs.length} chunks`)
    assert.ok(secondInputs.length < firstInputs.length / 2)
    assert.ok(secondInputs.some((text) => text.includes('Escobar chegou de repente')))
    assert.equal(body.embedded, secondInputs.length)
    assert.equal(body.reused, body.chunks - secondInputs.length)
    // Every chunk still has its vector; the second usage row counts only the re-sent chunks.
    assert.ok(t.db.chunks.get(chapterId)!.every((c) => c.embedding !== null))
    assert.equal(t.db.usage[1].promptTokens, t.fake.calls[1].usage!.prompt_tokens)
    assert.ok(t.db.usage[1].promptTokens < t.db.usage[0].promptTokens / 2)

    // Embedding again without a change calls no provider and logs nothing.
    assert.equal((await t.post({ chapterId })).status, 200)
    assert.equal(t.fake.calls.length, 2)
    assert.equal(t.db.usage.length, 2)
  } finally {
    await t.close()
  }
})

Deno.test('someone outside the workspace gets 404 and nothing is embedded', async () => {
  const t = await setup()
  try {
    const tenant = t.db.addWorkspace(t.ownProvider(), [crypto.randomUUID()])
    const chapterId = t.db.saveChapter(tenant, CHAPTER)
    const response = await t.post({ chapterId })
    assert.equal(response.status, 404)
    assert.equal((await response.json()).code, 'not_found')
    assert.equal(t.fake.calls.length, 0)
    assert.equal(t.db.chunks.has(chapterId), false)
  } finally {
    await t.close()
  }
})

Deno.test('refuses bad bodies, other methods, missing tokens, and a drain asked by a user', async () => {
  const t = await setup()
  try {
    for (const body of [{}, { chapterId: 'not-a-uuid' }, { drain: 'yes' }, { drain: true, batch: 0 }, { chapterId: crypto.randomUUID(), extra: 1 }]) {
      const response = await t.post(body)
      assert.equal(response.status, 400, JSON.stringify(body))
      assert.equal((await response.json()).code, 'invalid_body')
    }
    const drainByUser = await t.post({ drain: true })
    assert.equal(drainByUser.status, 403)
    assert.equal((await drainByUser.json()).code, 'service_role_only')
    const drainForged = await t.post({ drain: true }, 'forged.jwt.token')
    assert.equal(drainForged.status, 403)
    const anonymous = await t.post({ chapterId: crypto.randomUUID() }, '')
    assert.equal(anonymous.status, 401)
    assert.equal((await t.post({ chapterId: crypto.randomUUID() }, await t.signer.token({ role: 'service_role' }))).status, 401)
  } finally {
    await t.close()
  }
})

Deno.test('without a provider: 402 no_provider on the free plan, the platform provider on pro, 503 when the platform has none', async () => {
  const t = await setup({ platform: { apiKey: DEFAULT_API_KEY, embedModel: 'text-embedding-3-small' } })
  try {
    const free = t.db.addWorkspace({ plan: 'free' }, [t.writer.sub])
    const freeChapter = t.db.saveChapter(free, CHAPTER)
    const refused = await t.post({ chapterId: freeChapter })
    assert.equal(refused.status, 402)
    const body = await refused.json()
    assert.equal(body.code, 'no_provider')
    assert.match(body.message, /Settings → AI providers/)
    assert.equal(t.fake.calls.length, 0)

    const pro = t.db.addWorkspace({ plan: 'pro' }, [t.writer.sub])
    const proChapter = t.db.saveChapter(pro, CHAPTER)
    const served = await t.post({ chapterId: proChapter })
    assert.equal(served.status, 200)
    assert.equal((await served.json()).provider, 'platform')
    assert.equal(t.db.usage.at(-1)!.source, 'platform')
  } finally {
    await t.close()
  }
  const unconfigured = await setup()
  try {
    const team = unconfigured.db.addWorkspace({ plan: 'team' }, [unconfigured.writer.sub])
    const response = await unconfigured.post({ chapterId: unconfigured.db.saveChapter(team, CHAPTER) })
    assert.equal(response.status, 503)
    assert.equal((await response.json()).code, 'no_provider')
  } finally {
    await unconfigured.close()
  }
})

Deno.test('an invalid key: invalid_key for the member; on a drain the queue entry fails with a key-free error and the old chunks stay', async () => {
  const canary = 'sk-canary-7f3a9c2e5b1d8e4f0a6c'
  const t = await setup()
  try {
    const tenant = t.db.addWorkspace(t.ownProvider(), [t.writer.sub])
    const chapterId = t.db.saveChapter(tenant, CHAPTER)
    assert.equal((await t.post({ chapterId })).status, 200)
    const before = structuredClone(t.db.chunks.get(chapterId))
    t.db.tenants.get(tenant)!.provider!.key = canary
    // An edit, so that there is something to embed.
    t.db.saveChapter(tenant, CHAPTER.replace(paragraph(3), 'Um parágrafo novo.'), chapterId)

    const direct = await t.post({ chapterId })
    const directText = await direct.text()
    assert.equal(direct.status, 502)
    assert.equal(JSON.parse(directText).code, 'invalid_key')
    assert.ok(!directText.includes(canary) && !directText.includes(canary.slice(-4)))

    const drained = await t.post({ drain: true }, t.serviceToken)
    const drainedText = await drained.text()
    assert.equal(drained.status, 200)
    const report = JSON.parse(drainedText)
    assert.equal(report.claimed, 1)
    assert.deepEqual(report.failed.map((f: { code: string }) => f.code), ['invalid_key'])
    const row = t.db.queue.get(chapterId)!
    assert.match(row.lastError!, /^invalid_key: /)
    for (const text of [row.lastError!, drainedText, ...t.logs]) assert.ok(!text.includes(canary) && !text.includes(canary.slice(-4)), text)
    assert.deepEqual(t.db.chunks.get(chapterId), before)
    assert.equal(t.db.usage.length, 1) // the refused calls cost nothing
  } finally {
    await t.close()
  }
})

Deno.test('a drain embeds the queued chapters of several workspaces and finishes their entries', async () => {
  const t = await setup({ platform: { apiKey: DEFAULT_API_KEY, embedModel: 'text-embedding-3-small' } })
  try {
    const own = t.db.addWorkspace(t.ownProvider(), [])
    const platform = t.db.addWorkspace({ plan: 'team' }, [])
    const free = t.db.addWorkspace({ plan: 'free' }, [])
    const a = t.db.saveChapter(own, CHAPTER)
    const b = t.db.saveChapter(platform, paragraph(1))
    const c = t.db.saveChapter(free, paragraph(2))
    const response = await t.post({ drain: true, batch: 10 }, t.serviceToken)
    assert.equal(response.status, 200)
    const report = await response.json()
    assert.equal(report.claimed, 3)
    assert.deepEqual(report.done.map((d: { chapterId: string; provider: string }) => [d.chapterId, d.provider]).sort(), [[a, 'own'], [b, 'platform']].sort())
    assert.deepEqual(report.failed.map((f: { chapterId: string; code: string }) => [f.chapterId, f.code]), [[c, 'no_provider']])
    assert.deepEqual([...t.db.queue.keys()], [c])
    assert.match(t.db.queue.get(c)!.lastError!, /^no_provider: /)
    assert.deepEqual(t.db.usage.map((u) => [u.tenantId, u.source, u.userId]).sort(), [[own, 'own', null], [platform, 'platform', null]].sort())
  } finally {
    await t.close()
  }
})

Deno.test('a 512-dimension model is zero-padded to 1536; a larger fixed-size model is refused with embedding_dimensions', async () => {
  const t = await setup({
    fake: {
      embeddingModels: {
        'mini-embed': { dimensions: 512, adjustable: false },
        'huge-embed': { dimensions: 2048, adjustable: false },
      },
    },
  })
  try {
    const small = t.db.addWorkspace(t.ownProvider({ embed_model: 'mini-embed' }), [t.writer.sub])
    const smallChapter = t.db.saveChapter(small, CHAPTER)
    assert.equal((await t.post({ chapterId: smallChapter })).status, 200)
    assert.equal(t.fake.calls[0].body!.dimensions, undefined)
    for (const chunk of t.db.chunks.get(smallChapter)!) {
      assert.equal(chunk.embedding!.length, EMBEDDING_DIMENSIONS)
      assert.ok(chunk.embedding!.slice(512).every((x) => x === 0))
      assert.ok(chunk.embedding!.slice(0, 512).some((x) => x !== 0))
    }

    const large = t.db.addWorkspace(t.ownProvider({ embed_model: 'huge-embed' }), [t.writer.sub])
    const largeChapter = t.db.saveChapter(large, CHAPTER)
    const refused = await t.post({ chapterId: largeChapter })
    assert.equal(refused.status, 502)
    const body = await refused.json()
    assert.equal(body.code, 'embedding_dimensions')
    assert.match(body.message, /"huge-embed" returns 2048 dimensions/)
    assert.equal(t.db.chunks.has(largeChapter), false)
    // The provider did the work and charged for it: that is logged.
    assert.equal(t.db.usage.at(-1)!.tenantId, large)
    assert.equal(t.db.usage.at(-1)!.promptTokens, t.fake.calls.at(-1)!.usage!.prompt_tokens)
  } finally {
    await t.close()
  }
})

Deno.test('an unknown model, a rate limit and an unreachable provider each answer their own code', async () => {
  const t = await setup({ fake: { failures: [{ kind: 'rate_limit', retryAfterSeconds: 7, times: 1 }] } })
  try {
    const tenant = t.db.addWorkspace(t.ownProvider(), [t.writer.sub])
    const chapterId = t.db.saveChapter(tenant, CHAPTER)
    const limited = await t.post({ chapterId })
    assert.equal(limited.status, 429)
    assert.equal(limited.headers.get('retry-after'), '7')
    assert.equal((await limited.json()).code, 'provider_rate_limited')

    t.db.tenants.get(tenant)!.provider!.embed_model = 'no-such-embedding-model'
    const missing = await t.post({ chapterId })
    assert.equal(missing.status, 502)
    const missingBody = await missing.json()
    assert.equal(missingBody.code, 'model_not_found')
    assert.match(missingBody.message, /"no-such-embedding-model"/)

    // A port nobody listens on: the connection is refused.
    const closed = Deno.listen({ hostname: '127.0.0.1', port: 0 })
    const deadPort = (closed.addr as Deno.NetAddr).port
    closed.close()
    Object.assign(t.db.tenants.get(tenant)!.provider!, { embed_model: 'text-embedding-3-small', base_url: `http://127.0.0.1:${deadPort}/v1` })
    const unreachable = await t.post({ chapterId })
    assert.equal(unreachable.status, 502)
    assert.equal((await unreachable.json()).code, 'provider_unreachable')
    assert.equal(t.db.chunks.has(chapterId), false)
    assert.equal(t.db.usage.length, 0)
  } finally {
    await t.close()
  }
})

Deno.test('a provider slower than the timeout is provider_unreachable', async () => {
  const t = await setup({ fake: { latency: { firstByteMs: 2_000 } } })
  try {
    const tenant = t.db.addWorkspace(t.ownProvider(), [t.writer.sub])
    const chapterId = t.db.saveChapter(tenant, CHAPTER)
    const handler = createEmbedHandler({
      authenticate: createAuthenticator({ jwks: t.signer.jwks }),
      isServiceRole: () => Promise.resolve(false),
      store: t.db.store,
      client: (provider) => createProviderClient(provider, { maxRetries: 0, timeoutMs: 200 }),
      log: () => {},
    })
    const response = await handler(new Request('http://functions.local/embed', {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.signer.token(t.writer)}` },
      body: JSON.stringify({ chapterId }),
    }))
    assert.equal(response.status, 504)
    assert.equal((await response.json()).code, 'provider_unreachable')
  } finally {
    await t.close()
  }
})

Deno.test('a trashed chapter finishes its queue entry without calling the provider; an empty one stores no chunks', async () => {
  const t = await setup()
  try {
    const tenant = t.db.addWorkspace(t.ownProvider(), [t.writer.sub])
    const trashed = t.db.saveChapter(tenant, CHAPTER)
    t.db.chapters.get(trashed)!.trashed = true
    const empty = t.db.saveChapter(tenant, '   ')
    const response = await t.post({ drain: true }, t.serviceToken)
    const report = await response.json()
    assert.equal(report.done.length, 2)
    assert.equal(t.db.queue.size, 0)
    assert.equal(t.fake.calls.length, 0)
    assert.deepEqual(t.db.chunks.get(empty), [])
    assert.equal(t.db.usage.length, 0)
  } finally {
    await t.close()
  }
})

Deno.test('a drain stops calling a workspace\'s provider once it refused the key; each chapter still fails on its own', async () => {
  const t = await setup()
  try {
    const tenant = t.db.addWorkspace(t.ownProvider({ key: 'sk-wrong-000000000000000000' }), [])
    const chapters = [t.db.saveChapter(tenant, paragraph(1)), t.db.saveChapter(tenant, paragraph(2)), t.db.saveChapter(tenant, paragraph(3))]
    const report = await (await t.post({ drain: true }, t.serviceToken)).json()
    assert.deepEqual(report.failed.map((f: { chapterId: string; code: string }) => [f.chapterId, f.code]), chapters.map((id) => [id, 'invalid_key']))
    assert.equal(t.fake.calls.length, 1)
    for (const id of chapters) assert.match(t.db.queue.get(id)!.lastError!, /^invalid_key: /)
  } finally {
    await t.close()
  }
})

Deno.test('when the chunks change between reading and writing, nothing half-written stays: the chapter is embedded again', async () => {
  const t = await setup()
  try {
    const tenant = t.db.addWorkspace(t.ownProvider(), [t.writer.sub])
    const chapterId = t.db.saveChapter(tenant, CHAPTER)
    assert.equal((await t.post({ chapterId })).status, 200)
    // Another run wipes the vectors right after this one read which hashes it could reuse.
    const embeddedHashes = t.db.store.embeddedHashes
    let raced = false
    t.db.store.embeddedHashes = async (id, model) => {
      const known = await embeddedHashes(id, model)
      if (!raced) {
        raced = true
        t.db.chunks.set(id, t.db.chunks.get(id)!.map((c) => ({ ...c, embedding: null, model: null })))
      }
      return known
    }
    t.db.saveChapter(tenant, CHAPTER.replace(paragraph(30), 'Uma linha nova no fim.'), chapterId)
    const response = await t.post({ chapterId })
    assert.equal(response.status, 200)
    const body = await response.json()
    assert.equal(body.embedded, body.chunks)
    assert.ok(t.db.chunks.get(chapterId)!.every((c) => c.embedding !== null))
    assert.equal(t.fake.calls.length, 3)
    assert.equal(t.fake.calls[2].input!.length, body.chunks)
    assert.ok(t.logs.some((line) => line.includes('trying once more')))
  } finally {
    await t.close()
  }
})
