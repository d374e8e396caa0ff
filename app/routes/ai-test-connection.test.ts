// "Test connection" on Settings → AI provider through the app's action, the local stack's
// /functions/v1/ai-models and the fake OpenAI provider: the owner sees the key's models (and
// which chosen model is missing), an invalid key reads as such in the writer's language, a
// writer is refused, and no response carries the key.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { inject } from 'vitest'
import { startFakeOpenAI, type RunningFakeOpenAI } from '../../tests/fakes/fake-openai.server.ts'
import { DEFAULT_API_KEY } from '../../tests/fakes/fake-openai.ts'
import { formPost, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action } from './w.$workspaceId.settings_.ai.tsx'

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
const page = (workspaceId: string) => `/w/${workspaceId}/settings/ai`

async function post(writer: Writer, workspaceId: string, body: Record<string, string>) {
  const response = await respond(action({ request: formPost(page(workspaceId), body, writer.cookie), params: { workspaceId }, context: {} }))
  return { status: response.status, text: await response.text() }
}

const provider = (apiKey: string, embedModel = 'text-embedding-3-small') => ({
  kind: 'openai_compatible', baseUrl: fake.url, chatModel: 'gpt-4o-mini', embedModel, apiKey,
})

describe('Settings → AI provider → Test connection', () => {
  it('the owner tests the saved provider and sees its models; a missing chosen model is flagged', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    expect((await post(ana, ana.workspaceId, provider(DEFAULT_API_KEY, 'embed-that-does-not-exist'))).status).toBe(200)
    const tested = await post(ana, ana.workspaceId, { intent: 'test' })
    expect(tested.status, tested.text).toBe(200)
    const body = JSON.parse(tested.text)
    expect(body.status).toBe('tested')
    expect(body.test.models).toContain('gpt-4o-mini')
    expect(body.test.models).toContain('text-embedding-3-small')
    expect(body.test).toMatchObject({ chatModelFound: true, embedModelFound: false })
    expect(tested.text).not.toContain(DEFAULT_API_KEY)
    expect(fake.fake.calls.some((call) => call.endpoint === 'models' && call.auth.accepted)).toBe(true)
  }, 30_000)

  it('an invalid key is answered with a message in the writer\'s language, never the key', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    const canary = `sk-canary-${randomUUID()}`
    await post(ana, ana.workspaceId, provider(canary))
    const tested = await post(ana, ana.workspaceId, { intent: 'test' })
    expect(tested.status).toBe(502)
    expect(JSON.parse(tested.text)).toMatchObject({ status: 'invalid', error: 'ai.test.error.invalid_key' })
    expect(tested.text).not.toContain(canary)
    expect(tested.text).not.toContain(canary.slice(-12))
  }, 30_000)

  it('without a saved provider the owner is told to save one; a writer is refused; a stranger gets 404', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    const none = await post(ana, ana.workspaceId, { intent: 'test' })
    expect(JSON.parse(none.text)).toMatchObject({ error: 'ai.test.error.no_provider' })

    await post(ana, ana.workspaceId, provider(DEFAULT_API_KEY))
    const wes = await signInNewWriter(env, sql, 'Wes')
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${ana.workspaceId}, ${wes.id}, 'writer')`
    const refused = await post(wes, ana.workspaceId, { intent: 'test' })
    expect(refused.status).toBe(403)
    expect(refused.text).not.toContain('gpt-4o-mini')

    const sam = await signInNewWriter(env, sql, 'Sam')
    expect((await post(sam, ana.workspaceId, { intent: 'test' })).status).toBe(404)
  }, 30_000)
})
