// Chapters of a book, each function run inside the caller's scoped transaction (RLS decides
// what exists). Saving goes through public.save_chapter, which compares version numbers so
// two tabs never overwrite each other: the later save becomes a 'conflict' version.
import type { Tx } from '~/utils/db.server.ts'
import { toPlainText, countWords } from '../manuscript/plain-text.ts'
import { EMPTY_DOC, MAX_CHAPTER_JSON_BYTES, ManuscriptDocSchema, type ManuscriptDoc } from '../manuscript/schema.ts'
import { WritingError, isUuid } from './errors.ts'
import { sameOrder } from './order.ts'
import type { ChapterStatus } from './schema.ts'

export type OutlineItem = { id: string; title: string; position: number; status: ChapterStatus; wordCount: number; version: number }

export type Chapter = OutlineItem & {
  bookId: string
  workspaceId: string
  content: ManuscriptDoc
  updatedAt: Date
  deletedAt: Date | null
}

export type SaveResult = { status: 'saved'; version: number } | { status: 'conflict'; version: number; versionId: string }

/** The book's chapters outside the trash, in reading order. */
export async function listOutline({ tx, bookId }: { tx: Tx; bookId: string }): Promise<OutlineItem[]> {
  if (!isUuid(bookId)) return []
  return tx<OutlineItem[]>`
    select c.id, c.title, c.position, c.status, c.word_count as "wordCount", c.version
    from public.chapters c
    where c.book_id = ${bookId} and c.deleted_at is null
    order by c.position, c.created_at`
}

/** The chapter with its content, also when in the trash (deletedAt says so); null when not visible. */
export async function getChapter({ tx, chapterId }: { tx: Tx; chapterId: string }): Promise<Chapter | null> {
  if (!isUuid(chapterId)) return null
  const rows = await tx<Chapter[]>`
    select c.id, c.title, c.position, c.status, c.word_count as "wordCount", c.version,
           c.book_id as "bookId", c.tenant_id as "workspaceId", c.content,
           c.updated_at as "updatedAt", c.deleted_at as "deletedAt"
    from public.chapters c
    where c.id = ${chapterId}`
  return rows[0] ?? null
}

/** The chapter as a page shows it: visible, outside the trash and in the book the URL names. */
export async function getOpenChapter({ tx, chapterId, bookId }: { tx: Tx; chapterId: string; bookId: string | undefined }): Promise<Chapter | null> {
  const chapter = await getChapter({ tx, chapterId })
  return chapter && !chapter.deletedAt && chapter.bookId === bookId ? chapter : null
}

/**
 * Every change to a book's list of chapters (add, trash, restore, reorder, import) locks the
 * book row first, so they take turns: a reorder never sees the list change under it. False
 * when the book is not visible to the caller.
 */
export async function lockBook(tx: Tx, bookId: string): Promise<boolean> {
  const rows = await tx`select 1 from public.books where id = ${bookId} for update`
  return rows.length === 1
}

async function lockBookOfChapter(tx: Tx, chapterId: string): Promise<void> {
  await tx`select 1 from public.books b where b.id = (select c.book_id from public.chapters c where c.id = ${chapterId}) for update of b`
}

/** Adds an empty chapter at the end of the book. Throws not_found when the book is not visible. */
export async function createChapter({ tx, bookId, title }: { tx: Tx; bookId: string; title: string }): Promise<{ id: string }> {
  if (!isUuid(bookId)) throw new WritingError('not_found', 'Book not found')
  await lockBook(tx, bookId)
  const rows = await tx<{ id: string }[]>`
    insert into public.chapters (tenant_id, book_id, position, title, content, plain_text, word_count)
    select b.tenant_id, b.id,
           coalesce((select max(c.position) + 1 from public.chapters c where c.book_id = b.id and c.deleted_at is null), 0),
           ${title}, ${JSON.stringify(EMPTY_DOC)}::text::jsonb, '', 0
    from public.books b
    where b.id = ${bookId}
    returning id`
  if (!rows[0]) throw new WritingError('not_found', 'Book not found')
  return rows[0]
}

/** False when the chapter is not visible. */
export async function renameChapter({ tx, chapterId, title }: { tx: Tx; chapterId: string; title: string }): Promise<boolean> {
  if (!isUuid(chapterId)) return false
  const result = await tx`update public.chapters set title = ${title} where id = ${chapterId}`
  return result.count === 1
}

export async function setChapterStatus({ tx, chapterId, status }: { tx: Tx; chapterId: string; status: ChapterStatus }): Promise<boolean> {
  if (!isUuid(chapterId)) return false
  const result = await tx`update public.chapters set status = ${status} where id = ${chapterId}`
  return result.count === 1
}

/**
 * Puts the book's chapters (outside the trash) in this order. The list must name each exactly
 * once; otherwise the database raises 22023, which withUser answers with 400.
 */
export async function reorderChapters({ tx, bookId, chapterIds }: { tx: Tx; bookId: string; chapterIds: string[] }): Promise<void> {
  if (!isUuid(bookId)) throw new WritingError('not_found', 'Book not found')
  const [book] = await tx`select 1 from public.books where id = ${bookId}`
  if (!book) throw new WritingError('not_found', 'Book not found')
  await tx`select public.reorder_chapters(${bookId}, ${chapterIds}::uuid[])`
}

export type ReorderOutcome = { status: 'reordered' } | { status: 'stale'; current: string[] } | { status: 'foreign' }

/**
 * A writer's move in the outline: `expected` is the order their page showed, `order` the
 * order they want (a permutation of `expected`). With the book locked, an order naming
 * chapters this book never had is 'foreign'; a page that no longer shows the current order
 * (another tab moved, added or trashed a chapter) is 'stale' and nothing changes.
 */
export async function reorderOutline({
  tx,
  bookId,
  expected,
  order,
}: {
  tx: Tx
  bookId: string
  expected: string[]
  order: string[]
}): Promise<ReorderOutcome> {
  if (!isUuid(bookId)) throw new WritingError('not_found', 'Book not found')
  // Two tabs reordering at once take turns, so the later one sees the earlier one's order.
  if (!(await lockBook(tx, bookId))) throw new WritingError('not_found', 'Book not found')
  const chapters = await tx<{ id: string; trashed: boolean }[]>`
    select c.id, c.deleted_at is not null as trashed
    from public.chapters c
    where c.book_id = ${bookId}
    order by c.position, c.created_at`
  const known = new Set(chapters.map((c) => c.id))
  if ([...expected, ...order].some((id) => !known.has(id))) return { status: 'foreign' }
  const current = chapters.filter((c) => !c.trashed).map((c) => c.id)
  if (!sameOrder(expected, current)) return { status: 'stale', current }
  if (!sameOrder(order, current)) await tx`select public.reorder_chapters(${bookId}, ${order}::uuid[])`
  return { status: 'reordered' }
}

/** Moves the chapter to the trash. False when not visible or already there. */
export async function trashChapter({ tx, chapterId }: { tx: Tx; chapterId: string }): Promise<boolean> {
  if (!isUuid(chapterId)) return false
  await lockBookOfChapter(tx, chapterId)
  const result = await tx`update public.chapters set deleted_at = now() where id = ${chapterId} and deleted_at is null`
  return result.count === 1
}

export type ChapterRestore = 'restored' | 'not_in_trash' | 'book_in_trash'

/**
 * Takes the chapter out of the trash, back at its old position when no chapter has taken it
 * since (an undo puts it back exactly where it was), otherwise at the end of its book. A
 * chapter whose book is in the trash stays there: the book must come back first.
 */
export async function restoreChapter({ tx, chapterId }: { tx: Tx; chapterId: string }): Promise<ChapterRestore> {
  if (!isUuid(chapterId)) return 'not_in_trash'
  await lockBookOfChapter(tx, chapterId)
  const [trashed] = await tx<{ bookInTrash: boolean }[]>`
    select b.deleted_at is not null as "bookInTrash"
    from public.chapters c
    join public.books b on b.id = c.book_id and b.tenant_id = c.tenant_id
    where c.id = ${chapterId} and c.deleted_at is not null
    for update of c`
  if (!trashed) return 'not_in_trash'
  if (trashed.bookInTrash) return 'book_in_trash'
  await tx`
    update public.chapters c
    set deleted_at = null,
        position = case
          when exists (select 1 from public.chapters o where o.book_id = c.book_id and o.deleted_at is null and o.position = c.position)
          then coalesce((select max(o.position) + 1 from public.chapters o where o.book_id = c.book_id and o.deleted_at is null), 0)
          else c.position
        end
    where c.id = ${chapterId}`
  return 'restored'
}

/**
 * Parses a chapter's content as the editor sent it (JSON text or an already parsed value):
 * too large → content_too_large (413), not JSON or not the manuscript format → invalid_content (400).
 */
export function parseChapterContent(content: unknown): ManuscriptDoc {
  const text = typeof content === 'string' ? content : JSON.stringify(content ?? null)
  if (Buffer.byteLength(text, 'utf8') > MAX_CHAPTER_JSON_BYTES) {
    throw new WritingError('content_too_large', `The chapter is larger than ${MAX_CHAPTER_JSON_BYTES} bytes of JSON`)
  }
  let value: unknown = content
  if (typeof content === 'string') {
    try {
      value = JSON.parse(content)
    } catch {
      throw new WritingError('invalid_content', 'The chapter content is not JSON')
    }
  }
  const parsed = ManuscriptDocSchema.safeParse(value)
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'document'
    throw new WritingError('invalid_content', `The chapter content is not a valid manuscript (at ${where})`)
  }
  return parsed.data
}

/**
 * Saves the editor's content if expectedVersion is the chapter's current version. Otherwise
 * nothing is overwritten: the content is kept as a 'conflict' version and the answer names
 * it and the current version, so the editor can tell the writer.
 */
export async function saveChapter({
  tx,
  chapterId,
  expectedVersion,
  content,
}: {
  tx: Tx
  chapterId: string
  expectedVersion: number
  content: unknown
}): Promise<SaveResult> {
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 1) {
    throw new WritingError('invalid_content', 'The expected version must be a positive whole number')
  }
  const doc = parseChapterContent(content)
  if (!isUuid(chapterId)) throw new WritingError('not_found', 'Chapter not found')
  const [visible] = await tx`select 1 from public.chapters where id = ${chapterId}`
  if (!visible) throw new WritingError('not_found', 'Chapter not found')

  const plainText = toPlainText(doc)
  const [row] = await tx<{ result: SaveResult }[]>`
    select public.save_chapter(${chapterId}, ${expectedVersion}, ${JSON.stringify(doc)}::text::jsonb, ${plainText}, ${countWords(plainText)}) as result`
  return row.result
}
