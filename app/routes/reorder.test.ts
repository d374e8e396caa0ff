// Reordering a book's chapters through the app: a move persists; a page showing an order
// that changed meanwhile gets 409; another workspace's member gets 404; an order that does
// not name each of the book's chapters exactly once gets 400, each with a message.
import postgres from 'postgres'
import { inject } from 'vitest'
import { APP_ORIGIN, formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action as bookAction, loader as bookLoader } from './w.$workspaceId.b.$bookId.tsx'
import { action as reorderAction } from './w.$workspaceId.b.$bookId.reorder.tsx'
import { action as createBookAction } from './w.$workspaceId._index.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

type Writer = Awaited<ReturnType<typeof signInNewWriter>>

/** A book with three chapters, as the writer made it through the pages. */
async function bookWithThreeChapters(writer: Writer) {
  const created = await respond(
    createBookAction({ request: formPost(`/w/${writer.workspaceId}`, { title: 'Memórias Póstumas', language: 'pt-BR', genre: '' }, writer.cookie), params: { workspaceId: writer.workspaceId }, context: {} }),
  )
  const [, bookId] = /\/b\/([0-9a-f-]{36})\//.exec(created.headers.get('location') ?? '') ?? []
  const params = { workspaceId: writer.workspaceId, bookId }
  for (let i = 0; i < 2; i++) {
    const added = await respond(bookAction({ request: formPost(`/w/${writer.workspaceId}/b/${bookId}`, {}, writer.cookie), params, context: {} }))
    expect(added.status).toBe(302)
  }
  const ids = await order(bookId)
  expect(ids).toHaveLength(3)
  return { bookId, params, path: `/w/${writer.workspaceId}/b/${bookId}`, ids }
}

async function order(bookId: string): Promise<string[]> {
  const rows = await sql`select id from public.chapters where book_id = ${bookId} and deleted_at is null order by position`
  return rows.map((r) => r.id as string)
}

function reorder(book: { path: string; params: Record<string, string> }, fields: [string, string][], cookie: string, headers: Record<string, string> = {}) {
  const request = new Request(`${APP_ORIGIN}${book.path}/reorder`, { method: 'POST', body: new URLSearchParams(fields), headers: { cookie, ...headers } })
  return respond(reorderAction({ request, params: book.params, context: {} }))
}

const list = (name: 'expected' | 'order', ids: string[]): [string, string][] => ids.map((id) => [name, id])

describe('reordering the outline', () => {
  it('moves chapters, and the outline shows the new order after a reload', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    const book = await bookWithThreeChapters(ana)
    const [a, b, c] = book.ids

    const moved = await reorder(book, [...list('expected', [a, b, c]), ...list('order', [c, a, b])], ana.cookie)
    expect(moved.status).toBe(200)
    expect(await moved.json()).toEqual({ ok: true })
    expect(await order(book.bookId)).toEqual([c, a, b])

    const page = await respond(bookLoader({ request: get(book.path, ana.cookie), params: book.params, context: {} }))
    const { outline } = (await page.json()) as { outline: { id: string; position: number; title: string }[] }
    expect(outline.map((ch) => [ch.id, ch.position])).toEqual([
      [c, 0],
      [a, 1],
      [b, 2],
    ])
  })

  it('moves a chapter up with the button that works without JavaScript and returns to the page', async () => {
    const bia = await signInNewWriter(env, sql, 'Bia')
    const book = await bookWithThreeChapters(bia)
    const [a, b, c] = book.ids
    const chapterPage = `${book.path}/c/${a}`

    const up = await reorder(book, [...list('expected', [a, b, c]), ['move', `${c}:up`], ['redirectTo', chapterPage]], bia.cookie)
    expect(up.status).toBe(302)
    expect(up.headers.get('location')).toBe(chapterPage)
    expect(await order(book.bookId)).toEqual([a, c, b])

    // The first chapter cannot go further up; nothing changes and the page comes back.
    const top = await reorder(book, [...list('expected', [a, c, b]), ['move', `${a}:up`], ['redirectTo', chapterPage]], bia.cookie)
    expect(top.headers.get('location')).toBe(chapterPage)
    expect(await order(book.bookId)).toEqual([a, c, b])

    // A redirect elsewhere is not followed: the writer lands on the book.
    const away = await reorder(book, [...list('expected', [a, c, b]), ['move', `${a}:down`], ['redirectTo', 'https://evil.example/']], bia.cookie)
    expect(away.headers.get('location')).toBe(book.path)
    expect(await order(book.bookId)).toEqual([c, a, b])
  })

  it('refuses an order made from a list that changed in another tab with 409, and changes nothing', async () => {
    const caio = await signInNewWriter(env, sql, 'Caio')
    const book = await bookWithThreeChapters(caio)
    const [a, b, c] = book.ids
    // Tab 1 moves the last chapter first.
    expect((await reorder(book, [...list('expected', [a, b, c]), ...list('order', [c, a, b])], caio.cookie)).status).toBe(200)

    // Tab 2 still shows a, b, c and swaps the first two.
    const stale = await reorder(book, [...list('expected', [a, b, c]), ...list('order', [b, a, c])], caio.cookie)
    expect(stale.status).toBe(409)
    expect(await stale.json()).toEqual({
      ok: false,
      error: 'outline.error.stale',
      message: 'A lista de capítulos mudou em outra aba ou aparelho. Mostramos a ordem atual; mova o capítulo de novo se quiser.',
    })
    expect(await order(book.bookId)).toEqual([c, a, b])

    // A chapter added in another tab also makes the page's order stale.
    await respond(bookAction({ request: formPost(book.path, {}, caio.cookie), params: book.params, context: {} }))
    const missingNew = await reorder(book, [...list('expected', [c, a, b]), ...list('order', [a, b, c])], caio.cookie, { 'accept-language': 'en' })
    expect(missingNew.status).toBe(409)
    expect((await missingNew.json()).message).toBe('The chapter list changed in another tab or device. This is the current order; move the chapter again if you wish.')

    // Without JavaScript the writer is sent back to the page, which says what happened.
    const plain = await reorder(book, [...list('expected', [a, b, c]), ['move', `${b}:up`], ['redirectTo', `${book.path}/c/${a}`]], caio.cookie)
    expect(plain.status).toBe(302)
    expect(plain.headers.get('location')).toBe(`${book.path}/c/${a}?outlineError=outline.error.stale`)
    expect((await order(book.bookId)).slice(0, 3)).toEqual([c, a, b])
  })

  it('answers 404 to another workspace’s member and to a signed-out post, and 403 to another site', async () => {
    const dora = await signInNewWriter(env, sql, 'Dora')
    const ivo = await signInNewWriter(env, sql, 'Ivo')
    const book = await bookWithThreeChapters(dora)
    const [a, b, c] = book.ids
    const fields = [...list('expected', [a, b, c]), ...list('order', [c, b, a])]

    const intruder = await reorder(book, fields, ivo.cookie)
    expect(intruder.status).toBe(404)
    expect((await intruder.json()).message).toMatch(/Não encontramos/)
    // Ivo's own workspace in the URL does not help either.
    const viaOwnWorkspace = await respond(
      reorderAction({
        request: new Request(`${APP_ORIGIN}/w/${ivo.workspaceId}/b/${book.bookId}/reorder`, { method: 'POST', body: new URLSearchParams(fields), headers: { cookie: ivo.cookie } }),
        params: { workspaceId: ivo.workspaceId, bookId: book.bookId },
        context: {},
      }),
    )
    expect(viaOwnWorkspace.status).toBe(404)
    // Dora's own book under another workspace's address is not found either.
    const wrongWorkspace = await respond(
      reorderAction({
        request: new Request(`${APP_ORIGIN}/w/${ivo.workspaceId}/b/${book.bookId}/reorder`, { method: 'POST', body: new URLSearchParams(fields), headers: { cookie: dora.cookie } }),
        params: { workspaceId: ivo.workspaceId, bookId: book.bookId },
        context: {},
      }),
    )
    expect(wrongWorkspace.status).toBe(404)

    const signedOut = await reorder(book, fields, '')
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('location')).toMatch(/^\/login\?redirectTo=/)
    const crossSite = await reorder(book, fields, dora.cookie, { origin: 'https://evil.example' })
    expect(crossSite.status).toBe(403)
    expect(await order(book.bookId)).toEqual([a, b, c])
  })

  it('refuses with 400 and a message an order naming another book’s chapters, a chapter twice or missing one', async () => {
    const eva = await signInNewWriter(env, sql, 'Eva')
    const book = await bookWithThreeChapters(eva)
    const other = await bookWithThreeChapters(eva)
    const [a, b, c] = book.ids
    const [x] = other.ids

    const cases: { fields: [string, string][]; error: string }[] = [
      // Another book's chapter in place of one of this book's.
      { fields: [...list('expected', [a, b, c]), ...list('order', [a, b, x])], error: 'outline.error.mismatch' },
      // Another book's chapter in both lists, as if this book had it.
      { fields: [...list('expected', [a, b, c, x]), ...list('order', [x, a, b, c])], error: 'outline.error.foreign' },
      { fields: [...list('expected', [a, b, c]), ...list('order', [a, a, b])], error: 'outline.error.duplicate' },
      { fields: [...list('expected', [a, b, c]), ...list('order', [a, a, b, c])], error: 'outline.error.duplicate' },
      { fields: [...list('expected', [a, b, c]), ...list('order', [c, a])], error: 'outline.error.mismatch' },
      { fields: [...list('expected', [a, b, c]), ['move', `${x}:up`]], error: 'outline.error.mismatch' },
      { fields: [...list('expected', [a, b, c]), ['order', 'not-a-chapter']], error: 'outline.error.invalid' },
      { fields: [...list('expected', [a, b, c]), ['move', `${a}:sideways`]], error: 'outline.error.invalid' },
      { fields: list('order', [c, b, a]), error: 'outline.error.invalid' },
      { fields: list('expected', [a, b, c]), error: 'outline.error.invalid' },
    ]
    for (const { fields, error } of cases) {
      const refused = await reorder(book, fields, eva.cookie)
      expect({ status: refused.status, error: (await refused.json()).error }).toEqual({ status: 400, error })
    }
    const duplicate = await reorder(book, [...list('expected', [a, b, c]), ...list('order', [a, a, b])], eva.cookie)
    expect((await duplicate.json()).message).toBe('A nova ordem repete um capítulo. Recarregue a página e tente de novo.')
    expect(await order(book.bookId)).toEqual([a, b, c])
    expect(await order(other.bookId)).toEqual(other.ids)
  })
})
