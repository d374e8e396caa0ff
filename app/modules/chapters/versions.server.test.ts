// A chapter's history through the server module: labelled snapshots, the history list,
// restore (which keeps the replaced text), and versions of another workspace not found.
import { closeDb } from '~/utils/db.server.ts'
import { createBook } from '../books/books.server.ts'
import { createWriter, testSql } from '../books/test-writer.ts'
import type { ManuscriptDoc } from '../manuscript/schema.ts'
import { getChapter, saveChapter } from './chapters.server.ts'
import { createSnapshot, getVersion, listVersions, restoreVersion } from './versions.server.ts'

const sql = testSql()
afterAll(async () => {
  await sql.end()
  await closeDb()
})

function doc(text: string): ManuscriptDoc {
  return { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] }
}

async function chapterWith(text: string) {
  const ana = await createWriter(sql, 'Ana')
  const { chapterId } = await ana.act((tx) =>
    createBook({ tx, workspaceId: ana.workspaceId, input: { title: 'Novel', language: 'pt-BR', genre: null, synopsis: null } }),
  )
  await ana.act((tx) => saveChapter({ tx, chapterId, expectedVersion: 1, content: doc(text) }))
  return { ana, chapterId }
}

describe('chapter versions', () => {
  it('keeps a labelled snapshot and lists the history newest first', async () => {
    const { ana, chapterId } = await chapterWith('Era uma vez.')
    const { id } = await ana.act((tx) => createSnapshot({ tx, chapterId, label: 'rascunho' }))

    const history = await ana.act((tx) => listVersions({ tx, chapterId }))
    expect(history).toEqual([
      expect.objectContaining({ id, chapterId, kind: 'manual', label: 'rascunho', wordCount: 3, chapterVersion: 2, createdBy: ana.id }),
    ])
    expect(await ana.act((tx) => getVersion({ tx, versionId: id }))).toMatchObject({ id, content: doc('Era uma vez.'), plainText: 'Era uma vez.' })
  })

  it('restores a version and keeps the text it replaced as a before_restore version', async () => {
    const { ana, chapterId } = await chapterWith('Primeira versão.')
    const { id: snapshot } = await ana.act((tx) => createSnapshot({ tx, chapterId, label: 'revisado' }))
    await ana.act((tx) => saveChapter({ tx, chapterId, expectedVersion: 2, content: doc('Texto reescrito.') }))

    const restored = await ana.act((tx) => restoreVersion({ tx, versionId: snapshot }))
    expect(restored).toEqual({ chapterId, version: 4, beforeRestoreVersionId: expect.any(String) })
    expect(await ana.act((tx) => getChapter({ tx, chapterId }))).toMatchObject({ version: 4, content: doc('Primeira versão.') })

    const kept = await ana.act((tx) => getVersion({ tx, versionId: restored.beforeRestoreVersionId }))
    expect(kept).toMatchObject({ kind: 'before_restore', plainText: 'Texto reescrito.', chapterVersion: 3 })
  })

  it('answers not found for a version id from another workspace and changes nothing', async () => {
    const { ana, chapterId } = await chapterWith('Segredo.')
    const { id } = await ana.act((tx) => createSnapshot({ tx, chapterId, label: null }))
    const bruno = await createWriter(sql, 'Bruno')

    expect(await bruno.act((tx) => getVersion({ tx, versionId: id }))).toBeNull()
    expect(await bruno.act((tx) => listVersions({ tx, chapterId }))).toEqual([])
    const refused = await bruno.act((tx) => restoreVersion({ tx, versionId: id })).catch((thrown: unknown) => thrown)
    expect(refused).toMatchObject({ code: 'not_found', status: 404 })
    const snapshot = await bruno.act((tx) => createSnapshot({ tx, chapterId, label: 'x' })).catch((thrown: unknown) => thrown)
    expect(snapshot).toMatchObject({ code: 'not_found' })

    const [chapter] = await sql`select version, plain_text from public.chapters where id = ${chapterId}`
    expect(chapter).toEqual({ version: 2, plain_text: 'Segredo.' })
    const [count] = await sql`select count(*)::int as n from public.chapter_versions where chapter_id = ${chapterId}`
    expect(count.n).toBe(1)
  })
})
