// Importing a manuscript through the app: preview the split, then one transaction creates
// the book with every chapter; a file that is not a manuscript is refused with a reason.
import fs from 'node:fs/promises'
import path from 'node:path'
import postgres from 'postgres'
import { inject } from 'vitest'
import { projectRoot } from '../../supabase/local/config.ts'
import { formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action as createBookAction } from './w.$workspaceId._index.tsx'
import { action as importAction, loader as importLoader } from './w.$workspaceId.import.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

const signIn = (name: string) => signInNewWriter(env, sql, name)

/** A multipart post as Chromium sends it: its boundary has upper-case letters. */
async function upload(workspaceId: string, cookie: string, intent: string, file: File, target = 'new') {
  const body = new FormData()
  body.set('intent', intent)
  body.set('target', target)
  body.set('language', 'en')
  body.set('title', '')
  body.set('file', file)
  const encoded = new Response(body)
  const boundary = /boundary=(.+)$/.exec(encoded.headers.get('content-type') ?? '')![1]
  const mixedCase = '----WebKitFormBoundaryE2LAcnEABgeZOexz'
  const bytes = Buffer.from(await encoded.arrayBuffer()).toString('latin1').replaceAll(boundary, mixedCase)
  return new Request(`http://localhost:3000/w/${workspaceId}/import`, {
    method: 'POST',
    body: Buffer.from(bytes, 'latin1'),
    headers: { cookie, 'content-type': `multipart/form-data; boundary=${mixedCase}` },
  })
}

describe('importing a manuscript', () => {
  it('previews Pride and Prejudice as 61 chapters, then creates the book with all of them', async () => {
    const writer = await signIn('Jane')
    const text = await fs.readFile(path.join(projectRoot, '..', 'shared', 'fixtures', 'books', 'pride-and-prejudice.txt'))
    const file = new File([text], 'pride-and-prejudice.txt', { type: 'text/plain' })
    const params = { workspaceId: writer.workspaceId }

    const preview = await respond(importAction({ request: await upload(writer.workspaceId, writer.cookie, 'preview', file), params, context: {} }))
    expect(preview.status).toBe(200)
    const shown = (await preview.json()).preview
    expect(shown.chapters).toHaveLength(61)
    expect(shown.chapters[0].title).toBe('Chapter 1')
    expect(await sql`select id from public.books where tenant_id = ${writer.workspaceId}`).toHaveLength(0)

    const imported = await respond(importAction({ request: await upload(writer.workspaceId, writer.cookie, 'import', file), params, context: {} }))
    expect(imported.status).toBe(302)
    const [book] = await sql`select b.title, count(c.id)::int as chapters, sum(c.word_count)::int as words
      from public.books b join public.chapters c on c.book_id = b.id where b.tenant_id = ${writer.workspaceId} group by b.title`
    expect(book).toEqual({ title: 'Pride and prejudice', chapters: 61, words: shown.totalWords })
  })

  it('suggests the title page\'s first line as the title and explains, in the writer\'s words, what was left out', async () => {
    const writer = await signIn('Capitu')
    const text = await fs.readFile(path.join(projectRoot, '..', 'shared', 'fixtures', 'books', 'dom-casmurro.txt'))
    const file = new File([text], 'dom-casmurro.txt', { type: 'text/plain' })
    const preview = await respond(importAction({ request: await upload(writer.workspaceId, writer.cookie, 'preview', file), params: { workspaceId: writer.workspaceId }, context: {} }))
    const shown = (await preview.json()).preview
    expect(shown.title).toBe('Dom Casmurro')
    expect(shown.chapters).toHaveLength(148)
    expect(shown.warnings).toEqual([{ code: 'title_page', text: "Dom Casmurro' Obra de Machado de Assis" }])
  })

  it('appends the chapters to a book the writer already has, after its last chapter', async () => {
    const writer = await signIn('Lia')
    const params = { workspaceId: writer.workspaceId }
    const created = await respond(
      createBookAction({ request: formPost(`/w/${writer.workspaceId}`, { title: 'Contos', language: 'pt-BR', genre: '' }, writer.cookie), params, context: {} }),
    )
    const [, bookId, firstChapterId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '')!
    await sql`update public.chapters set plain_text = 'Já escrito.', word_count = 2 where id = ${firstChapterId}`

    const page = await respond(importLoader({ request: get(`/w/${writer.workspaceId}/import?book=${bookId}`, writer.cookie), params, context: {} }))
    expect(await page.json()).toEqual({ books: [{ id: bookId, title: 'Contos' }], target: bookId })

    const file = new File(['# Um\n\nPrimeiro conto.\n\n# Dois\n\nSegundo *conto*.\n'], 'contos.md')
    const imported = await respond(importAction({ request: await upload(writer.workspaceId, writer.cookie, 'import', file, bookId), params, context: {} }))
    expect(imported.status).toBe(302)
    const chapters = await sql`select id, title, position from public.chapters where book_id = ${bookId} order by position`
    expect(chapters.map((c) => [c.title, c.position])).toEqual([['Capítulo 1', 0], ['Um', 1], ['Dois', 2]])
    expect(imported.headers.get('location')).toBe(`/w/${writer.workspaceId}/b/${bookId}/c/${chapters[1].id}`)
    expect(await sql`select id from public.books where tenant_id = ${writer.workspaceId}`).toHaveLength(1)
  })

  it('fills a new book\'s empty first chapter instead of leaving it blank in front', async () => {
    const writer = await signIn('Rui')
    const params = { workspaceId: writer.workspaceId }
    const created = await respond(
      createBookAction({ request: formPost(`/w/${writer.workspaceId}`, { title: 'Vazio', language: 'pt-BR', genre: '' }, writer.cookie), params, context: {} }),
    )
    const [, bookId, firstChapterId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '')!
    const file = new File(['# Um\n\nPrimeiro.\n\n# Dois\n\nSegundo.\n'], 'contos.md')
    await respond(importAction({ request: await upload(writer.workspaceId, writer.cookie, 'import', file, bookId), params, context: {} }))
    const chapters = await sql`select id, title, plain_text from public.chapters where book_id = ${bookId} order by position`
    expect(chapters.map((c) => [c.title, c.plain_text])).toEqual([['Um', 'Primeiro.'], ['Dois', 'Segundo.']])
    expect(chapters[0].id).toBe(firstChapterId)
  })

  it("refuses to append to another workspace's book or a trashed one, adding nothing anywhere", async () => {
    const owner = await signIn('Dona')
    const intruder = await signIn('Intrusa')
    const created = await respond(
      createBookAction({ request: formPost(`/w/${owner.workspaceId}`, { title: 'Privado', language: 'pt-BR', genre: '' }, owner.cookie), params: { workspaceId: owner.workspaceId }, context: {} }),
    )
    const [, bookId] = /\/b\/([0-9a-f-]{36})\//.exec(created.headers.get('location') ?? '')!
    const file = new File(['# Um\n\nTexto.\n'], 'um.md')
    const foreign = await respond(
      importAction({ request: await upload(intruder.workspaceId, intruder.cookie, 'import', file, bookId), params: { workspaceId: intruder.workspaceId }, context: {} }),
    )
    expect(foreign.status).toBe(404)
    expect((await foreign.json()).error).toBe('import.error.bookGone')

    await sql`update public.books set deleted_at = now() where id = ${bookId}`
    const trashed = await respond(
      importAction({ request: await upload(owner.workspaceId, owner.cookie, 'import', file, bookId), params: { workspaceId: owner.workspaceId }, context: {} }),
    )
    expect(trashed.status).toBe(404)
    expect(await sql`select count(*)::int as n from public.chapters where book_id = ${bookId}`).toEqual([{ n: 1 }])
    expect(await sql`select id from public.books where tenant_id = ${intruder.workspaceId}`).toHaveLength(0)
  })

  it('answers a 50 MB upload with the import page\'s own message, creating nothing', async () => {
    const writer = await signIn('Grande')
    const huge = new File([new Uint8Array(50 * 1024 * 1024).fill(0x61)], 'enorme.txt', { type: 'text/plain' })
    const refused = await respond(importAction({ request: await upload(writer.workspaceId, writer.cookie, 'preview', huge), params: { workspaceId: writer.workspaceId }, context: {} }))
    expect(refused.status).toBe(413)
    expect((await refused.json()).error).toBe('import.error.too_large')
    expect(await sql`select id from public.books where tenant_id = ${writer.workspaceId}`).toHaveLength(0)
  })

  it('refuses a binary renamed .md and an empty form without creating anything', async () => {
    const writer = await signIn('Otto')
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])], 'capitulo.md')
    const refused = await respond(importAction({ request: await upload(writer.workspaceId, writer.cookie, 'import', png), params: { workspaceId: writer.workspaceId }, context: {} }))
    expect(refused.status).toBe(415)
    expect((await refused.json()).error).toBe('import.error.not_text')
    const none = await respond(
      importAction({ request: await upload(writer.workspaceId, writer.cookie, 'import', new File([], '')), params: { workspaceId: writer.workspaceId }, context: {} }),
    )
    expect(none.status).toBe(400)
    expect(await sql`select id from public.books where tenant_id = ${writer.workspaceId}`).toHaveLength(0)
  })
})
