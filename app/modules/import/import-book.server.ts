// Turns an import preview into chapters: a new book, or chapters appended to a book the
// writer already has. Everything happens in the caller's one transaction, so a failure leaves
// no partial book and no half of the chapters.
import { createBook, FIRST_CHAPTER_TITLES, getOpenBook } from '~/modules/books/books.server.ts'
import type { BookInput } from '~/modules/books/schema.ts'
import { lockBook } from '~/modules/chapters/chapters.server.ts'
import { MAX_OUTLINE_CHAPTERS } from '~/modules/chapters/schema.ts'
import { toPlainText } from '~/modules/manuscript/plain-text.ts'
import type { Tx } from '~/utils/db.server.ts'
import type { ImportPreview } from './import.server.ts'

const TITLE_MAX = 200

type ImportedChapters = ImportPreview['chapters']
type ChapterRow = { position: number; title: string; content: unknown; plain_text: string; word_count: number }

function rowsOf(chapters: ImportedChapters, firstPosition: number): ChapterRow[] {
  return chapters.map((chapter, index) => ({
    position: firstPosition + index,
    title: chapter.title.trim().slice(0, TITLE_MAX) || String(firstPosition + index + 1),
    content: chapter.doc,
    plain_text: toPlainText(chapter.doc),
    word_count: chapter.wordCount,
  }))
}

/**
 * Writes `row` into the empty chapter a new book starts with. Through save_chapter, like any
 * save: the version moves on, so a tab or an offline draft still holding the empty chapter
 * gets a conflict instead of silently writing over the import.
 */
async function fillChapter(tx: Tx, chapter: { id: string; version: number }, row: ChapterRow): Promise<void> {
  await tx`select public.save_chapter(${chapter.id}, ${chapter.version}, ${JSON.stringify(row.content)}::text::jsonb, ${row.plain_text}, ${row.word_count})`
  await tx`update public.chapters set title = ${row.title} where id = ${chapter.id}`
}

async function insertChapters(tx: Tx, workspaceId: string, bookId: string, rows: ChapterRow[]): Promise<string[]> {
  if (rows.length === 0) return []
  const inserted = await tx<{ id: string; position: number }[]>`
    insert into public.chapters (tenant_id, book_id, position, title, content, plain_text, word_count)
    select ${workspaceId}, ${bookId}, r.position, r.title, r.content, r.plain_text, r.word_count
    from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
      as r(position int, title text, content jsonb, plain_text text, word_count int)
    returning id, position`
  return inserted.sort((a, b) => a.position - b.position).map((row) => row.id)
}

export async function importAsNewBook({
  tx,
  workspaceId,
  book,
  chapters,
}: {
  tx: Tx
  workspaceId: string
  book: BookInput
  chapters: ImportedChapters
}): Promise<{ bookId: string; chapterId: string }> {
  if (chapters.length > MAX_OUTLINE_CHAPTERS) throw new TooManyChapters()
  const created = await createBook({ tx, workspaceId, input: book })
  const [first, ...rest] = rowsOf(chapters, 0)
  await fillChapter(tx, { id: created.chapterId, version: 1 }, first)
  await insertChapters(tx, workspaceId, created.bookId, rest)
  return created
}

/** More chapters than a book's outline can hold (and reorder). */
export class TooManyChapters extends Error {
  constructor() {
    super(`A book holds at most ${MAX_OUTLINE_CHAPTERS} chapters`)
    this.name = 'TooManyChapters'
  }
}

/**
 * Appends the imported chapters after the book's last chapter. A book whose only chapter is
 * still untouched (empty, default title — as every new book starts) gets that chapter filled
 * instead of keeping a blank "Chapter 1" in front of the manuscript. Null when the book is not
 * open to the caller here; TooManyChapters when the book would outgrow its outline.
 */
export async function importIntoBook({
  tx,
  workspaceId,
  bookId,
  chapters,
}: {
  tx: Tx
  workspaceId: string
  bookId: string
  chapters: ImportedChapters
}): Promise<{ bookId: string; chapterId: string } | null> {
  // Lock first, then check: serialises with reorders, imports and a trash of this book.
  await lockBook(tx, bookId)
  if (!(await getOpenBook({ tx, bookId, workspaceId }))) return null
  const live = await tx<{ id: string; position: number; version: number; untouched: boolean }[]>`
    select id, position, version,
           plain_text = '' and title = any(${FIRST_CHAPTER_TITLES}::text[]) as untouched
    from public.chapters
    where book_id = ${bookId} and deleted_at is null
    order by position`
  const fillFirst = live.length === 1 && live[0].untouched
  if ((fillFirst ? 0 : live.length) + chapters.length > MAX_OUTLINE_CHAPTERS) throw new TooManyChapters()
  if (fillFirst) {
    const [first, ...rest] = rowsOf(chapters, live[0].position)
    await fillChapter(tx, live[0], first)
    await insertChapters(tx, workspaceId, bookId, rest)
    return { bookId, chapterId: live[0].id }
  }
  const nextPosition = live.length ? live.at(-1)!.position + 1 : 0
  const [firstId] = await insertChapters(tx, workspaceId, bookId, rowsOf(chapters, nextPosition))
  return { bookId, chapterId: firstId }
}
