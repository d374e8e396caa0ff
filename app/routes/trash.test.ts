// Renaming a book, the trash (books and chapters, restore, Undo) and its purge, through the
// app's own loaders and actions; other workspaces and bad input get a 4xx with a message.
import { createClient } from '@supabase/supabase-js'
import postgres from 'postgres'
import { inject } from 'vitest'
import { formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { purgeTrash } from '~/modules/trash/purge.server.ts'
import { TRASH_RETENTION_DAYS } from '~/modules/trash/retention.ts'
import { action as chapterAction, loader as chapterLoader } from './w.$workspaceId.b.$bookId.c.$chapterId.tsx'
import { loader as bookHomeLoader } from './w.$workspaceId.b.$bookId._index.tsx'
import { action as settingsAction, loader as settingsLoader } from './w.$workspaceId.b.$bookId.settings.tsx'
import { action as addChapterAction, loader as bookLoader } from './w.$workspaceId.b.$bookId.tsx'
import { action as homeAction, loader as homeLoader } from './w.$workspaceId._index.tsx'
import { action as trashAction, loader as trashLoader } from './w.$workspaceId.trash.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

type Writer = Awaited<ReturnType<typeof signInNewWriter>>
const signIn = (name: string) => signInNewWriter(env, sql, name)
const ctx = { context: {} }

async function newBook(writer: Writer, title = 'Memórias Póstumas') {
  const created = await respond(homeAction({ request: formPost(`/w/${writer.workspaceId}`, { title, language: 'pt-BR', genre: '' }, writer.cookie), params: { workspaceId: writer.workspaceId }, ...ctx }))
  expect(created.status).toBe(302)
  const [, bookId, chapterId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '') ?? []
  return { bookId, chapterId, params: { workspaceId: writer.workspaceId, bookId }, base: `/w/${writer.workspaceId}/b/${bookId}` }
}

async function addChapter(writer: Writer, book: Awaited<ReturnType<typeof newBook>>) {
  const added = await respond(addChapterAction({ request: formPost(book.base, {}, writer.cookie), params: book.params, ...ctx }))
  return /\/c\/([0-9a-f-]{36})$/.exec(added.headers.get('location') ?? '')?.[1] as string
}

const bookList = async (w: Writer) => (await (await respond(homeLoader({ request: get(`/w/${w.workspaceId}`, w.cookie), params: { workspaceId: w.workspaceId }, ...ctx }))).json()).books
const outline = async (w: Writer, book: Awaited<ReturnType<typeof newBook>>) =>
  (await (await respond(bookLoader({ request: get(book.base, w.cookie), params: book.params, ...ctx }))).json()).outline.map((c: { id: string }) => c.id)
const trashPage = (w: Writer, as: Writer = w) => respond(trashLoader({ request: get(`/w/${w.workspaceId}/trash`, as.cookie), params: { workspaceId: w.workspaceId }, ...ctx }))
const restore = (w: Writer, fields: Record<string, string>, as: Writer = w) =>
  respond(trashAction({ request: formPost(`/w/${w.workspaceId}/trash`, fields, as.cookie), params: { workspaceId: w.workspaceId }, ...ctx }))

describe('book settings', () => {
  it('renames a book and edits its language, genre and synopsis', async () => {
    const ana = await signIn('Ana')
    const book = await newBook(ana)
    const saved = await respond(
      settingsAction({ request: formPost(`${book.base}/settings`, { title: '  Dom Casmurro ', language: 'other', genre: 'Romance', synopsis: 'Bentinho e Capitu.' }, ana.cookie), params: book.params, ...ctx }),
    )
    expect(saved.status).toBe(200)
    expect(await saved.json()).toMatchObject({ saved: true })
    const page = await (await respond(settingsLoader({ request: get(`${book.base}/settings`, ana.cookie), params: book.params, ...ctx }))).json()
    expect(page.book).toEqual({ title: 'Dom Casmurro', language: 'other', genre: 'Romance', synopsis: 'Bentinho e Capitu.' })
    expect((await bookList(ana)).map((b: { title: string }) => b.title)).toEqual(['Dom Casmurro'])
  })

  it('refuses an empty or over-long title and an unknown language with field messages, changing nothing', async () => {
    const ana = await signIn('Ana')
    const book = await newBook(ana, 'Helena')
    const empty = await respond(settingsAction({ request: formPost(`${book.base}/settings`, { title: '  ', language: 'pt-BR' }, ana.cookie), params: book.params, ...ctx }))
    expect(empty.status).toBe(400)
    expect((await empty.json()).fieldErrors).toEqual({ title: 'validation.nameRequired' })
    const long = await respond(settingsAction({ request: formPost(`${book.base}/settings`, { title: 'x'.repeat(201), language: 'fr' }, ana.cookie), params: book.params, ...ctx }))
    expect(long.status).toBe(400)
    expect((await long.json()).fieldErrors).toEqual({ title: 'validation.nameMax', language: 'validation.invalidForm' })
    const [row] = await sql`select title, language from public.books where id = ${book.bookId}`
    expect(row).toEqual({ title: 'Helena', language: 'pt-BR' })
  })
})

describe('the trash', () => {
  it('moves a book to the trash with an Undo notice, lists it there and restores it with its chapters', async () => {
    const ana = await signIn('Ana')
    const book = await newBook(ana, 'Iaiá Garcia')
    await addChapter(ana, book)
    const trashed = await respond(settingsAction({ request: formPost(`${book.base}/settings`, { intent: 'trash' }, ana.cookie), params: book.params, ...ctx }))
    expect(trashed.status).toBe(302)
    expect(trashed.headers.get('location')).toBe(`/w/${ana.workspaceId}?trashed=${book.bookId}`)

    const home = await (await respond(homeLoader({ request: get(`/w/${ana.workspaceId}?trashed=${book.bookId}`, ana.cookie), params: { workspaceId: ana.workspaceId }, ...ctx }))).json()
    expect(home.books).toEqual([])
    expect(home.trashedBook).toEqual({ id: book.bookId, title: 'Iaiá Garcia' })
    expect((await respond(bookLoader({ request: get(book.base, ana.cookie), params: book.params, ...ctx }))).status).toBe(404)

    const trash = await (await trashPage(ana)).json()
    expect(trash.books).toEqual([expect.objectContaining({ id: book.bookId, title: 'Iaiá Garcia', daysLeft: TRASH_RETENTION_DAYS })])

    const restored = await restore(ana, { intent: 'restoreBook', id: book.bookId })
    expect(restored.status).toBe(302)
    expect(restored.headers.get('location')).toBe(`/w/${ana.workspaceId}/trash?restored=${book.bookId}`)
    const after = await (await respond(trashLoader({ request: get(`/w/${ana.workspaceId}/trash?restored=${book.bookId}`, ana.cookie), params: { workspaceId: ana.workspaceId }, ...ctx }))).json()
    expect(after.books).toEqual([])
    expect(after.restored).toMatchObject({ kind: 'book', title: 'Iaiá Garcia' })
    expect(await bookList(ana)).toEqual([expect.objectContaining({ id: book.bookId, chapterCount: 2 })])
  })

  it('moves a chapter to the trash, out of the outline, and Undo puts it back where it was', async () => {
    const ana = await signIn('Ana')
    const book = await newBook(ana)
    const second = await addChapter(ana, book)
    const third = await addChapter(ana, book)
    const params = { ...book.params, chapterId: second }
    const trashed = await respond(chapterAction({ request: formPost(`${book.base}/c/${second}`, { intent: 'trash' }, ana.cookie), params, ...ctx }))
    expect(trashed.status).toBe(302)
    expect(trashed.headers.get('location')).toBe(`${book.base}?trashed=${second}`)
    expect(await outline(ana, book)).toEqual([book.chapterId, third])

    // The book page opens its first chapter and keeps the notice.
    const landing = await respond(bookHomeLoader({ request: get(`${book.base}?trashed=${second}`, ana.cookie), params: book.params, ...ctx }))
    expect(landing.headers.get('location')).toBe(`${book.base}/c/${book.chapterId}?trashed=${second}`)
    const first = await (await respond(chapterLoader({ request: get(`${book.base}/c/${book.chapterId}?trashed=${second}`, ana.cookie), params: { ...book.params, chapterId: book.chapterId }, ...ctx }))).json()
    expect(first.trashedChapter).toEqual({ id: second, title: 'Capítulo 2' })

    const trash = await (await trashPage(ana)).json()
    expect(trash.chapters).toEqual([expect.objectContaining({ id: second, bookId: book.bookId, bookTitle: 'Memórias Póstumas' })])
    expect((await respond(chapterLoader({ request: get(`${book.base}/c/${second}`, ana.cookie), params, ...ctx }))).status).toBe(404)

    const undone = await restore(ana, { intent: 'restoreChapter', id: second, then: 'open' })
    expect(undone.headers.get('location')).toBe(`${book.base}/c/${second}`)
    expect(await outline(ana, book)).toEqual([book.chapterId, second, third])
  })

  it('says when the last chapter went and the book is empty', async () => {
    const ana = await signIn('Ana')
    const book = await newBook(ana)
    await respond(chapterAction({ request: formPost(`${book.base}/c/${book.chapterId}`, { intent: 'trash' }, ana.cookie), params: { ...book.params, chapterId: book.chapterId }, ...ctx }))
    const landing = await respond(bookHomeLoader({ request: get(`${book.base}?trashed=${book.chapterId}`, ana.cookie), params: book.params, ...ctx }))
    expect(landing.status).toBe(200)
    expect((await landing.json()).trashedChapter).toEqual({ id: book.chapterId, title: 'Capítulo 1' })
  })

  it('explains that a chapter whose book is in the trash needs the book back first', async () => {
    const ana = await signIn('Ana')
    const book = await newBook(ana)
    await respond(chapterAction({ request: formPost(`${book.base}/c/${book.chapterId}`, { intent: 'trash' }, ana.cookie), params: { ...book.params, chapterId: book.chapterId }, ...ctx }))
    await respond(settingsAction({ request: formPost(`${book.base}/settings`, { intent: 'trash' }, ana.cookie), params: book.params, ...ctx }))
    const refused = await restore(ana, { intent: 'restoreChapter', id: book.chapterId })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toEqual({ error: 'trash.error.bookInTrash', title: 'Capítulo 1', book: 'Memórias Póstumas', bookId: book.bookId })
    expect((await restore(ana, { intent: 'restoreBook', id: book.bookId })).status).toBe(302)
    expect((await restore(ana, { intent: 'restoreChapter', id: book.chapterId })).status).toBe(302)
    expect(await outline(ana, book)).toEqual([book.chapterId])
  })

  it('keeps another workspace’s member out: no trashing, restoring or seeing', async () => {
    const ana = await signIn('Ana')
    const ivo = await signIn('Ivo')
    const book = await newBook(ana)
    const second = await addChapter(ana, book)
    const asIvo = (path: string, fields: Record<string, string>) => formPost(path, fields, ivo.cookie)
    expect((await respond(settingsAction({ request: asIvo(`${book.base}/settings`, { intent: 'trash' }), params: book.params, ...ctx }))).status).toBe(404)
    expect((await respond(settingsAction({ request: asIvo(`${book.base}/settings`, { title: 'Roubado', language: 'en' }), params: book.params, ...ctx }))).status).toBe(404)
    expect((await respond(chapterAction({ request: asIvo(`${book.base}/c/${second}`, { intent: 'trash' }), params: { ...book.params, chapterId: second }, ...ctx }))).status).toBe(404)

    await respond(settingsAction({ request: formPost(`${book.base}/settings`, { intent: 'trash' }, ana.cookie), params: book.params, ...ctx }))
    expect((await trashPage(ana, ivo)).status).toBe(404)
    expect((await restore(ana, { intent: 'restoreBook', id: book.bookId }, ivo)).status).toBe(404)
    // Through Ivo's own workspace: the book is not in his trash.
    const viaOwn = await restore(ivo, { intent: 'restoreBook', id: book.bookId })
    expect(viaOwn.status).toBe(404)
    expect(await viaOwn.json()).toEqual({ error: 'trash.error.notFound' })
    expect((await (await trashPage(ivo)).json()).books).toEqual([])

    const [row] = await sql`select title, deleted_at is not null as trashed from public.books where id = ${book.bookId}`
    expect(row).toEqual({ title: 'Memórias Póstumas', trashed: true })
  })

  it('answers bad input with a 4xx and a message', async () => {
    const ana = await signIn('Ana')
    const book = await newBook(ana)
    const unknown = await restore(ana, { intent: 'restoreBook', id: crypto.randomUUID() })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: 'trash.error.notFound' })
    const notTrashed = await restore(ana, { intent: 'restoreChapter', id: book.chapterId })
    expect(notTrashed.status).toBe(404)
    const badForms: Record<string, string>[] = [{ intent: 'restoreBook', id: 'not-a-uuid' }, { intent: 'purge', id: book.bookId }, {}]
    for (const fields of badForms) {
      const bad = await restore(ana, fields)
      expect(bad.status).toBe(400)
      expect(await bad.json()).toEqual({ error: 'trash.error.invalid' })
    }
    const unknownBook = { workspaceId: ana.workspaceId, bookId: crypto.randomUUID() }
    expect((await respond(settingsAction({ request: formPost(`/w/${ana.workspaceId}/b/${unknownBook.bookId}/settings`, { intent: 'trash' }, ana.cookie), params: unknownBook, ...ctx }))).status).toBe(404)
    expect((await respond(settingsAction({ request: formPost('/w/x/b/nope/settings', { intent: 'trash' }, ana.cookie), params: { workspaceId: 'x', bookId: 'nope' }, ...ctx }))).status).toBe(404)
    expect((await respond(trashLoader({ request: get('/w/nope/trash', ana.cookie), params: { workspaceId: 'nope' }, ...ctx }))).status).toBe(404)
    const crossSite = new Request(`http://localhost:3000/w/${ana.workspaceId}/trash`, {
      method: 'POST',
      body: new URLSearchParams({ intent: 'restoreBook', id: book.bookId }),
      headers: { cookie: ana.cookie, origin: 'https://evil.example' },
    })
    expect((await respond(trashAction({ request: crossSite, params: { workspaceId: ana.workspaceId }, ...ctx }))).status).toBe(403)
  })
})

describe('purging the trash', () => {
  const storage = createClient(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, { auth: { persistSession: false } }).storage

  it('uses the retention period the database purges with', async () => {
    const [row] = await sql`select extract(day from private.trash_retention())::int as days`
    expect(row.days).toBe(TRASH_RETENTION_DAYS)
  })

  it('deletes for good what is older than the retention period, with a book’s export files, and keeps the rest', async () => {
    const ana = await signIn('Ana')
    const bia = await signIn('Bia')
    const old = await newBook(ana, 'Velho')
    const recent = await newBook(ana, 'Recente')
    const live = await newBook(ana, 'Vivo')
    const oldChapter = await addChapter(ana, live)
    const recentChapter = await addChapter(ana, live)
    const biaOld = await newBook(bia, 'Da Bia')
    await sql`update public.books set deleted_at = now() - interval '31 days' where id in ${sql([old.bookId, biaOld.bookId])}`
    await sql`update public.books set deleted_at = now() - interval '29 days' where id = ${recent.bookId}`
    await sql`update public.chapters set deleted_at = now() - interval '31 days' where id = ${oldChapter}`
    await sql`update public.chapters set deleted_at = now() - interval '1 day' where id = ${recentChapter}`

    // The bucket comes from the exports migration (decision 010).
    const file = `${ana.workspaceId}/${old.bookId}/${crypto.randomUUID()}.epub`
    const uploaded = await storage.from('exports').upload(file, new Blob(['epub bytes'], { type: 'application/epub+zip' }))
    expect(uploaded.error).toBeNull()

    const page = await (await trashPage(ana)).json()
    expect(page.books.map((b: { title: string }) => b.title)).toEqual(['Recente'])
    expect(page.books[0].daysLeft).toBe(1)
    expect(page.chapters.map((c: { id: string }) => c.id)).toEqual([recentChapter])

    const books = await sql`select id from public.books where id in ${sql([old.bookId, recent.bookId, live.bookId, biaOld.bookId])}`
    expect(books.map((b) => b.id).sort()).toEqual([recent.bookId, live.bookId, biaOld.bookId].sort())
    expect(await sql`select 1 from public.chapters where id = ${oldChapter}`).toHaveLength(0)
    expect(await sql`select 1 from public.chapters where book_id = ${old.bookId}`).toHaveLength(0)
    const listed = await storage.from('exports').list(`${ana.workspaceId}/${old.bookId}`)
    expect(listed.data).toEqual([])
    // Bia's expired book waits for her workspace's purge.
    expect(await sql`select 1 from public.books where id = ${biaOld.bookId}`).toHaveLength(1)
    expect((await (await trashPage(bia)).json()).books).toEqual([])
    expect(await sql`select 1 from public.books where id = ${biaOld.bookId}`).toHaveLength(0)
  })

  it('purges every workspace from the scheduled job (scripts/purge.ts)', async () => {
    const caio = await signIn('Caio')
    const book = await newBook(caio)
    const expired = await addChapter(caio, book)
    await sql`update public.chapters set deleted_at = now() - interval '45 days' where id = ${expired}`
    const result = await purgeTrash({ workspaceId: null })
    expect(result.chapters).toBeGreaterThanOrEqual(1)
    expect(await sql`select 1 from public.chapters where id = ${expired}`).toHaveLength(0)
    expect(await outline(caio, book)).toEqual([book.chapterId])
  })
})
