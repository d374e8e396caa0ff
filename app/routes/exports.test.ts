// Exporting through the app: each format is built, stored in the `exports` bucket as the
// writer and downloaded through a signed URL as the real file; nothing of another workspace
// is reachable; expired exports are purged; bad input is refused with a message.
import { createClient } from '@supabase/supabase-js'
import JSZip from 'jszip'
import postgres from 'postgres'
import { inject } from 'vitest'
import { formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { createExport, purgeExpiredExports } from '~/modules/export/exports.server.ts'
import { translator } from '~/utils/i18n.ts'
import { action as bookAction } from './w.$workspaceId.b.$bookId.tsx'
import { action as saveAction } from './w.$workspaceId.b.$bookId.c.$chapterId.save.tsx'
import { loader as downloadLoader } from './w.$workspaceId.b.$bookId.export.$exportId.download.tsx'
import { action as exportAction, loader as exportLoader } from './w.$workspaceId.b.$bookId.export.tsx'
import { action as createBookAction } from './w.$workspaceId._index.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

type Writer = Awaited<ReturnType<typeof signInNewWriter>>

const signIn = (name: string) => signInNewWriter(env, sql, name)

const FIRST_CHAPTER = {
  type: 'doc',
  content: [
    { type: 'paragraph', content: [{ type: 'text', text: 'Capitu tinha olhos de ' }, { type: 'text', text: 'ressaca', marks: [{ type: 'italic' }] }, { type: 'text', text: '.' }] },
    { type: 'sceneBreak' },
    { type: 'paragraph', content: [{ type: 'text', text: 'Depois, o silêncio.' }] },
  ],
}
const SECOND_CHAPTER = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Escobar voltou do mar.' }] }] }

/** A pt-BR book "Dom Casmurro" with two chapters of text. */
async function newBook(writer: Writer) {
  const created = await respond(
    createBookAction({ request: formPost(`/w/${writer.workspaceId}`, { title: 'Dom Casmurro', language: 'pt-BR', genre: '' }, writer.cookie), params: { workspaceId: writer.workspaceId }, context: {} }),
  )
  const [, bookId, firstId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '') ?? []
  const bookParams = { workspaceId: writer.workspaceId, bookId }
  const added = await respond(bookAction({ request: formPost(`/w/${writer.workspaceId}/b/${bookId}`, {}, writer.cookie), params: bookParams, context: {} }))
  const secondId = /\/c\/([0-9a-f-]{36})$/.exec(added.headers.get('location') ?? '')?.[1] ?? ''
  for (const [chapterId, content] of [[firstId, FIRST_CHAPTER], [secondId, SECOND_CHAPTER]] as const) {
    const path = `/w/${writer.workspaceId}/b/${bookId}/c/${chapterId}/save`
    const saved = await respond(
      saveAction({
        request: new Request(`http://localhost:3000${path}`, { method: 'POST', body: JSON.stringify({ expectedVersion: 1, content }), headers: { cookie: writer.cookie, 'content-type': 'application/json' } }),
        params: { ...bookParams, chapterId },
        context: {},
      }),
    )
    expect(saved.status).toBe(200)
  }
  return { bookId, firstId, secondId, params: bookParams, page: `/w/${writer.workspaceId}/b/${bookId}/export` }
}

async function exportAs(writer: Writer, book: Awaited<ReturnType<typeof newBook>>, fields: Record<string, string>) {
  const response = await respond(exportAction({ request: formPost(book.page, fields, writer.cookie), params: book.params, context: {} }))
  return { status: response.status, body: (await response.json()) as { error: string | null; created: { id: string; fileName: string } | null } }
}

function download(writer: Writer, book: Awaited<ReturnType<typeof newBook>>, exportId: string) {
  return respond(downloadLoader({ request: get(`${book.page}/${exportId}/download`, writer.cookie), params: { ...book.params, exportId }, context: {} }))
}

/** The file behind the download link, fetched from the signed URL the app redirects to. */
async function downloadFile(writer: Writer, book: Awaited<ReturnType<typeof newBook>>, exportId: string) {
  const redirected = await download(writer, book, exportId)
  expect(redirected.status).toBe(303)
  const signedUrl = redirected.headers.get('location') ?? ''
  expect(signedUrl).toMatch(/\/storage\/v1\/object\/sign\/exports\//)
  const file = await fetch(signedUrl)
  expect(file.status).toBe(200)
  return { file, bytes: new Uint8Array(await file.arrayBuffer()), signedUrl }
}

async function signedInClient(writer: Writer) {
  const client = createClient(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, { auth: { persistSession: false, autoRefreshToken: false } })
  const { error } = await client.auth.signInWithPassword({ email: writer.email, password: writer.password })
  expect(error).toBeNull()
  return client
}

describe('exporting a book', () => {
  it('exports each format to Storage and downloads the real file through a signed URL', async () => {
    const writer = await signIn('Bento Santiago')
    const book = await newBook(writer)

    const md = await exportAs(writer, book, { format: 'md', chapterId: '' })
    expect(md).toMatchObject({ status: 200, body: { error: null, created: { fileName: 'Dom Casmurro.md' } } })
    const markdown = await downloadFile(writer, book, md.body.created!.id)
    expect(markdown.file.headers.get('content-type')).toMatch(/^text\/markdown/)
    expect(markdown.file.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''Dom%20Casmurro.md`)
    const text = new TextDecoder().decode(markdown.bytes)
    expect(text).toContain('# Dom Casmurro')
    expect(text).toContain('Capitu tinha olhos de *ressaca*.')
    expect(text).toContain('* * *')
    expect(text).toContain('Escobar voltou do mar.')
    expect(text).toContain('por Bento Santiago')

    const docx = await exportAs(writer, book, { format: 'docx', chapterId: '' })
    expect(docx.status).toBe(200)
    const word = await downloadFile(writer, book, docx.body.created!.id)
    const wordZip = await JSZip.loadAsync(word.bytes)
    const documentXml = await wordZip.file('word/document.xml')!.async('string')
    expect(documentXml).toContain('ressaca')
    expect(documentXml).toContain('Escobar voltou do mar.')

    const epub = await exportAs(writer, book, { format: 'epub', chapterId: '' })
    expect(epub.status).toBe(200)
    const ebook = await downloadFile(writer, book, epub.body.created!.id)
    expect(ebook.file.headers.get('content-type')).toBe('application/epub+zip')
    const epubZip = await JSZip.loadAsync(ebook.bytes)
    expect(Object.keys(epubZip.files)[0]).toBe('mimetype')
    expect(await epubZip.file('mimetype')!.async('string')).toBe('application/epub+zip')
    const chapterFiles = Object.keys(epubZip.files).filter((name) => /chapter-\d+\.xhtml$/.test(name))
    expect(chapterFiles).toHaveLength(2)

    // Each file sits at {workspace}/{book}/{export}.{ext} and its recorded size is the real one.
    const rows = await sql<{ id: string; object_path: string; byte_size: string; format: string }[]>`
      select id, object_path, byte_size, format from public.exports where book_id = ${book.bookId}`
    expect(rows).toHaveLength(3)
    for (const row of rows) expect(row.object_path).toBe(`${writer.workspaceId}/${book.bookId}/${row.id}.${row.format}`)
    expect(Number(rows.find((row) => row.format === 'docx')!.byte_size)).toBe(word.bytes.byteLength)

    // The page lists them, newest first, with who made them.
    const page = await respond(exportLoader({ request: get(book.page, writer.cookie), params: book.params, context: {} }))
    const listed = (await page.json()).exports as { format: string; createdByName: string; chapterTitle: string | null }[]
    expect(listed.map((item) => item.format)).toEqual(['epub', 'docx', 'md'])
    expect(listed.every((item) => item.createdByName === 'Bento Santiago' && item.chapterTitle === null)).toBe(true)
  })

  it('exports one chapter, named after the book and the chapter', async () => {
    const writer = await signIn('Capitu')
    const book = await newBook(writer)
    const one = await exportAs(writer, book, { format: 'md', chapterId: book.secondId })
    expect(one.body.created?.fileName).toBe('Dom Casmurro - Capítulo 2.md')
    const { bytes, file } = await downloadFile(writer, book, one.body.created!.id)
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('Dom Casmurro - Capítulo 2.md')}`)
    const text = new TextDecoder().decode(bytes)
    expect(text).toContain('Escobar voltou do mar.')
    expect(text).not.toContain('Capitu tinha olhos')
    const page = await respond(exportLoader({ request: get(book.page, writer.cookie), params: book.params, context: {} }))
    expect((await page.json()).exports[0]).toMatchObject({ format: 'md', chapterTitle: 'Capítulo 2' })
  })

  it('shows an empty list before the first export', async () => {
    const writer = await signIn('Jose Dias')
    const book = await newBook(writer)
    const page = await respond(exportLoader({ request: get(book.page, writer.cookie), params: book.params, context: {} }))
    expect(page.status).toBe(200)
    const data = await page.json()
    expect(data.exports).toEqual([])
    expect(data.chapters.map((c: { title: string }) => c.title)).toEqual(['Capítulo 1', 'Capítulo 2'])
  })

  it('keeps another workspace out of the page, the export action, the download and the signed URL', async () => {
    const writer = await signIn('Sancha')
    const book = await newBook(writer)
    const made = await exportAs(writer, book, { format: 'epub', chapterId: '' })
    const exportId = made.body.created!.id
    const [row] = await sql<{ object_path: string }[]>`select object_path from public.exports where id = ${exportId}`

    const stranger = await signIn('Estranho')
    expect((await respond(exportLoader({ request: get(book.page, stranger.cookie), params: book.params, context: {} }))).status).toBe(404)
    expect((await respond(exportAction({ request: formPost(book.page, { format: 'md', chapterId: '' }, stranger.cookie), params: book.params, context: {} }))).status).toBe(404)
    expect((await download(stranger, book, exportId)).status).toBe(404)
    // The stranger's own workspace in the URL does not help either.
    const theirs = { ...book.params, workspaceId: stranger.workspaceId }
    expect((await respond(downloadLoader({ request: get(`/w/${stranger.workspaceId}/b/${book.bookId}/export/${exportId}/download`, stranger.cookie), params: { ...theirs, exportId }, context: {} }))).status).toBe(404)
    expect(await sql`select 1 from public.exports where book_id = ${book.bookId} and created_by <> ${writer.id}`).toHaveLength(0)

    // Straight to Storage with their own session: no signed URL, no download, no upload.
    const client = await signedInClient(stranger)
    const signed = await client.storage.from('exports').createSignedUrl(row.object_path, 60)
    expect(signed.data).toBeNull()
    expect(signed.error).not.toBeNull()
    expect((await client.storage.from('exports').download(row.object_path)).error).not.toBeNull()
    const planted = await client.storage.from('exports').upload(`${writer.workspaceId}/${book.bookId}/${crypto.randomUUID()}.md`, new Blob(['x'], { type: 'text/markdown' }))
    expect(planted.error).not.toBeNull()

    // anon neither.
    const anon = createClient(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, { auth: { persistSession: false } })
    expect((await anon.storage.from('exports').createSignedUrl(row.object_path, 60)).error).not.toBeNull()
  })

  it('purges expired exports (file and row) when the page opens, and orphan files on the scheduled purge', async () => {
    const writer = await signIn('Escobar')
    const book = await newBook(writer)
    const kept = await exportAs(writer, book, { format: 'md', chapterId: '' })
    const old = await exportAs(writer, book, { format: 'docx', chapterId: '' })
    const oldId = old.body.created!.id
    const { signedUrl } = await downloadFile(writer, book, oldId)
    await sql`update public.exports set created_at = now() - interval '8 days', expires_at = now() - interval '1 day' where id = ${oldId}`

    // Until the purge runs, an expired export is no longer offered nor downloadable.
    const gone = await download(writer, book, oldId)
    expect(gone.status).toBe(302)
    expect(gone.headers.get('location')).toBe(`${book.page}?gone`)

    const page = await respond(exportLoader({ request: get(book.page, writer.cookie), params: book.params, context: {} }))
    expect((await page.json()).exports.map((e: { id: string }) => e.id)).toEqual([kept.body.created!.id])
    expect(await sql`select 1 from public.exports where id = ${oldId}`).toHaveLength(0)
    expect(await sql`select 1 from storage.objects where bucket_id = 'exports' and name like ${`%/${oldId}.docx`}`).toHaveLength(0)
    expect((await fetch(signedUrl)).ok).toBe(false)
    // The one still in its retention period is untouched.
    expect((await downloadFile(writer, book, kept.body.created!.id)).bytes.byteLength).toBeGreaterThan(0)

    // A file whose row is gone (e.g. its book was purged) goes with the scheduled purge, once
    // it is clearly not an export in flight.
    const orphan = await exportAs(writer, book, { format: 'epub', chapterId: '' })
    const orphanId = orphan.body.created!.id
    await sql`delete from public.exports where id = ${orphanId}`
    expect(await purgeExpiredExports({ workspaceId: writer.workspaceId })).toEqual({ rows: 0, files: 0 })
    expect(await sql`select 1 from storage.objects where bucket_id = 'exports' and name like ${`%/${orphanId}.epub`}`).toHaveLength(1)
    await sql`update storage.objects set created_at = now() - interval '2 hours' where bucket_id = 'exports' and name like ${`%/${orphanId}.epub`}`
    const purged = await purgeExpiredExports()
    expect(purged.files).toBeGreaterThanOrEqual(1)
    expect(await sql`select 1 from storage.objects where bucket_id = 'exports' and name like ${`%/${orphanId}.epub`}`).toHaveLength(0)
  })

  it('refuses an unknown format and a chapter of another book with a message, storing nothing', async () => {
    const writer = await signIn('Prima Justina')
    const book = await newBook(writer)
    const other = await newBook(writer)

    const pdf = await exportAs(writer, book, { format: 'pdf', chapterId: '' })
    expect(pdf).toEqual({ status: 400, body: { error: 'export.error.format', created: null } })
    expect(translator('pt-BR')(pdf.body.error as 'export.error.format')).toBe('Escolha um dos formatos: Markdown, Word ou EPUB.')
    expect(translator('en')(pdf.body.error as 'export.error.format')).toBe('Choose one of the formats: Markdown, Word or EPUB.')

    const foreignChapter = await exportAs(writer, book, { format: 'md', chapterId: other.firstId })
    expect(foreignChapter).toEqual({ status: 400, body: { error: 'export.error.chapter', created: null } })
    const notAnId = await exportAs(writer, book, { format: 'md', chapterId: 'capitulo-1' })
    expect(notAnId).toEqual({ status: 400, body: { error: 'export.error.chapter', created: null } })

    expect(await sql`select 1 from public.exports where tenant_id = ${writer.workspaceId}`).toHaveLength(0)
    expect(await sql`select 1 from storage.objects where bucket_id = 'exports' and name like ${`${writer.workspaceId}/%`}`).toHaveLength(0)
  })

  it('leaves nothing half-written when Storage refuses the file or the row is refused', async () => {
    const writer = await signIn('Tio Cosme')
    const book = await newBook(writer)
    const stored = () => sql`select 1 from storage.objects where bucket_id = 'exports' and name like ${`${writer.workspaceId}/%`}`
    const recorded = () => sql`select 1 from public.exports where tenant_id = ${writer.workspaceId}`

    // Storage refuses the upload (here: a client with no session, so the bucket's policies
    // see anon): nothing is recorded.
    const signedOut = createClient(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, { auth: { persistSession: false } })
    await expect(
      createExport({ claims: { sub: writer.id, role: 'authenticated' }, supabase: signedOut, tenantId: writer.workspaceId, bookId: book.bookId, format: 'epub' }),
    ).rejects.toMatchObject({ name: 'ExportError', code: 'storage_failed', status: 503, messageKey: 'export.error.storage' })
    expect(await stored()).toHaveLength(0)
    expect(await recorded()).toHaveLength(0)

    // The row is refused after the upload (a rule that refuses only this workspace, so other
    // tests running at the same time are untouched): the uploaded file is removed again.
    await sql.unsafe(`alter table public.exports add constraint exports_test_refuse check (tenant_id <> '${writer.workspaceId}')`)
    try {
      const refused = await exportAs(writer, book, { format: 'md', chapterId: '' })
      expect(refused.status).toBe(400)
    } finally {
      await sql`alter table public.exports drop constraint exports_test_refuse`
    }
    expect(await stored()).toHaveLength(0)
    expect(await recorded()).toHaveLength(0)
  })
})
