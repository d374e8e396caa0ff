// A chapter's history through the app: save a labelled version, compare it with now,
// restore it (the text it replaces is kept), and nothing of another workspace is reachable.
import postgres from 'postgres'
import { inject } from 'vitest'
import { formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action as historyAction, loader as historyLoader } from './w.$workspaceId.b.$bookId.c.$chapterId_.history.tsx'
import { action as saveAction } from './w.$workspaceId.b.$bookId.c.$chapterId.save.tsx'
import { action as createBookAction } from './w.$workspaceId._index.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

const doc = (text: string) => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] })

describe('chapter history', () => {
  it('saves a labelled version, shows a word diff and restores without losing the current text', async () => {
    const writer = await signInNewWriter(env, sql, 'Helena')
    const created = await respond(createBookAction({ request: formPost(`/w/${writer.workspaceId}`, { title: 'Helena', language: 'pt-BR', genre: '' }, writer.cookie), params: { workspaceId: writer.workspaceId }, context: {} }))
    const [, bookId, chapterId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '') ?? []
    const params = { workspaceId: writer.workspaceId, bookId, chapterId }
    const base = `/w/${writer.workspaceId}/b/${bookId}/c/${chapterId}`
    const save = (expectedVersion: number, text: string) =>
      respond(saveAction({ request: new Request(`http://localhost:3000${base}/save`, { method: 'POST', body: JSON.stringify({ expectedVersion, content: doc(text) }), headers: { cookie: writer.cookie, 'content-type': 'application/json' } }), params, context: {} }))

    await save(1, 'Helena chegou cedo.')
    const snap = await respond(historyAction({ request: formPost(`${base}/history`, { intent: 'snapshot', label: 'rascunho' }, writer.cookie), params, context: {} }))
    expect(snap.status).toBe(302)
    await save(2, 'Helena chegou tarde.')

    const page = await respond(historyLoader({ request: get(`${base}/history`, writer.cookie), params, context: {} }))
    const { versions } = await page.json()
    const draft = versions.find((v: { label: string | null }) => v.label === 'rascunho')
    expect(draft).toBeDefined()
    const compared = await (await respond(historyLoader({ request: get(`${base}/history?compare=${draft.id}`, writer.cookie), params, context: {} }))).json()
    expect(compared.diff.parts).toEqual(
      expect.arrayContaining([expect.objectContaining({ value: 'cedo', removed: true }), expect.objectContaining({ value: 'tarde', added: true })]),
    )

    // Two versions against each other: the draft and a later one, whatever the chapter says now.
    const revised = await respond(historyAction({ request: formPost(`${base}/history`, { intent: 'snapshot', label: 'revisado' }, writer.cookie), params, context: {} }))
    expect(revised.status).toBe(302)
    await save(3, 'Helena não veio.')
    const later = (await (await respond(historyLoader({ request: get(`${base}/history`, writer.cookie), params, context: {} }))).json()).versions.find(
      (v: { label: string | null }) => v.label === 'revisado',
    )
    const between = await (await respond(historyLoader({ request: get(`${base}/history?compare=${draft.id}&with=${later.id}`, writer.cookie), params, context: {} }))).json()
    expect(between.diff.withVersionId).toBe(later.id)
    expect(between.diff.parts.map((p: { value: string }) => p.value).join('')).not.toContain('não veio')
    expect(between.diff.parts).toEqual(
      expect.arrayContaining([expect.objectContaining({ value: 'cedo', removed: true }), expect.objectContaining({ value: 'tarde', added: true })]),
    )

    const restored = await respond(historyAction({ request: formPost(`${base}/history`, { intent: 'restore', versionId: draft.id }, writer.cookie), params, context: {} }))
    expect(restored.status).toBe(302)
    const [chapter] = await sql`select plain_text from public.chapters where id = ${chapterId}`
    expect(chapter.plain_text).toBe('Helena chegou cedo.')
    const kept = await sql`select kind from public.chapter_versions where chapter_id = ${chapterId} and plain_text = 'Helena não veio.'`
    expect(kept.map((v) => v.kind)).toContain('before_restore')

    const stranger = await signInNewWriter(env, sql, 'Estranho')
    expect((await respond(historyLoader({ request: get(`${base}/history`, stranger.cookie), params, context: {} }))).status).toBe(404)
    expect((await respond(historyAction({ request: formPost(`${base}/history`, { intent: 'restore', versionId: draft.id }, stranger.cookie), params, context: {} }))).status).toBe(404)
    // A version of another workspace's chapter is not there to compare with: the page compares with now.
    const strangerBook = await respond(createBookAction({ request: formPost(`/w/${stranger.workspaceId}`, { title: 'Outro', language: 'pt-BR', genre: '' }, stranger.cookie), params: { workspaceId: stranger.workspaceId }, context: {} }))
    const [, sBookId, sChapterId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(strangerBook.headers.get('location') ?? '') ?? []
    const sParams = { workspaceId: stranger.workspaceId, bookId: sBookId, chapterId: sChapterId }
    const sBase = `/w/${stranger.workspaceId}/b/${sBookId}/c/${sChapterId}`
    await respond(historyAction({ request: formPost(`${sBase}/history`, { intent: 'snapshot', label: 'meu' }, stranger.cookie), params: sParams, context: {} }))
    const [own] = await sql`select id from public.chapter_versions where chapter_id = ${sChapterId}`
    const probe = await (await respond(historyLoader({ request: get(`${sBase}/history?compare=${own.id}&with=${later.id}`, stranger.cookie), params: sParams, context: {} }))).json()
    expect(probe.diff.withVersionId).toBeNull()
    expect(JSON.stringify(probe)).not.toContain('Helena')
  })
})
