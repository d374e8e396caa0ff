// Edge cases found in review: importing into a new book's untouched chapter keeps versions
// honest, odd characters in titles, an upper-case id in the URL, a book past the outline's size.
import postgres from 'postgres'
import { inject } from 'vitest'
import { formPost, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action as createBookAction } from './w.$workspaceId._index.tsx'
import { action as saveAction } from './w.$workspaceId.b.$bookId.c.$chapterId.save.tsx'
import { action as historyAction } from './w.$workspaceId.b.$bookId.c.$chapterId_.history.tsx'
import { action as exportAction } from './w.$workspaceId.b.$bookId.export.tsx'
import { action as importAction } from './w.$workspaceId.import.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

type Writer = Awaited<ReturnType<typeof signInNewWriter>>

async function newBook(writer: Writer) {
  const created = await respond(
    createBookAction({ request: formPost(`/w/${writer.workspaceId}`, { title: 'Contos', language: 'pt-BR', genre: '' }, writer.cookie), params: { workspaceId: writer.workspaceId }, context: {} }),
  )
  const [, bookId, chapterId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '')!
  return { bookId, chapterId }
}

function importInto(writer: Writer, bookId: string, text: string) {
  const body = new FormData()
  body.set('intent', 'import')
  body.set('target', bookId)
  body.set('language', 'pt-BR')
  body.set('title', '')
  body.set('file', new File([text], 'contos.md', { type: 'text/markdown' }))
  return respond(importAction({ request: new Request(`http://localhost:3000/w/${writer.workspaceId}/import`, { method: 'POST', body, headers: { cookie: writer.cookie } }), params: { workspaceId: writer.workspaceId }, context: {} }))
}

function save(writer: Writer, bookId: string, chapterId: string, expectedVersion: number, text: string) {
  const content = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] }
  const path = `/w/${writer.workspaceId}/b/${bookId}/c/${chapterId}/save`
  return respond(
    saveAction({
      request: new Request(`http://localhost:3000${path}`, { method: 'POST', body: JSON.stringify({ expectedVersion, content }), headers: { cookie: writer.cookie, 'content-type': 'application/json' } }),
      params: { workspaceId: writer.workspaceId, bookId, chapterId },
      context: {},
    }),
  )
}

const MANUSCRIPT = '# O alienista\n\nSimão Bacamarte chegou a Itaguaí.\n\n# A cartomante\n\nHamlet observa a Horácio.\n'

describe('importing into a book whose only chapter is empty', () => {
  it('a tab still open on the empty chapter gets a conflict instead of silently replacing the imported text', async () => {
    const writer = await signInNewWriter(env, sql, 'Rev')
    const { bookId, chapterId } = await newBook(writer)
    // Tab 1 shows the new book's empty chapter (version 1). Tab 2 imports into the book.
    expect((await importInto(writer, bookId, MANUSCRIPT)).status).toBe(302)
    const [filled] = await sql`select plain_text, version from public.chapters where id = ${chapterId}`
    expect(filled.plain_text).toContain('Bacamarte')
    // Tab 1 autosaves the word it had typed, based on version 1.
    const saved = await save(writer, bookId, chapterId, 1, 'Era')
    expect((await saved.json()).status).toBe('conflict')
  })

  it('never loses the imported first chapter, even with a snapshot taken a few minutes earlier', async () => {
    const writer = await signInNewWriter(env, sql, 'Rev2')
    const { bookId, chapterId } = await newBook(writer)
    const historyPath = `/w/${writer.workspaceId}/b/${bookId}/c/${chapterId}/history`
    const snap = await respond(historyAction({ request: formPost(historyPath, { intent: 'snapshot', label: 'rascunho' }, writer.cookie), params: { workspaceId: writer.workspaceId, bookId, chapterId }, context: {} }))
    expect(snap.status).toBeLessThan(400)
    expect((await importInto(writer, bookId, MANUSCRIPT)).status).toBe(302)
    await save(writer, bookId, chapterId, 1, 'Era')
    const kept = await sql`select 1 from public.chapters where id = ${chapterId} and plain_text like '%Bacamarte%'
      union all select 1 from public.chapter_versions where chapter_id = ${chapterId} and plain_text like '%Bacamarte%'`
    expect(kept.length).toBeGreaterThan(0)
  })
})

describe('export with an upper-case book id in the URL', () => {
  it('is not a "try again later" storage failure', async () => {
    const writer = await signInNewWriter(env, sql, 'Rev3')
    const { bookId } = await newBook(writer)
    await sql`update public.chapters set plain_text = 'x', word_count = 1 where book_id = ${bookId}`
    const upper = bookId.toUpperCase()
    const page = `/w/${writer.workspaceId}/b/${upper}/export`
    const response = await respond(exportAction({ request: formPost(page, { format: 'md', chapterId: '' }, writer.cookie), params: { workspaceId: writer.workspaceId, bookId: upper }, context: {} }))
    expect(response.status).toBe(200)
    expect(await sql`select object_path from public.exports where book_id = ${bookId}`).toEqual([{ object_path: `${writer.workspaceId}/${bookId}/${(await sql`select id from public.exports where book_id = ${bookId}`)[0].id}.md` }])
  })
})

describe('import titles the database refuses', () => {
  it('a heading with a C1 control character (valid UTF-8) does not fail the whole import with a generic message', async () => {
    const writer = await signInNewWriter(env, sql, 'Rev4')
    const body = new FormData()
    body.set('intent', 'import')
    body.set('target', 'new')
    body.set('language', 'pt-BR')
    body.set('title', '')
    body.set('file', new File(['# Capítulo\u0085Um\n\nTexto do capítulo.\n\n# Capítulo &#133; Dois\n\nMais texto.\n'], 'contos.md', { type: 'text/markdown' }))
    const response = await respond(importAction({ request: new Request(`http://localhost:3000/w/${writer.workspaceId}/import`, { method: 'POST', body, headers: { cookie: writer.cookie } }), params: { workspaceId: writer.workspaceId }, context: {} }))
    expect(response.status).toBe(302)
    const titles = await sql`select c.title from public.chapters c join public.books b on b.id = c.book_id
      where b.tenant_id = ${writer.workspaceId} order by c.position`
    expect(titles.map((row) => row.title)).toEqual(['Capítulo Um', 'Capítulo … Dois'])
  })
})

describe('import of a markdown numeric entity naming a lone surrogate', () => {
  it('is imported with the replacement character, never a 500', async () => {
    const writer = await signInNewWriter(env, sql, 'Rev5')
    const body = new FormData()
    body.set('intent', 'import')
    body.set('target', 'new')
    body.set('language', 'pt-BR')
    body.set('title', '')
    body.set('file', new File(['# Um\n\nTexto &#xD800; do capítulo.\n'], 'contos.md', { type: 'text/markdown' }))
    let status: number
    try {
      const response = await respond(importAction({ request: new Request(`http://localhost:3000/w/${writer.workspaceId}/import`, { method: 'POST', body, headers: { cookie: writer.cookie } }), params: { workspaceId: writer.workspaceId }, context: {} }))
      status = response.status
    } catch {
      status = 500
    }
    expect(status).toBe(302)
    const [chapter] = await sql`select c.plain_text from public.chapters c join public.books b on b.id = c.book_id where b.tenant_id = ${writer.workspaceId}`
    expect(chapter.plain_text).toBe('Texto \ufffd do capítulo.')
  })
})

describe('a book with more chapters than the outline can reorder', () => {
  it('refuses an import that would make a book too long to reorder, and adds nothing', async () => {
    const writer = await signInNewWriter(env, sql, 'Rev7')
    const { bookId } = await newBook(writer)
    const lines = Array.from({ length: 2001 }, (_, i) => `Chapter ${i + 1}\n\nWords of chapter ${i + 1}.\n`).join('\n')
    const refused = await importInto(writer, bookId, lines)
    expect(refused.status).toBe(422)
    expect((await refused.json()).error).toBe('import.error.tooManyChapters')
    expect(await sql`select count(*)::int as n from public.chapters where book_id = ${bookId}`).toEqual([{ n: 1 }])
  })
})
