// What `embed` reads and writes in Postgres, behind one interface so the handler's tests run
// on an in-memory double and the real thing is proven through /functions/v1
// (tests/integration/embed-function.test.ts). Every call is its own short transaction: the
// provider is never called with a transaction open (the local stack's PGlite is one backend).
import type { UserClaims } from '../_shared/auth.ts'
import type postgres from 'postgres'
import type { Db } from '../_shared/db.ts'
import { resolveProvider, type PlatformProvider, type ResolvedProvider } from '../_shared/ai-provider.ts'

export type ChapterRef = { chapterId: string; tenantId: string; bookId: string }
export type ChapterText = ChapterRef & { plainText: string; trashed: boolean; language: string }
export type QueueClaim = { chapterId: string; tenantId: string; revision: number }

export type StoredChunk = {
  ord: number
  content: string
  content_hash: string
  char_start: number
  char_end: number
  /** 1536 numbers, or null to keep the embedding an old chunk with the same hash had. */
  embedding: number[] | null
}

/** replace_chapter_chunks could not reuse a vector it was promised; nothing was written. */
export class ChunksChangedError extends Error {
  constructor() {
    super('The chapter\'s chunks changed while it was being embedded')
    this.name = 'ChunksChangedError'
  }
}

export type ReplaceResult = { chunks: number; embedded: number; reused: number; missing: number }

export type UsageRow = {
  tenantId: string
  userId: string | null
  bookId: string
  source: 'own' | 'platform'
  model: string
  promptTokens: number
}

export interface EmbedStore {
  /** The chapter as the caller sees it under RLS (null: not theirs, or no such chapter). */
  chapterForUser(claims: UserClaims, chapterId: string): Promise<ChapterRef | null>
  chapter(chapterId: string): Promise<ChapterText | null>
  /** The revision of the chapter's queue entry, if it has one. */
  queuedRevision(chapterId: string): Promise<number | null>
  claimBatch(limit: number): Promise<QueueClaim[]>
  /** Hashes of the chapter's chunks that already hold an embedding from this model. */
  embeddedHashes(chapterId: string, model: string): Promise<Set<string>>
  /**
   * Replaces the chapter's chunks and, when a revision is given, finishes its queue entry, in
   * one transaction; throws ChunksChangedError (and writes nothing) if a chunk sent without a
   * vector found none to reuse.
   */
  replaceChunks(chapterId: string, model: string, chunks: StoredChunk[], revision: number | null): Promise<ReplaceResult>
  finish(chapterId: string, revision: number): Promise<boolean>
  fail(chapterId: string, revision: number, error: string): Promise<void>
  logUsage(row: UsageRow): Promise<void>
  resolveProvider(tenantId: string): Promise<ResolvedProvider>
}

export function createSqlEmbedStore(db: Db, platform: PlatformProvider): EmbedStore {
  return {
    async chapterForUser(claims, chapterId) {
      const [row] = await db.withUser(claims, (tx) => tx<{ id: string; tenant_id: string; book_id: string }[]>`
        select c.id, c.tenant_id, c.book_id from public.chapters c where c.id = ${chapterId}`)
      return row ? { chapterId: row.id, tenantId: row.tenant_id, bookId: row.book_id } : null
    },

    async chapter(chapterId) {
      const [row] = await db.withServiceRole((tx) => tx<
        { id: string; tenant_id: string; book_id: string; plain_text: string | null; deleted_at: Date | null; language: string }[]
      >`
        select c.id, c.tenant_id, c.book_id, c.plain_text, c.deleted_at, b.language
        from public.chapters c join public.books b on b.id = c.book_id and b.tenant_id = c.tenant_id
        where c.id = ${chapterId}`)
      if (!row) return null
      return {
        chapterId: row.id,
        tenantId: row.tenant_id,
        bookId: row.book_id,
        plainText: row.plain_text ?? '',
        trashed: row.deleted_at !== null,
        language: row.language,
      }
    },

    async queuedRevision(chapterId) {
      const [row] = await db.withServiceRole((tx) => tx<{ revision: number }[]>`
        select q.revision from public.embed_queue q where q.chapter_id = ${chapterId}`)
      return row?.revision ?? null
    },

    async claimBatch(limit) {
      const rows = await db.withServiceRole((tx) => tx<{ chapter_id: string; tenant_id: string; revision: number }[]>`
        select chapter_id, tenant_id, revision from private.claim_embed_batch(${limit}::integer)`)
      return rows.map((r) => ({ chapterId: r.chapter_id, tenantId: r.tenant_id, revision: r.revision }))
    },

    async embeddedHashes(chapterId, model) {
      const rows = await db.withServiceRole((tx) => tx<{ content_hash: string }[]>`
        select distinct c.content_hash from public.chunks c
        where c.chapter_id = ${chapterId} and c.embed_model = ${model} and c.embedding is not null`)
      return new Set(rows.map((r) => r.content_hash))
    },

    async replaceChunks(chapterId, model, chunks, revision) {
      return await db.withServiceRole(async (tx) => {
        const [{ result }] = await tx<{ result: ReplaceResult }[]>`
          select private.replace_chapter_chunks(${chapterId}::uuid, ${model}, ${tx.json(chunks as unknown as postgres.JSONValue)}) as result`
        // A vector we counted on was gone (another run replaced the chunks meanwhile): roll
        // back rather than leave chunks without a vector behind a finished queue entry.
        if (result.missing > 0) throw new ChunksChangedError()
        if (revision !== null) await tx`select private.finish_embedding(${chapterId}::uuid, ${revision}::integer)`
        return result
      })
    },

    async finish(chapterId, revision) {
      const [{ done }] = await db.withServiceRole((tx) => tx<{ done: boolean }[]>`
        select private.finish_embedding(${chapterId}::uuid, ${revision}::integer) as done`)
      return done
    },

    async fail(chapterId, revision, error) {
      await db.withServiceRole((tx) => tx`select private.fail_embedding(${chapterId}::uuid, ${revision}::integer, ${error})`)
    },

    async logUsage(row) {
      await db.withServiceRole((tx) => tx`
        insert into public.usage_logs (tenant_id, user_id, book_id, action, provider, model, prompt_tokens, completion_tokens, cost_usd)
        values (${row.tenantId}, ${row.userId}, ${row.bookId}, 'embed', ${row.source}, ${row.model}, ${row.promptTokens}, 0,
                public.estimate_cost_usd(${row.model}, ${row.promptTokens}::integer, 0))`)
    },

    resolveProvider(tenantId) {
      return db.withServiceRole((tx) => resolveProvider(tx, tenantId, 'embed', platform))
    },
  }
}
