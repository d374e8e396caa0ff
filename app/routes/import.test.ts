// Importing a manuscript through the app: preview the split, then one transaction creates
// the book with every chapter; a file that is not a manuscript is refused with a reason.
import fs from 'node:fs/promises'
import path from 'node:path'
import postgres from 'postgres'
import { inject } from 'vitest'
import { projectRoot } from '../../supabase/local/config.ts'
import { formPost, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action as importAction } from './w.$workspaceId.import.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

const signIn = (name: string) => signInNewWriter(env, sql, name)

/** A multipart post as Chromium sends it: its boundary has upper-case letters. */
async function upload(workspaceId: string, cookie: string, intent: string, file: File) {
  const body = new FormData()
  body.set('intent', intent)
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
    expect(book).toEqual({ title: 'pride-and-prejudice', chapters: 61, words: shown.totalWords })
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
