// The autosave route's GET: the chapter's latest version and content, which the editor asks
// for after a conflict (to load the latest text) or after a save whose answer was lost.
// Only for the chapter's own workspace; a signed-out request gets 401, not the sign-in page.
import postgres from 'postgres'
import { inject } from 'vitest'
import { formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action as saveAction, loader as latestLoader } from './w.$workspaceId.b.$bookId.c.$chapterId.save.tsx'
import { action as createBookAction } from './w.$workspaceId._index.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

const doc = (text: string) => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] })

describe('the latest text of a chapter', () => {
  it('answers the chapter’s version and content to its writer only', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    const bruno = await signInNewWriter(env, sql, 'Bruno')
    const created = await respond(
      createBookAction({ request: formPost(`/w/${ana.workspaceId}`, { title: 'Memórias', language: 'pt-BR', genre: '' }, ana.cookie), params: { workspaceId: ana.workspaceId }, context: {} }),
    )
    const [, bookId, chapterId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '') ?? []
    const path = `/w/${ana.workspaceId}/b/${bookId}/c/${chapterId}/save`
    const params = { workspaceId: ana.workspaceId, bookId, chapterId }
    const save = new Request(`http://localhost:3000${path}`, {
      method: 'POST',
      body: JSON.stringify({ expectedVersion: 1, content: doc('Ao verme que primeiro roeu.') }),
      headers: { cookie: ana.cookie, origin: 'http://localhost:3000', 'content-type': 'application/json' },
    })
    expect((await respond(saveAction({ request: save, params, context: {} }))).status).toBe(200)

    const latest = await respond(latestLoader({ request: get(path, ana.cookie), params, context: {} }))
    expect(latest.status).toBe(200)
    expect(latest.headers.get('cache-control')).toBe('no-store')
    expect(await latest.json()).toEqual({ version: 2, content: doc('Ao verme que primeiro roeu.') })

    expect((await respond(latestLoader({ request: get(path, bruno.cookie), params, context: {} }))).status).toBe(404)
    expect((await respond(latestLoader({ request: get(path, ''), params, context: {} }))).status).toBe(401)
    expect((await respond(latestLoader({ request: get(path, ana.cookie), params: { ...params, bookId: crypto.randomUUID() }, context: {} }))).status).toBe(404)
  })
})
