// Books through the server module, acting as real accounts under RLS: a writer creates,
// lists, renames, trashes and restores; another workspace's member sees and changes nothing.
import { closeDb } from '~/utils/db.server.ts'
import { EMPTY_DOC } from '../manuscript/schema.ts'
import { createBook, getBook, listBooks, listTrash, renameBook, restoreBook, trashBook, updateBook } from './books.server.ts'
import { BookFormSchema } from './schema.ts'
import { createWriter, testSql } from './test-writer.ts'

const sql = testSql()
afterAll(async () => {
  await sql.end()
  await closeDb()
})

describe('books', () => {
  it('creates a book with a first empty chapter and lists it with counts', async () => {
    const ana = await createWriter(sql, 'Ana')
    const input = BookFormSchema.parse({ title: '  Dom Casmurro ', language: 'pt-BR', genre: 'Romance', synopsis: '' })
    const { bookId, chapterId } = await ana.act((tx) => createBook({ tx, workspaceId: ana.workspaceId, input }))

    const [chapter] = await sql`select title, content, position, version from public.chapters where id = ${chapterId}`
    expect(chapter).toEqual({ title: 'Capítulo 1', content: EMPTY_DOC, position: 0, version: 1 })
    await sql`update public.chapters set word_count = 120 where id = ${chapterId}`

    const books = await ana.act((tx) => listBooks({ tx, workspaceId: ana.workspaceId }))
    expect(books).toEqual([
      expect.objectContaining({ id: bookId, title: 'Dom Casmurro', language: 'pt-BR', genre: 'Romance', chapterCount: 1, wordCount: 120 }),
    ])
    expect(books[0].lastEditedAt).toBeInstanceOf(Date)

    const book = await ana.act((tx) => getBook({ tx, bookId }))
    expect(book).toMatchObject({ id: bookId, workspaceId: ana.workspaceId, synopsis: null, deletedAt: null })
  })

  it('renames and edits a book', async () => {
    const ana = await createWriter(sql, 'Ana')
    const input = BookFormSchema.parse({ title: 'Draft', language: 'en' })
    const { bookId } = await ana.act((tx) => createBook({ tx, workspaceId: ana.workspaceId, input }))
    expect(await ana.act((tx) => renameBook({ tx, bookId, title: 'Pride' }))).toBe(true)
    const edited = BookFormSchema.parse({ title: 'Pride and Prejudice', language: 'en', genre: 'Classic', synopsis: 'Five sisters.' })
    expect(await ana.act((tx) => updateBook({ tx, bookId, input: edited }))).toBe(true)
    expect(await ana.act((tx) => getBook({ tx, bookId }))).toMatchObject({ title: 'Pride and Prejudice', genre: 'Classic', synopsis: 'Five sisters.' })
  })

  it('moves a book to the trash and back', async () => {
    const ana = await createWriter(sql, 'Ana')
    const { bookId } = await ana.act((tx) => createBook({ tx, workspaceId: ana.workspaceId, input: BookFormSchema.parse({ title: 'Gone', language: 'other' }) }))

    expect(await ana.act((tx) => trashBook({ tx, bookId }))).toBe(true)
    expect(await ana.act((tx) => trashBook({ tx, bookId }))).toBe(false)
    expect(await ana.act((tx) => listBooks({ tx, workspaceId: ana.workspaceId }))).toEqual([])
    const trash = await ana.act((tx) => listTrash({ tx, workspaceId: ana.workspaceId }))
    expect(trash.books).toEqual([expect.objectContaining({ id: bookId, title: 'Gone' })])

    expect(await ana.act((tx) => restoreBook({ tx, bookId }))).toBe(true)
    expect((await ana.act((tx) => listBooks({ tx, workspaceId: ana.workspaceId }))).map((b) => b.id)).toEqual([bookId])
    expect((await ana.act((tx) => listTrash({ tx, workspaceId: ana.workspaceId }))).books).toEqual([])
  })

  it('hides a book from another workspace’s member, who cannot change it either', async () => {
    const ana = await createWriter(sql, 'Ana')
    const bruno = await createWriter(sql, 'Bruno')
    const { bookId } = await ana.act((tx) => createBook({ tx, workspaceId: ana.workspaceId, input: BookFormSchema.parse({ title: 'Mine', language: 'en' }) }))

    expect(await bruno.act((tx) => listBooks({ tx, workspaceId: ana.workspaceId }))).toEqual([])
    expect(await bruno.act((tx) => getBook({ tx, bookId }))).toBeNull()
    expect(await bruno.act((tx) => renameBook({ tx, bookId, title: 'Stolen' }))).toBe(false)
    expect(await bruno.act((tx) => trashBook({ tx, bookId }))).toBe(false)
    const refused = await bruno
      .act((tx) => createBook({ tx, workspaceId: ana.workspaceId, input: BookFormSchema.parse({ title: 'Planted', language: 'en' }) }))
      .catch((thrown: unknown) => thrown)
    expect(refused).toBeInstanceOf(Response)
    expect((refused as Response).status).toBe(403)

    const [row] = await sql`select title, deleted_at from public.books where id = ${bookId}`
    expect(row).toEqual({ title: 'Mine', deleted_at: null })
    const [planted] = await sql`select count(*)::int as n from public.books where title = 'Planted' and tenant_id = ${ana.workspaceId}`
    expect(planted.n).toBe(0)
  })

  it('validates the book form with catalogue keys', () => {
    const blank = BookFormSchema.safeParse({ title: '   ', language: 'pt-BR' })
    expect(blank.success).toBe(false)
    expect(blank.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['title', 'validation.nameRequired']])

    const wrong = BookFormSchema.safeParse({ title: 'Ok', language: 'fr', genre: 'x'.repeat(81), synopsis: 'y'.repeat(5001) })
    expect(wrong.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['language', 'validation.invalidForm'],
      ['genre', 'validation.nameMax'],
      ['synopsis', 'validation.nameMax'],
    ])

    expect(BookFormSchema.parse({ title: ' Saga ', language: 'en', genre: ' ', synopsis: 'Line one\nLine two' })).toEqual({
      title: 'Saga',
      language: 'en',
      genre: null,
      synopsis: 'Line one\nLine two',
    })
  })
})
