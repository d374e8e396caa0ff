// Turns an import preview into a book: the book and all its chapters in the caller's one
// transaction, so a failure leaves no partial book.
import { createBook } from '~/modules/books/books.server.ts'
import type { BookInput } from '~/modules/books/schema.ts'
import { toPlainText } from '~/modules/manuscript/plain-text.ts'
import type { Tx } from '~/utils/db.server.ts'
import type { ImportPreview } from './import.server.ts'

const TITLE_MAX = 200

export async function importAsNewBook({
  tx,
  workspaceId,
  book,
  chapters,
}: {
  tx: Tx
  workspaceId: string
  book: BookInput
  chapters: ImportPreview['chapters']
}): Promise<{ bookId: string; chapterId: string }> {
  const created = await createBook({ tx, workspaceId, input: book })
  const rows = chapters.map((chapter, position) => ({
    position,
    title: chapter.title.trim().slice(0, TITLE_MAX) || String(position + 1),
    content: chapter.doc,
    plain_text: toPlainText(chapter.doc),
    word_count: chapter.wordCount,
  }))
  const [first, ...rest] = rows
  await tx`update public.chapters
    set title = ${first.title}, content = ${JSON.stringify(first.content)}::text::jsonb,
        plain_text = ${first.plain_text}, word_count = ${first.word_count}
    where id = ${created.chapterId}`
  if (rest.length > 0) {
    await tx`insert into public.chapters (tenant_id, book_id, position, title, content, plain_text, word_count)
      select ${workspaceId}, ${created.bookId}, r.position, r.title, r.content, r.plain_text, r.word_count
      from jsonb_to_recordset(${JSON.stringify(rest)}::text::jsonb)
        as r(position int, title text, content jsonb, plain_text text, word_count int)`
  }
  return created
}
