// Chapters through the server module under RLS: the outline, adding, renaming, status,
// reordering, trash, and saving that never loses a word (a stale save is a conflict and
// both texts survive), with bad content refused before anything is written.
import { closeDb } from '~/utils/db.server.ts'
import { createBook } from '../books/books.server.ts'
import { createWriter, testSql, type TestWriter } from '../books/test-writer.ts'
import { MAX_CHAPTER_JSON_BYTES, type ManuscriptDoc } from '../manuscript/schema.ts'
import {
  createChapter,
  getChapter,
  listOutline,
  renameChapter,
  reorderChapters,
  restoreChapter,
  saveChapter,
  setChapterStatus,
  trashChapter,
} from './chapters.server.ts'
import { WritingError } from './errors.ts'

const sql = testSql()
afterAll(async () => {
  await sql.end()
  await closeDb()
})

function doc(...paragraphs: string[]): ManuscriptDoc {
  return { type: 'doc', content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })) }
}

async function newBook(writer: TestWriter) {
  return writer.act((tx) => createBook({ tx, workspaceId: writer.workspaceId, input: { title: 'Novel', language: 'en', genre: null, synopsis: null } }))
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected a refusal')
    },
    (thrown: unknown) => thrown,
  )
}

describe('chapters', () => {
  it('adds chapters at the end, renames them, sets their status and lists the outline', async () => {
    const ana = await createWriter(sql, 'Ana')
    const { bookId, chapterId: first } = await newBook(ana)
    const { id: second } = await ana.act((tx) => createChapter({ tx, bookId, title: ' Two ' }))
    expect(await ana.act((tx) => renameChapter({ tx, chapterId: first, title: 'One' }))).toBe(true)
    expect(await ana.act((tx) => setChapterStatus({ tx, chapterId: second, status: 'final' }))).toBe(true)

    expect(await ana.act((tx) => listOutline({ tx, bookId }))).toEqual([
      { id: first, title: 'One', position: 0, status: 'draft', wordCount: 0, version: 1 },
      { id: second, title: 'Two', position: 1, status: 'final', wordCount: 0, version: 1 },
    ])
  })

  it('reorders chapters and refuses an order that does not name each chapter once', async () => {
    const ana = await createWriter(sql, 'Ana')
    const { bookId, chapterId: a } = await newBook(ana)
    const { id: b } = await ana.act((tx) => createChapter({ tx, bookId, title: 'B' }))
    const { id: c } = await ana.act((tx) => createChapter({ tx, bookId, title: 'C' }))

    await ana.act((tx) => reorderChapters({ tx, bookId, chapterIds: [c, a, b] }))
    expect((await ana.act((tx) => listOutline({ tx, bookId }))).map((ch) => ch.id)).toEqual([c, a, b])

    const refused = await rejection(ana.act((tx) => reorderChapters({ tx, bookId, chapterIds: [a, b] })))
    expect(refused).toBeInstanceOf(Response)
    expect((refused as Response).status).toBe(400)
    expect((await ana.act((tx) => listOutline({ tx, bookId }))).map((ch) => ch.id)).toEqual([c, a, b])
  })

  it('trashes a chapter out of the outline and restores it where it was, or at the end when its place was taken', async () => {
    const ana = await createWriter(sql, 'Ana')
    const { bookId, chapterId: a } = await newBook(ana)
    const { id: b } = await ana.act((tx) => createChapter({ tx, bookId, title: 'B' }))
    const { id: c } = await ana.act((tx) => createChapter({ tx, bookId, title: 'C' }))

    expect(await ana.act((tx) => trashChapter({ tx, chapterId: b }))).toBe(true)
    expect((await ana.act((tx) => listOutline({ tx, bookId }))).map((ch) => ch.id)).toEqual([a, c])
    expect(await ana.act((tx) => getChapter({ tx, chapterId: b }))).toMatchObject({ id: b, deletedAt: expect.any(Date) })
    expect(await ana.act((tx) => restoreChapter({ tx, chapterId: b }))).toBe('restored')
    expect((await ana.act((tx) => listOutline({ tx, bookId }))).map((ch) => ch.id)).toEqual([a, b, c])
    expect(await ana.act((tx) => restoreChapter({ tx, chapterId: b }))).toBe('not_in_trash')

    await ana.act((tx) => trashChapter({ tx, chapterId: a }))
    await ana.act((tx) => reorderChapters({ tx, bookId, chapterIds: [c, b] }))
    expect(await ana.act((tx) => restoreChapter({ tx, chapterId: a }))).toBe('restored')
    expect((await ana.act((tx) => listOutline({ tx, bookId }))).map((ch) => ch.id)).toEqual([c, b, a])
  })

  it('saves content with its plain text and word count', async () => {
    const ana = await createWriter(sql, 'Ana')
    const { chapterId } = await newBook(ana)
    const result = await ana.act((tx) => saveChapter({ tx, chapterId, expectedVersion: 1, content: JSON.stringify(doc('It is a truth', 'universally acknowledged.')) }))
    expect(result).toEqual({ status: 'saved', version: 2 })

    const chapter = await ana.act((tx) => getChapter({ tx, chapterId }))
    expect(chapter).toMatchObject({ version: 2, wordCount: 6, content: doc('It is a truth', 'universally acknowledged.') })
    const [row] = await sql`select plain_text from public.chapters where id = ${chapterId}`
    expect(row.plain_text).toBe('It is a truth\n\nuniversally acknowledged.')
  })

  it('turns the second of two saves on the same version into a conflict and keeps both texts', async () => {
    const ana = await createWriter(sql, 'Ana')
    const { chapterId } = await newBook(ana)

    const first = await ana.act((tx) => saveChapter({ tx, chapterId, expectedVersion: 1, content: doc('Written in tab one.') }))
    const second = await ana.act((tx) => saveChapter({ tx, chapterId, expectedVersion: 1, content: doc('Written in tab two.') }))
    expect(first).toEqual({ status: 'saved', version: 2 })
    expect(second).toEqual({ status: 'conflict', version: 2, versionId: expect.any(String) })

    const [chapter] = await sql`select plain_text, version from public.chapters where id = ${chapterId}`
    expect(chapter).toEqual({ plain_text: 'Written in tab one.', version: 2 })
    const versionId = second.status === 'conflict' ? second.versionId : ''
    const [kept] = await sql`select kind, plain_text, content from public.chapter_versions where id = ${versionId}`
    expect(kept).toEqual({ kind: 'conflict', plain_text: 'Written in tab two.', content: doc('Written in tab two.') })
  })

  it('refuses content outside the manuscript format or over the size limit, and keeps the saved text', async () => {
    const ana = await createWriter(sql, 'Ana')
    const { chapterId } = await newBook(ana)
    await ana.act((tx) => saveChapter({ tx, chapterId, expectedVersion: 1, content: doc('Safe text.') }))

    const script = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] }
    const unknownNode = { type: 'doc', content: [{ type: 'iframe', attrs: { src: 'https://evil.example' } }] }
    for (const content of [script, unknownNode, '{not json', null]) {
      const refused = await rejection(ana.act((tx) => saveChapter({ tx, chapterId, expectedVersion: 2, content })))
      expect(refused).toBeInstanceOf(WritingError)
      expect(refused).toMatchObject({ code: 'invalid_content', status: 400, messageKey: 'error.badRequest.body' })
    }

    const huge = doc('word '.repeat(Math.ceil(MAX_CHAPTER_JSON_BYTES / 5) + 10))
    const tooLarge = await rejection(ana.act((tx) => saveChapter({ tx, chapterId, expectedVersion: 2, content: huge })))
    expect(tooLarge).toMatchObject({ code: 'content_too_large', status: 413, messageKey: 'error.tooLarge.body' })
    expect((tooLarge as WritingError).toResponse().status).toBe(413)

    const [chapter] = await sql`select plain_text, version from public.chapters where id = ${chapterId}`
    expect(chapter).toEqual({ plain_text: 'Safe text.', version: 2 })
  })

  it('does not let another workspace’s member see, change or save a chapter', async () => {
    const ana = await createWriter(sql, 'Ana')
    const bruno = await createWriter(sql, 'Bruno')
    const { bookId, chapterId } = await newBook(ana)

    expect(await bruno.act((tx) => getChapter({ tx, chapterId }))).toBeNull()
    expect(await bruno.act((tx) => listOutline({ tx, bookId }))).toEqual([])
    expect(await bruno.act((tx) => renameChapter({ tx, chapterId, title: 'Stolen' }))).toBe(false)
    expect(await bruno.act((tx) => trashChapter({ tx, chapterId }))).toBe(false)
    expect(await rejection(bruno.act((tx) => saveChapter({ tx, chapterId, expectedVersion: 1, content: doc('Overwritten') })))).toMatchObject({
      code: 'not_found',
      status: 404,
    })
    expect(await rejection(bruno.act((tx) => createChapter({ tx, bookId, title: 'Planted' })))).toMatchObject({ code: 'not_found' })
    expect(await rejection(bruno.act((tx) => reorderChapters({ tx, bookId, chapterIds: [chapterId] })))).toMatchObject({ code: 'not_found' })
    expect(await bruno.act((tx) => getChapter({ tx, chapterId: 'not-a-uuid' }))).toBeNull()

    const rows = await sql`select title, version, deleted_at from public.chapters where book_id = ${bookId}`
    expect(rows).toEqual([{ title: 'Chapter 1', version: 1, deleted_at: null }])
  })
})
