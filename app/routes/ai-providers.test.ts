// Settings → AI provider through the app's own loader and action: the owner saves a provider
// and a key, the key lands in Vault and in no response; a writer of the workspace is refused,
// another workspace gets 404, bad input gets 400 with a message in the writer's language.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { inject } from 'vitest'
import { formPost, get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import { action, loader } from './w.$workspaceId.settings_.ai.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

type Writer = Awaited<ReturnType<typeof signInNewWriter>>
const signIn = (name: string) => signInNewWriter(env, sql, name)
const page = (workspaceId: string) => `/w/${workspaceId}/settings/ai`

const fields = (apiKey = '') => ({ kind: 'openai_compatible', baseUrl: 'https://llm.example.com/v1', chatModel: 'chat-large', embedModel: 'embed-small', apiKey })

async function post(writer: Writer, workspaceId: string, body: Record<string, string>) {
  const response = await respond(action({ request: formPost(page(workspaceId), body, writer.cookie), params: { workspaceId }, context: {} }))
  return { status: response.status, text: await response.text() }
}

async function open(writer: Writer, workspaceId: string) {
  const response = await respond(loader({ request: get(page(workspaceId), writer.cookie), params: { workspaceId }, context: {} }))
  return { status: response.status, text: await response.text() }
}

async function vaultKeyOf(workspaceId: string): Promise<string | null> {
  const rows = await sql<{ decrypted_secret: string }[]>`
    select d.decrypted_secret from public.ai_providers p join vault.decrypted_secrets d on d.id = p.key_secret_id
    where p.tenant_id = ${workspaceId}`
  return rows[0]?.decrypted_secret ?? null
}

describe('Settings → AI provider', () => {
  it('the owner saves a provider with a key: it is in Vault only, and the page shows its last 4', async () => {
    const ana = await signIn('Ana')
    const canary = `sk-canary-${randomUUID()}`
    const saved = await post(ana, ana.workspaceId, fields(canary))
    expect(saved.status).toBe(200)
    expect(saved.text).not.toContain(canary)
    expect(JSON.parse(saved.text)).toMatchObject({ status: 'saved', keyLast4: canary.slice(-4) })
    expect(await vaultKeyOf(ana.workspaceId)).toBe(canary)

    const shown = await open(ana, ana.workspaceId)
    expect(shown.status).toBe(200)
    expect(shown.text).not.toContain(canary)
    expect(shown.text).not.toContain(canary.slice(0, -4))
    const { settings } = JSON.parse(shown.text)
    expect(settings.provider).toMatchObject({ kind: 'openai_compatible', baseUrl: 'https://llm.example.com/v1', keyLast4: canary.slice(-4) })
    expect(settings.provider).not.toHaveProperty('keySecretId')
    expect(settings.audit.map((entry: { action: string }) => entry.action)).toEqual(['key_set', 'provider_created'])

    // Saving again without a key keeps it; a new key rotates it
    expect((await post(ana, ana.workspaceId, { ...fields(), chatModel: 'chat-medium' })).status).toBe(200)
    expect(await vaultKeyOf(ana.workspaceId)).toBe(canary)
    const rotated = `sk-rotated-${randomUUID()}`
    const rotation = await post(ana, ana.workspaceId, fields(rotated))
    expect(rotation.text).not.toContain(rotated)
    expect(await vaultKeyOf(ana.workspaceId)).toBe(rotated)

    // Delete removes the provider and its secret
    const [{ key_secret_id: secretId }] = await sql`select key_secret_id from public.ai_providers where tenant_id = ${ana.workspaceId}`
    const deleted = await post(ana, ana.workspaceId, { intent: 'delete' })
    expect(JSON.parse(deleted.text)).toMatchObject({ status: 'deleted' })
    expect(await sql`select 1 from vault.secrets where id = ${secretId}`).toHaveLength(0)
    expect((await post(ana, ana.workspaceId, { intent: 'delete' })).status).toBe(404)
  })

  it('a writer of the workspace sees only whether AI is available, and cannot change anything (403)', async () => {
    const ana = await signIn('Ana')
    const wes = await signIn('Wes')
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${ana.workspaceId}, ${wes.id}, 'writer')`
    const canary = `sk-canary-${randomUUID()}`
    await post(ana, ana.workspaceId, fields(canary))

    const shown = await open(wes, ana.workspaceId)
    expect(shown.status).toBe(200)
    expect(shown.text).not.toContain(canary.slice(-12))
    expect(JSON.parse(shown.text).settings).toMatchObject({ canManage: false, provider: null, audit: [], status: { hasOwnProvider: true } })
    expect(shown.text).not.toContain('llm.example.com')

    const attempt = await post(wes, ana.workspaceId, fields(`sk-writer-${randomUUID()}`))
    expect(attempt.status).toBe(403)
    expect((await post(wes, ana.workspaceId, { intent: 'delete' })).status).toBe(403)
    expect(await vaultKeyOf(ana.workspaceId)).toBe(canary)
  })

  it("another workspace's member gets 404 and changes nothing", async () => {
    const ana = await signIn('Ana')
    const bruno = await signIn('Bruno')
    const canary = `sk-canary-${randomUUID()}`
    await post(ana, ana.workspaceId, fields(canary))
    expect((await open(bruno, ana.workspaceId)).status).toBe(404)
    expect((await post(bruno, ana.workspaceId, fields(`sk-bruno-${randomUUID()}`))).status).toBe(404)
    expect((await post(bruno, ana.workspaceId, { intent: 'delete' })).status).toBe(404)
    expect((await open(bruno, 'not-a-uuid')).status).toBe(404)
    expect(await vaultKeyOf(ana.workspaceId)).toBe(canary)
  })

  it('bad input is refused with 400 and a message, never echoing the key', async () => {
    const ana = await signIn('Ana')
    const badKey = 'sk-bad key-with-space-123'
    const refused = await post(ana, ana.workspaceId, fields(badKey))
    expect(refused.status).toBe(400)
    expect(refused.text).not.toContain('bad key')
    expect(JSON.parse(refused.text)).toMatchObject({ fieldErrors: { apiKey: 'ai.providers.error.keyChars' }, values: { chatModel: 'chat-large' } })
    expect(JSON.parse(refused.text).values).not.toHaveProperty('apiKey')

    const http = await post(ana, ana.workspaceId, { ...fields(), baseUrl: 'http://llm.example.com/v1' })
    expect(http.status).toBe(400)
    expect(JSON.parse(http.text).fieldErrors).toEqual({ baseUrl: 'ai.providers.error.baseUrlHttp' })

    const noModel = await post(ana, ana.workspaceId, { ...fields(), chatModel: '' })
    expect(JSON.parse(noModel.text).fieldErrors).toEqual({ chatModel: 'ai.providers.error.modelRequired' })
    expect(await sql`select 1 from public.ai_providers where tenant_id = ${ana.workspaceId}`).toHaveLength(0)
  })
})
