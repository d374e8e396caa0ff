// What `chat` reads and writes in Postgres, behind one interface so the handler's tests run on
// an in-memory double; the SQL is proven through /functions/v1
// (tests/integration/chat-function.test.ts). What the writer may see is read under THEIR
// row-level security (membership, book, chapter, summaries, search_chunks); only counters,
// the provider's key, usage rows and stored summaries use the service role. No transaction
// stays open while the provider is called.
import type { UserClaims } from '../_shared/auth.ts'
import { resolveProvider, type PlatformProvider, type Purpose, type ResolvedProvider } from '../_shared/ai-provider.ts'
import type { Db } from '../_shared/db.ts'
import { toVectorLiteral } from '../../../app/modules/ai/embedding.ts'
import type { BookInfo, ChapterInfo, PassageInfo, SummaryInfo } from './context.ts'

export type Loaded = {
  /** The caller's role in the workspace, null when not a member. */
  role: string | null
  /** The book, when it is in this workspace and not in the trash. */
  book: BookInfo | null
  /** The chapter asked for, when it is in the book and not in the trash. */
  chapter: ChapterInfo | null
  /** Stored summaries of the book's chapters (not trashed), in book order. */
  summaries: SummaryInfo[]
}

export type RateLimit = { key: string; windowSeconds: number; max: number }

export type UsageRow = {
  tenantId: string
  userId: string
  bookId: string
  action: string
  source: 'own' | 'platform'
  model: string
  promptTokens: number
  completionTokens: number
}

export type SummaryRow = { chapterId: string; tenantId: string; bookId: string; summary: string; chapterVersion: number; model: string }

export interface ChatStore {
  load(claims: UserClaims, ids: { workspaceId: string; bookId: string; chapterId?: string }): Promise<Loaded>
  /** Counts a hit on every key; the longest wait in seconds (0 = allowed). */
  hitRateLimits(limits: RateLimit[]): Promise<number>
  resolveProvider(tenantId: string, purpose: Purpose): Promise<ResolvedProvider>
  search(claims: UserClaims, bookId: string, query: string, embedding: number[] | null, embedModel: string | null, limit: number): Promise<PassageInfo[]>
  estimateCost(model: string, promptTokens: number, completionTokens: number): Promise<number>
  /** Writes the row and answers its cost. */
  logUsage(row: UsageRow): Promise<number>
  saveSummary(row: SummaryRow): Promise<void>
}

export function createSqlChatStore(db: Db, platform: PlatformProvider): ChatStore {
  return {
    load(claims, { workspaceId, bookId, chapterId }) {
      return db.withUser(claims, async (tx) => {
        const [member] = await tx<{ role: string }[]>`
          select m.role from public.memberships m where m.tenant_id = ${workspaceId} and m.user_id = ${claims.sub}`
        if (!member) return { role: null, book: null, chapter: null, summaries: [] }
        const [book] = await tx<{ id: string; tenant_id: string; title: string; language: string }[]>`
          select b.id, b.tenant_id, b.title, b.language from public.books b
          where b.id = ${bookId} and b.tenant_id = ${workspaceId} and b.deleted_at is null`
        if (!book) return { role: member.role, book: null, chapter: null, summaries: [] }
        let chapter: ChapterInfo | null = null
        if (chapterId) {
          const [row] = await tx<{ id: string; title: string; position: number; plain_text: string; version: number }[]>`
            select c.id, c.title, c.position, c.plain_text, c.version from public.chapters c
            where c.id = ${chapterId} and c.book_id = ${bookId} and c.deleted_at is null`
          if (row) chapter = { id: row.id, title: row.title, position: row.position, plainText: row.plain_text, version: row.version }
        }
        const summaries = await tx<{ chapter_id: string; title: string; position: number; summary: string }[]>`
          select s.chapter_id, c.title, c.position, s.summary
          from public.chapter_summaries s join public.chapters c on c.id = s.chapter_id
          where s.book_id = ${bookId} and c.deleted_at is null
          order by c.position, c.created_at`
        return {
          role: member.role,
          book: { id: book.id, tenantId: book.tenant_id, title: book.title, language: book.language },
          chapter,
          summaries: summaries.map((s) => ({ chapterId: s.chapter_id, chapterTitle: s.title, position: s.position, summary: s.summary })),
        }
      })
    },

    hitRateLimits(limits) {
      return db.withServiceRole(async (tx) => {
        let wait = 0
        for (const limit of limits) {
          const [{ seconds }] = await tx<{ seconds: number }[]>`
            select private.rate_limit_hit(${limit.key}, make_interval(secs => ${limit.windowSeconds}::integer), ${limit.max}::integer) as seconds`
          wait = Math.max(wait, seconds)
        }
        return wait
      })
    },

    resolveProvider(tenantId, purpose) {
      return db.withServiceRole((tx) => resolveProvider(tx, tenantId, purpose, platform))
    },

    search(claims, bookId, query, embedding, embedModel, limit) {
      return db.withUser(claims, async (tx) => {
        const vector = embedding ? toVectorLiteral(embedding) : null
        const rows = await tx<{ chapter_id: string; chapter_title: string; char_start: number; char_end: number; content: string }[]>`
          select chapter_id, chapter_title, char_start, char_end, content
          from public.search_chunks(${bookId}::uuid, ${query}, ${vector}::extensions.vector, ${limit}::integer,
                                    ${vector ? 'hybrid' : 'fulltext'}, ${embedModel})`
        return rows.map((r) => ({ chapterId: r.chapter_id, chapterTitle: r.chapter_title, charStart: r.char_start, charEnd: r.char_end, content: r.content }))
      })
    },

    async estimateCost(model, promptTokens, completionTokens) {
      const [{ cost }] = await db.withServiceRole((tx) => tx<{ cost: string | number }[]>`
        select public.estimate_cost_usd(${model}, ${promptTokens}::integer, ${completionTokens}::integer) as cost`)
      return Number(cost)
    },

    async logUsage(row) {
      const [{ cost }] = await db.withServiceRole((tx) => tx<{ cost: string | number }[]>`
        insert into public.usage_logs (tenant_id, user_id, book_id, action, provider, model, prompt_tokens, completion_tokens, cost_usd)
        values (${row.tenantId}, ${row.userId}, ${row.bookId}, ${row.action}, ${row.source}, ${row.model},
                ${row.promptTokens}::integer, ${row.completionTokens}::integer,
                public.estimate_cost_usd(${row.model}, ${row.promptTokens}::integer, ${row.completionTokens}::integer))
        returning cost_usd as cost`)
      return Number(cost)
    },

    async saveSummary(row) {
      await db.withServiceRole((tx) => tx`
        insert into public.chapter_summaries (chapter_id, tenant_id, book_id, summary, chapter_version, model)
        values (${row.chapterId}, ${row.tenantId}, ${row.bookId}, ${row.summary}, ${row.chapterVersion}::integer, ${row.model})
        on conflict (chapter_id) do update
          set summary = excluded.summary, chapter_version = excluded.chapter_version, model = excluded.model, created_at = now()`)
    },
  }
}
