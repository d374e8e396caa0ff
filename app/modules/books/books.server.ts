// Books of a workspace, each function run inside the caller's scoped transaction (RLS decides
// what exists). "Deleting" a book moves it to the trash; the service purges the trash later.
import type { Tx } from '~/utils/db.server.ts'
import { EMPTY_DOC } from '../manuscript/schema.ts'
import type { BookInput, BookLanguage } from './schema.ts'

export type BookSummary = {
  id: string
  title: string
  language: BookLanguage
  genre: string | null
  chapterCount: number
  wordCount: number
  /** The latest change to the book or any of its chapters outside the trash. */
  lastEditedAt: Date
}

export type Book = {
  id: string
  workspaceId: string
  title: string
  language: BookLanguage
  genre: string | null
  synopsis: string | null
  createdAt: Date
  updatedAt: Date
  /** Set when the book is in the trash. */
  deletedAt: Date | null
}

export type TrashedBook = { id: string; title: string; deletedAt: Date }
export type TrashedChapter = { id: string; title: string; bookId: string; bookTitle: string; deletedAt: Date }

const FIRST_CHAPTER_TITLE: Record<BookLanguage, string> = { 'pt-BR': 'Capítulo 1', en: 'Chapter 1', other: 'Chapter 1' }
/** The titles a new book's first chapter starts with (an import may fill that chapter while untouched). */
export const FIRST_CHAPTER_TITLES = [...new Set(Object.values(FIRST_CHAPTER_TITLE))]

export async function listBooks({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<BookSummary[]> {
  return tx<BookSummary[]>`
    select b.id, b.title, b.language, b.genre,
           count(c.id)::int as "chapterCount",
           coalesce(sum(c.word_count), 0)::int as "wordCount",
           greatest(b.updated_at, max(c.updated_at)) as "lastEditedAt"
    from public.books b
    left join public.chapters c on c.book_id = b.id and c.tenant_id = b.tenant_id and c.deleted_at is null
    where b.tenant_id = ${workspaceId} and b.deleted_at is null
    group by b.id
    order by "lastEditedAt" desc, lower(b.title)`
}

/** The book, also when it is in the trash (deletedAt says so); null when not visible. */
export async function getBook({ tx, bookId }: { tx: Tx; bookId: string }): Promise<Book | null> {
  const rows = await tx<Book[]>`
    select b.id, b.tenant_id as "workspaceId", b.title, b.language, b.genre, b.synopsis,
           b.created_at as "createdAt", b.updated_at as "updatedAt", b.deleted_at as "deletedAt"
    from public.books b
    where b.id = ${bookId}`
  return rows[0] ?? null
}

/** The book as a page shows it: visible, outside the trash and in the workspace the URL names. */
export async function getOpenBook({ tx, bookId, workspaceId }: { tx: Tx; bookId: string; workspaceId: string | undefined }): Promise<Book | null> {
  const book = await getBook({ tx, bookId })
  return book && !book.deletedAt && book.workspaceId === workspaceId ? book : null
}

/** Creates the book with a first, empty chapter so the editor has somewhere to start. */
export async function createBook({
  tx,
  workspaceId,
  input,
}: {
  tx: Tx
  workspaceId: string
  input: BookInput
}): Promise<{ bookId: string; chapterId: string }> {
  const [book] = await tx<{ id: string }[]>`
    insert into public.books (tenant_id, title, language, genre, synopsis)
    values (${workspaceId}, ${input.title}, ${input.language}, ${input.genre}, ${input.synopsis})
    returning id`
  const [chapter] = await tx<{ id: string }[]>`
    insert into public.chapters (tenant_id, book_id, position, title, content, plain_text, word_count)
    values (${workspaceId}, ${book.id}, 0, ${FIRST_CHAPTER_TITLE[input.language]}, ${JSON.stringify(EMPTY_DOC)}::text::jsonb, '', 0)
    returning id`
  return { bookId: book.id, chapterId: chapter.id }
}

/** False when the book is not visible to the caller. */
export async function updateBook({ tx, bookId, input }: { tx: Tx; bookId: string; input: BookInput }): Promise<boolean> {
  const result = await tx`
    update public.books
    set title = ${input.title}, language = ${input.language}, genre = ${input.genre}, synopsis = ${input.synopsis}
    where id = ${bookId}`
  return result.count === 1
}

export async function renameBook({ tx, bookId, title }: { tx: Tx; bookId: string; title: string }): Promise<boolean> {
  const result = await tx`update public.books set title = ${title} where id = ${bookId}`
  return result.count === 1
}

/** Moves the book (with its chapters) to the trash. False when not visible or already there. */
export async function trashBook({ tx, bookId }: { tx: Tx; bookId: string }): Promise<boolean> {
  const result = await tx`update public.books set deleted_at = now() where id = ${bookId} and deleted_at is null`
  return result.count === 1
}

/** Takes the book out of the trash. False when not visible or not in the trash. */
export async function restoreBook({ tx, bookId }: { tx: Tx; bookId: string }): Promise<boolean> {
  const result = await tx`update public.books set deleted_at = null where id = ${bookId} and deleted_at is not null`
  return result.count === 1
}

/** What is in the workspace's trash: whole books, and chapters trashed from books that are not. */
export async function listTrash({
  tx,
  workspaceId,
}: {
  tx: Tx
  workspaceId: string
}): Promise<{ books: TrashedBook[]; chapters: TrashedChapter[] }> {
  const books = await tx<TrashedBook[]>`
    select b.id, b.title, b.deleted_at as "deletedAt"
    from public.books b
    where b.tenant_id = ${workspaceId} and b.deleted_at is not null
    order by b.deleted_at desc`
  const chapters = await tx<TrashedChapter[]>`
    select c.id, c.title, c.book_id as "bookId", b.title as "bookTitle", c.deleted_at as "deletedAt"
    from public.chapters c
    join public.books b on b.id = c.book_id and b.tenant_id = c.tenant_id
    where c.tenant_id = ${workspaceId} and c.deleted_at is not null and b.deleted_at is null
    order by c.deleted_at desc`
  return { books, chapters }
}
