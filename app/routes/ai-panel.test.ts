// What the chapter page tells its AI panel, read under the caller's RLS: whether the
// workspace has AI (own provider with a key, or a plan allowing the platform's), whether the
// caller may fix the settings, and the stored summary of exactly this chapter version.
import postgres from 'postgres'
import { inject } from 'vitest'
import { formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { loader as chapterLoader } from './w.$workspaceId.b.$bookId.c.$chapterId.tsx'
import { action as createBookAction } from './w.$workspaceId._index.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

const signIn = (name: string) => signInNewWriter(env, sql, name)
type Writer = Awaited<ReturnType<typeof signIn>>

async function newChapter(owner: Writer) {
  const created = await respond(
    createBookAction({ request: formPost(`/w/${owner.workspaceId}`, { title: 'Esaú e Jacó', language: 'pt-BR', genre: '' }, owner.cookie), params: { workspaceId: owner.workspaceId }, context: {} }),
  )
  const [, bookId, chapterId] = /\/b\/([0-9a-f-]{36})\/c\/([0-9a-f-]{36})$/.exec(created.headers.get('location') ?? '') ?? []
  return { params: { workspaceId: owner.workspaceId, bookId, chapterId }, path: `/w/${owner.workspaceId}/b/${bookId}/c/${chapterId}` }
}

async function panelInfo(writer: Writer, chapter: Awaited<ReturnType<typeof newChapter>>) {
  const page = await respond(chapterLoader({ request: get(chapter.path, writer.cookie), params: chapter.params, context: {} }))
  expect(page.status).toBe(200)
  const text = await page.text()
  return { ai: JSON.parse(text).ai, text }
}

describe('the chapter page’s AI panel information', () => {
  it('says AI is unavailable without a provider on the free plan, and available with a keyed provider or a paid plan', async () => {
    const ana = await signIn('Ana')
    const chapter = await newChapter(ana)
    expect((await panelInfo(ana, chapter)).ai).toEqual({ available: false, canManage: true, summary: null })

    await sql`update public.tenants set plan = 'pro' where id = ${ana.workspaceId}`
    expect((await panelInfo(ana, chapter)).ai.available).toBe(true)

    await sql`update public.tenants set plan = 'free' where id = ${ana.workspaceId}`
    const [provider] = await sql`
      insert into public.ai_providers (tenant_id, kind, base_url, chat_model, embed_model)
      values (${ana.workspaceId}, 'openai_compatible', 'https://llm.example.com/v1', 'gpt-4o-mini', 'text-embedding-3-small') returning id`
    // A provider without a key cannot answer yet.
    expect((await panelInfo(ana, chapter)).ai.available).toBe(false)
    await sql`select private.store_provider_key(${provider.id}, 'sk-panel-0000000000', ${ana.id})`
    const { ai, text } = await panelInfo(ana, chapter)
    expect(ai.available).toBe(true)
    expect(text).not.toContain('sk-panel-0000000000')
    expect(text).not.toContain('llm.example.com')
  })

  it('shows the stored summary of this chapter version only, to every member; writers cannot manage AI', async () => {
    const bia = await signIn('Bia')
    const wes = await signIn('Wes')
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${bia.workspaceId}, ${wes.id}, 'writer')`
    const chapter = await newChapter(bia)
    const [{ version }] = await sql`select version from public.chapters where id = ${chapter.params.chapterId}`
    await sql`
      insert into public.chapter_summaries (chapter_id, tenant_id, book_id, summary, chapter_version, model)
      values (${chapter.params.chapterId}, ${bia.workspaceId}, ${chapter.params.bookId}, 'Jacó e Esaú brigam no ventre.', ${version}, 'gpt-4o-mini')`

    const owner = (await panelInfo(bia, chapter)).ai
    expect(owner.summary).toMatchObject({ summary: 'Jacó e Esaú brigam no ventre.', chapterVersion: version, model: 'gpt-4o-mini' })
    const writer = (await panelInfo(wes, chapter)).ai
    expect(writer).toMatchObject({ canManage: false, summary: { summary: 'Jacó e Esaú brigam no ventre.' } })

    // The chapter moved on: the summary describes an older text and is not shown as current.
    await sql`update public.chapters set version = version + 1 where id = ${chapter.params.chapterId}`
    expect((await panelInfo(bia, chapter)).ai.summary).toBeNull()
  })

  it('gives another workspace’s member a 404, not the panel information', async () => {
    const caio = await signIn('Caio')
    const dora = await signIn('Dora')
    const chapter = await newChapter(caio)
    const page = await respond(chapterLoader({ request: get(chapter.path, dora.cookie), params: chapter.params, context: {} }))
    expect(page.status).toBe(404)
  })
})
