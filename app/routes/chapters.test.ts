// Writing through the app: create a book, save a chapter through the autosave endpoint,
// and what happens with a stale version, bad content, another workspace or a cross-site post.
import postgres from 'postgres'
import { inject } from 'vitest'
import { formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action as saveAction } from './w.$workspaceId.b.$bookId.c.$chapterId.save.tsx'
import { action as chapterAction, loader as chapterLoader } from './w.$workspaceId.b.$bookId.c.$chapterId.tsx'
import { action as createBookAction } from './w.$workspaceId._index.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

const doc = (text: string) => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] })

const signIn = (name: string) => signInNewWriter(env, sql, name)

function saveRequest(path: string, body: unknown, cookie: string, origin = 'http://localhost:3000') {
  return new Request(`http://localhost:3000${path}`, { method: 'POST', body: JSON.stringify(body), headers: { cookie, origin, 'content-type': 'application/json' } })
}

async function newBook(writer: Awaited<ReturnType<typeof signIn>>) {
  const created = await respond(
    createBookAction({ request: formPost(`/w/${writer.workspaceId}`, { title: 'Quincas Borba', language: 'pt-BR', genre: '' }, writer.cookie), params: { workspaceId: writer.workspaceId }, context: {} }),
  )
  expect(created.status).toBe(302)
  const [, bookId, chapterId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '') ?? []
  return { bookId, chapterId, path: `/w/${writer.workspaceId}/b/${bookId}/c/${chapterId}` }
}

describe('writing a chapter', () => {
  it('creates a book with its first chapter and saves text with the chapter version', async () => {
    const ana = await signIn('Ana')
    const { bookId, chapterId, path } = await newBook(ana)
    const params = { workspaceId: ana.workspaceId, bookId, chapterId }
    const saved = await respond(saveAction({ request: saveRequest(`${path}/save`, { expectedVersion: 1, content: doc('Era uma vez.') }, ana.cookie), params, context: {} }))
    expect(saved.status).toBe(200)
    expect(await saved.json()).toEqual({ status: 'saved', version: 2 })
    const page = await respond(chapterLoader({ request: get(path, ana.cookie), params, context: {} }))
    expect((await page.json()).chapter).toMatchObject({ version: 2, content: doc('Era uma vez.') })
  })

  it('keeps both texts when two tabs save from the same version', async () => {
    const bia = await signIn('Bia')
    const { bookId, chapterId, path } = await newBook(bia)
    const params = { workspaceId: bia.workspaceId, bookId, chapterId }
    await respond(saveAction({ request: saveRequest(`${path}/save`, { expectedVersion: 1, content: doc('tab A') }, bia.cookie), params, context: {} }))
    const conflict = await respond(saveAction({ request: saveRequest(`${path}/save`, { expectedVersion: 1, content: doc('tab B') }, bia.cookie), params, context: {} }))
    expect((await conflict.json()).status).toBe('conflict')
    const [chapter] = await sql`select plain_text from public.chapters where id = ${chapterId}`
    const versions = await sql`select kind, plain_text from public.chapter_versions where chapter_id = ${chapterId}`
    expect(chapter.plain_text).toBe('tab A')
    expect(versions).toContainEqual({ kind: 'conflict', plain_text: 'tab B' })
  })

  it('refuses bad content, other workspaces’ chapters, signed-out and cross-site saves', async () => {
    const caio = await signIn('Caio')
    const dora = await signIn('Dora')
    const { bookId, chapterId, path } = await newBook(caio)
    const params = { workspaceId: caio.workspaceId, bookId, chapterId }
    const script = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] }
    expect((await respond(saveAction({ request: saveRequest(`${path}/save`, { expectedVersion: 1, content: script }, caio.cookie), params, context: {} }))).status).toBe(400)
    expect((await respond(saveAction({ request: saveRequest(`${path}/save`, { expectedVersion: 1, content: doc('intrusa') }, dora.cookie), params, context: {} }))).status).toBe(404)
    expect((await respond(saveAction({ request: saveRequest(`${path}/save`, { expectedVersion: 1, content: doc('x') }, ''), params, context: {} }))).status).toBe(401)
    expect((await respond(saveAction({ request: saveRequest(`${path}/save`, { expectedVersion: 1, content: doc('x') }, caio.cookie, 'https://evil.example'), params, context: {} }))).status).toBe(403)
    const [chapter] = await sql`select version, plain_text from public.chapters where id = ${chapterId}`
    expect(chapter).toEqual({ version: 1, plain_text: '' })
  })

  it('renames a chapter and sets its status, refusing an empty title and other workspaces', async () => {
    const eva = await signIn('Eva')
    const ivo = await signIn('Ivo')
    const { bookId, chapterId, path } = await newBook(eva)
    const params = { workspaceId: eva.workspaceId, bookId, chapterId }
    const renamed = await respond(chapterAction({ request: formPost(path, { title: '  O enterro  ', status: 'revised' }, eva.cookie), params, context: {} }))
    expect(renamed.status).toBe(302)
    const [row] = await sql`select title, status from public.chapters where id = ${chapterId}`
    expect(row).toEqual({ title: 'O enterro', status: 'revised' })
    const empty = await respond(chapterAction({ request: formPost(path, { title: '   ', status: 'final' }, eva.cookie), params, context: {} }))
    expect(empty.status).toBe(400)
    expect((await empty.json()).error).toBe('validation.nameRequired')
    const foreign = await respond(chapterAction({ request: formPost(path, { title: 'Invasão', status: 'final' }, ivo.cookie), params, context: {} }))
    expect(foreign.status).toBe(404)
    const [after] = await sql`select title, status from public.chapters where id = ${chapterId}`
    expect(after).toEqual({ title: 'O enterro', status: 'revised' })
  })
})
