// The onboarding wizard through its loader and action, with the local stack (and its
// /functions/v1/ai-models) and the fake OpenAI provider: each step, bad input at each step,
// skipping the key, a writer who is not an admin, dismissing, the platform option, and that
// a finished or dismissed wizard is never offered again. No response carries the key.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { inject } from 'vitest'
import { startFakeOpenAI, type RunningFakeOpenAI } from '../../tests/fakes/fake-openai.server.ts'
import { DEFAULT_API_KEY } from '../../tests/fakes/fake-openai.ts'
import { formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { loader as homeLoader } from './w.$workspaceId._index.tsx'
import { action, loader } from './w.$workspaceId.welcome.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
let fake: RunningFakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(async () => {
  await fake.stop()
  await sql.end()
})

type Writer = Awaited<ReturnType<typeof signInNewWriter>>
const path = (workspaceId: string) => `/w/${workspaceId}/welcome`

async function post(writer: Writer, workspaceId: string, body: Record<string, string>) {
  const response = await respond(action({ request: formPost(path(workspaceId), body, writer.cookie), params: { workspaceId }, context: {} }))
  return { status: response.status, location: response.headers.get('location'), text: await response.text() }
}

async function wizard(writer: Writer, workspaceId: string) {
  const response = await respond(loader({ request: get(path(workspaceId), writer.cookie), params: { workspaceId }, context: {} }))
  const text = await response.text()
  return { status: response.status, location: response.headers.get('location'), text, body: response.status === 200 ? JSON.parse(text) : null }
}

async function homeOffer(writer: Writer, workspaceId: string) {
  const response = await respond(homeLoader({ request: get(`/w/${workspaceId}`, writer.cookie), params: { workspaceId }, context: {} }))
  return (JSON.parse(await response.text()) as { onboarding: unknown }).onboarding
}

async function createBookStep(writer: Writer, workspaceId = writer.workspaceId) {
  const created = await post(writer, workspaceId, { intent: 'book', title: 'O Primeiro', language: 'pt-BR', genre: '' })
  expect(created.status, created.text).toBe(302)
  expect(created.location).toBe(path(workspaceId))
  const [book] = await sql<{ id: string }[]>`select id from public.books where tenant_id = ${workspaceId} and title = 'O Primeiro'`
  const [chapter] = await sql<{ id: string }[]>`select id from public.chapters where book_id = ${book.id} order by position limit 1`
  return { bookId: book.id, chapterId: chapter.id }
}

describe('Onboarding wizard', () => {
  it('a new writer is offered it; step 1 refuses a bad book and creates a good one; the wizard resumes at step 2', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    expect(await homeOffer(ana, ana.workspaceId)).toEqual({ kind: 'start' })
    expect((await wizard(ana, ana.workspaceId)).body.state).toMatchObject({ closed: false, step: 1 })

    const empty = await post(ana, ana.workspaceId, { intent: 'book', title: '   ', language: 'pt-BR' })
    expect(empty.status).toBe(400)
    expect(JSON.parse(empty.text).fieldErrors.title).toBeTruthy()
    const badLanguage = await post(ana, ana.workspaceId, { intent: 'book', title: 'X', language: 'klingon' })
    expect(badLanguage.status).toBe(400)
    expect(Number((await sql`select count(*) from public.books where tenant_id = ${ana.workspaceId}`)[0].count)).toBe(0)

    const { bookId } = await createBookStep(ana)
    // Leaving and coming back: step 2, same book; the home page offers to continue.
    expect((await wizard(ana, ana.workspaceId)).body.state).toMatchObject({ step: 2, bookId, bookTitle: 'O Primeiro' })
    expect(await homeOffer(ana, ana.workspaceId)).toEqual({ kind: 'continue', step: 2 })
  }, 30_000)

  it('asking for a step out of order or an unknown intent is a 4xx in the user\'s words, never a 500', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    for (const intent of ['finish', 'key', 'test', 'models', 'skip-key']) {
      const early = await post(ana, ana.workspaceId, { intent })
      expect(early.status, intent).toBe(409)
      expect(JSON.parse(early.text).error).toBe('onboarding.error.order')
    }
    const unknown = await post(ana, ana.workspaceId, { intent: 'hack' })
    expect(unknown.status).toBe(400)
    expect(JSON.parse(unknown.text).error).toBe('onboarding.error.intent')
    expect((await post(ana, ana.workspaceId, {})).status).toBe(400)
    await createBookStep(ana)
    expect((await post(ana, ana.workspaceId, { intent: 'book', title: 'Outro', language: 'en' })).status).toBe(409)
  }, 30_000)

  it('step 2 saves a key to Vault only (bad URL and missing key refused), step 3 tests it and saves the chosen models, finishing opens the first chapter', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    const { bookId, chapterId } = await createBookStep(ana)

    const badUrl = await post(ana, ana.workspaceId, { intent: 'key', kind: 'openai_compatible', baseUrl: 'ftp://nope', apiKey: DEFAULT_API_KEY })
    expect(badUrl.status).toBe(400)
    expect(JSON.parse(badUrl.text).fieldErrors.baseUrl).toBe('ai.providers.error.baseUrl')
    expect(badUrl.text).not.toContain(DEFAULT_API_KEY)
    const noKey = await post(ana, ana.workspaceId, { intent: 'key', kind: 'openai_compatible', baseUrl: fake.url, apiKey: '' })
    expect(noKey.status).toBe(400)
    expect(JSON.parse(noKey.text).fieldErrors.apiKey).toBe('ai.providers.error.keyRequired')
    const shortKey = await post(ana, ana.workspaceId, { intent: 'key', kind: 'openai_compatible', baseUrl: fake.url, apiKey: 'abc' })
    expect(JSON.parse(shortKey.text).fieldErrors.apiKey).toBe('ai.providers.error.keyMin')
    expect(shortKey.text).not.toContain('"abc"')

    const saved = await post(ana, ana.workspaceId, { intent: 'key', kind: 'openai_compatible', baseUrl: fake.url, apiKey: DEFAULT_API_KEY })
    expect(saved.status, saved.text).toBe(302)
    const [provider] = await sql`select key_last4, chat_model, embed_model, key_secret_id from public.ai_providers where tenant_id = ${ana.workspaceId}`
    expect(provider).toMatchObject({ key_last4: DEFAULT_API_KEY.slice(-4), chat_model: 'gpt-4o-mini', embed_model: 'text-embedding-3-small' })
    expect(provider.key_secret_id).toBeTruthy()
    const step3 = await wizard(ana, ana.workspaceId)
    expect(step3.body.state).toMatchObject({ step: 3, keyStep: 'saved' })
    expect(step3.text).not.toContain(DEFAULT_API_KEY)

    const tested = await post(ana, ana.workspaceId, { intent: 'test' })
    expect(tested.status, tested.text).toBe(200)
    const models: string[] = JSON.parse(tested.text).test.models
    expect(models).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']))
    expect(tested.text).not.toContain(DEFAULT_API_KEY)

    const badModel = await post(ana, ana.workspaceId, { intent: 'models', chatModel: 'gpt 4o', embedModel: '' })
    expect(badModel.status).toBe(400)
    expect(JSON.parse(badModel.text).fieldErrors).toMatchObject({ chatModel: 'ai.providers.error.modelChars', embedModel: 'ai.providers.error.modelRequired' })

    const chosen = await post(ana, ana.workspaceId, { intent: 'models', chatModel: 'gpt-4o', embedModel: 'text-embedding-3-large' })
    expect(chosen.status, chosen.text).toBe(302)
    expect(chosen.location).toBe(`/w/${ana.workspaceId}/b/${bookId}/c/${chapterId}`)
    const [after] = await sql`select chat_model, embed_model, key_last4 from public.ai_providers where tenant_id = ${ana.workspaceId}`
    expect(after).toMatchObject({ chat_model: 'gpt-4o', embed_model: 'text-embedding-3-large', key_last4: DEFAULT_API_KEY.slice(-4) })

    // Finished: never again, also not in a new, empty workspace.
    expect((await wizard(ana, ana.workspaceId)).location).toBe(`/w/${ana.workspaceId}`)
    expect(await homeOffer(ana, ana.workspaceId)).toBeNull()
    const [other] = await sql<{ id: string }[]>`insert into public.tenants (name, created_by) values ('Second', ${ana.id}) returning id`
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${other.id}, ${ana.id}, 'owner') on conflict do nothing`
    expect(await homeOffer(ana, other.id)).toBeNull()
  }, 60_000)

  it('skipping the key goes to step 3 with nothing to choose, and finishing opens the book', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    const { bookId, chapterId } = await createBookStep(ana)
    expect((await post(ana, ana.workspaceId, { intent: 'skip-key' })).status).toBe(302)
    expect((await wizard(ana, ana.workspaceId)).body.state).toMatchObject({ step: 3, keyStep: 'skipped' })
    expect(Number((await sql`select count(*) from public.ai_providers where tenant_id = ${ana.workspaceId}`)[0].count)).toBe(0)
    const done = await post(ana, ana.workspaceId, { intent: 'finish' })
    expect(done.location).toBe(`/w/${ana.workspaceId}/b/${bookId}/c/${chapterId}`)
  }, 30_000)

  it('a writer who is not an admin is told to ask the owner, cannot save a key or test, and can go on', async () => {
    const olga = await signInNewWriter(env, sql, 'Olga')
    const wes = await signInNewWriter(env, sql, 'Wes')
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${olga.workspaceId}, ${wes.id}, 'writer')`
    expect(await homeOffer(wes, olga.workspaceId)).toEqual({ kind: 'start' })
    await createBookStep(wes, olga.workspaceId)
    const page = await wizard(wes, olga.workspaceId)
    expect(page.body).toMatchObject({ canManage: false, provider: null })
    const refused = await post(wes, olga.workspaceId, { intent: 'key', kind: 'openai', baseUrl: '', apiKey: DEFAULT_API_KEY })
    expect(refused.status).toBe(403)
    expect(JSON.parse(refused.text).error).toBe('onboarding.key.askOwner')
    expect(Number((await sql`select count(*) from public.ai_providers where tenant_id = ${olga.workspaceId}`)[0].count)).toBe(0)
    expect((await post(wes, olga.workspaceId, { intent: 'skip-key' })).status).toBe(302)
    expect((await post(wes, olga.workspaceId, { intent: 'test' })).status).toBe(403)
    expect((await post(wes, olga.workspaceId, { intent: 'models', chatModel: 'x', embedModel: 'y' })).status).toBe(403)
    expect((await post(wes, olga.workspaceId, { intent: 'finish' })).location).toMatch(new RegExp(`^/w/${olga.workspaceId}/b/`))
    // Wes's progress is his own; Olga's workspace has a book now, so she is not offered the wizard.
    expect(await homeOffer(olga, olga.workspaceId)).toBeNull()
  }, 30_000)

  it('the platform option needs a plan that allows it', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    await createBookStep(ana)
    const free = await post(ana, ana.workspaceId, { intent: 'platform' })
    expect(free.status).toBe(409)
    expect(JSON.parse(free.text).error).toBe('onboarding.platform.notAllowed')
    await sql`update public.tenants set plan = 'pro' where id = ${ana.workspaceId}`
    expect((await wizard(ana, ana.workspaceId)).body.status.platformAllowed).toBe(true)
    expect((await post(ana, ana.workspaceId, { intent: 'platform' })).status).toBe(302)
    expect((await wizard(ana, ana.workspaceId)).body.state).toMatchObject({ step: 3, keyStep: 'platform' })
  }, 30_000)

  it('dismissing closes it for good; a stranger gets not found', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    const dismissed = await post(ana, ana.workspaceId, { intent: 'dismiss' })
    expect(dismissed).toMatchObject({ status: 302, location: `/w/${ana.workspaceId}` })
    expect(await homeOffer(ana, ana.workspaceId)).toBeNull()
    expect((await wizard(ana, ana.workspaceId)).location).toBe(`/w/${ana.workspaceId}`)
    expect((await post(ana, ana.workspaceId, { intent: 'book', title: 'Late', language: 'en' })).location).toBe(`/w/${ana.workspaceId}`)

    const sam = await signInNewWriter(env, sql, 'Sam')
    expect((await wizard(sam, ana.workspaceId)).status).toBe(404)
    expect((await post(sam, ana.workspaceId, { intent: 'dismiss' })).status).toBe(404)
    expect((await wizard(sam, randomUUID())).status).toBe(404)
    expect((await wizard(sam, 'nope')).status).toBe(404)
  }, 30_000)
})
