// Turns an import preview into chapters: a new book, or chapters appended to a book the
// writer already has. Everything happens in the caller's one transaction, so a failure leaves
// no partial book and no half of the chapters.
import { createBook, getOpenBook } from '~/modules/books/books.server.ts'
import type { BookInput } from '~/modules/books/schema.ts'
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

/** Writes `row` into an existing, still empty chapter (the one a new book starts with). */
async function fillChapter(tx: Tx, chapterId: string, row: ChapterRow): Promise<void> {
  await tx`update public.chapters
    set title = ${row.title}, content = ${JSON.stringify(row.content)}::text::jsonb,
        plain_text = ${row.plain_text}, word_count = ${row.word_count}
    where id = ${chapterId}`
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
  const created = await createBook({ tx, workspaceId, input: book })
  const [first, ...rest] = rowsOf(chapters, 0)
  await fillChapter(tx, created.chapterId, first)
  await insertChapters(tx, workspaceId, created.bookId, rest)
  return created
}

/**
 * Appends the imported chapters after the book's last chapter. A book whose only chapter is
 * still empty (as every new book starts) gets that chapter filled instead of keeping a blank
 * "Chapter 1" in front of the manuscript. Null when the book is not open to the caller here.
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
  if (!(await getOpenBook({ tx, bookId, workspaceId }))) return null
  // Serialises with reorders and other imports into this book (they lock the same row).
  await tx`select 1 from public.books where id = ${bookId} for update`
  const live = await tx<{ id: string; position: number; wordCount: number }[]>`
    select id, position, word_count as "wordCount" from public.chapters
    where book_id = ${bookId} and deleted_at is null
    order by position`
  const onlyChapterIsEmpty = live.length === 1 && live[0].wordCount === 0
  if (onlyChapterIsEmpty) {
    const [first, ...rest] = rowsOf(chapters, live[0].position)
    await fillChapter(tx, live[0].id, first)
    await insertChapters(tx, workspaceId, bookId, rest)
    return { bookId, chapterId: live[0].id }
  }
  const nextPosition = live.length ? live.at(-1)!.position + 1 : 0
  const [firstId] = await insertChapters(tx, workspaceId, bookId, rowsOf(chapters, nextPosition))
  return { bookId, chapterId: firstId }
}
