// The provider module acting as real accounts: the owner saves fields and a key, the key
// ends up only in Vault, a writer of the same workspace and another workspace's owner can
// neither see nor change it, and deleting removes the secret.
import { randomUUID } from 'node:crypto'
import { closeDb, withUser } from '~/utils/db.server.ts'
import { createWriter, testSql } from '../books/test-writer.ts'
import {
  AiProviderError, deleteProvider, getAiSettings, saveProvider, storeProviderKey,
} from './providers.server.ts'
import { ProviderFormSchema } from './schema.ts'

const sql = testSql()
afterAll(async () => {
  await sql.end()
  await closeDb()
})

const form = (apiKey = '') =>
  ProviderFormSchema.parse({ kind: 'openai_compatible', baseUrl: 'https://llm.example.com/v1', chatModel: 'chat-large', embedModel: 'embed-small', apiKey })

async function joinAs(workspaceId: string, userId: string, role: 'admin' | 'writer') {
  await sql`insert into public.memberships (tenant_id, user_id, role) values (${workspaceId}, ${userId}, ${role})`
}

describe('AI providers', () => {
  it('the owner saves a provider and a key; the key is only in Vault, the page sees its last 4', async () => {
    const ana = await createWriter(sql, 'Ana')
    const canary = `sk-canary-${randomUUID()}`
    const claims = { sub: ana.id, role: 'authenticated' }
    const saved = await saveProvider({ claims, workspaceId: ana.workspaceId, form: form(canary) })
    expect(saved).toEqual({ keyLast4: canary.slice(-4) })

    const [vault] = await sql`
      select d.decrypted_secret from public.ai_providers p join vault.decrypted_secrets d on d.id = p.key_secret_id
      where p.tenant_id = ${ana.workspaceId}`
    expect(vault.decrypted_secret).toBe(canary)

    const settings = await ana.act((tx) => getAiSettings({ tx, workspaceId: ana.workspaceId }))
    expect(settings.provider).toMatchObject({ kind: 'openai_compatible', chatModel: 'chat-large', keyLast4: canary.slice(-4) })
    expect(settings.audit.map((entry) => entry.action)).toEqual(['key_set', 'provider_created'])
    expect(settings.audit[0]).toMatchObject({ actorName: 'Ana', keyLast4: canary.slice(-4) })
    expect(JSON.stringify(settings)).not.toContain(canary)

    // Rotating keeps the same Vault secret with the new key
    const rotated = `sk-rotated-${randomUUID()}`
    expect(await storeProviderKey({ claims, workspaceId: ana.workspaceId, apiKey: rotated })).toBe(rotated.slice(-4))
    const [after] = await sql`
      select d.decrypted_secret from public.ai_providers p join vault.decrypted_secrets d on d.id = p.key_secret_id
      where p.tenant_id = ${ana.workspaceId}`
    expect(after.decrypted_secret).toBe(rotated)

    // Deleting removes the secret
    const [{ key_secret_id: secretId }] = await sql`select key_secret_id from public.ai_providers where tenant_id = ${ana.workspaceId}`
    expect(await ana.act((tx) => deleteProvider({ tx, workspaceId: ana.workspaceId }))).toBe(true)
    expect(await sql`select 1 from vault.secrets where id = ${secretId}`).toHaveLength(0)
    const afterDelete = await ana.act((tx) => getAiSettings({ tx, workspaceId: ana.workspaceId }))
    expect(afterDelete.provider).toBeNull()
    expect(afterDelete.audit[0].action).toBe('provider_deleted')
  })

  it('a writer of the workspace sees only the status and can change nothing', async () => {
    const ana = await createWriter(sql, 'Ana')
    const wes = await createWriter(sql, 'Wes')
    await joinAs(ana.workspaceId, wes.id, 'writer')
    await saveProvider({ claims: { sub: ana.id, role: 'authenticated' }, workspaceId: ana.workspaceId, form: form('sk-owner-key-12345678') })

    const seen = await wes.act((tx) => getAiSettings({ tx, workspaceId: ana.workspaceId }))
    expect(seen).toEqual({
      canManage: false, provider: null, audit: [],
      status: { hasOwnProvider: true, ownKeySet: true, chatModel: 'chat-large', embedModel: 'embed-small', plan: 'free', platformAllowed: false },
    })
    const wesClaims = { sub: wes.id, role: 'authenticated' }
    await expect(saveProvider({ claims: wesClaims, workspaceId: ana.workspaceId, form: form() })).rejects.toMatchObject({ code: 'forbidden', status: 403 })
    await expect(storeProviderKey({ claims: wesClaims, workspaceId: ana.workspaceId, apiKey: 'sk-writer-key-12345678' }))
      .rejects.toBeInstanceOf(AiProviderError)
    await expect(wes.act((tx) => deleteProvider({ tx, workspaceId: ana.workspaceId }))).rejects.toMatchObject({ code: 'forbidden' })
    const [row] = await sql`select key_last4 from public.ai_providers where tenant_id = ${ana.workspaceId}`
    expect(row.key_last4).toBe('5678')
  })

  it('an admin manages the provider too', async () => {
    const ana = await createWriter(sql, 'Ana')
    const davi = await createWriter(sql, 'Davi')
    await joinAs(ana.workspaceId, davi.id, 'admin')
    await saveProvider({ claims: { sub: davi.id, role: 'authenticated' }, workspaceId: ana.workspaceId, form: form('sk-admin-key-87654321') })
    const seen = await davi.act((tx) => getAiSettings({ tx, workspaceId: ana.workspaceId }))
    expect(seen.provider?.keyLast4).toBe('4321')
  })

  it("another workspace's owner learns nothing and changes nothing", async () => {
    const ana = await createWriter(sql, 'Ana')
    const bruno = await createWriter(sql, 'Bruno')
    await saveProvider({ claims: { sub: ana.id, role: 'authenticated' }, workspaceId: ana.workspaceId, form: form('sk-owner-key-12345678') })
    const seen = await bruno.act((tx) => getAiSettings({ tx, workspaceId: ana.workspaceId }))
    expect(seen).toEqual({ canManage: false, provider: null, status: null, audit: [] })
    await expect(storeProviderKey({ claims: { sub: bruno.id, role: 'authenticated' }, workspaceId: ana.workspaceId, apiKey: 'sk-bruno-key-12345678' }))
      .rejects.toMatchObject({ code: 'forbidden' })
  })

  it('a key cannot be stored before the provider exists', async () => {
    const ana = await createWriter(sql, 'Ana')
    await expect(storeProviderKey({ claims: { sub: ana.id, role: 'authenticated' }, workspaceId: ana.workspaceId, apiKey: 'sk-early-key-12345678' }))
      .rejects.toMatchObject({ code: 'not_found', status: 404 })
    expect(await withUser({ sub: ana.id, role: 'authenticated' }, (tx) => tx`select 1 from public.ai_providers`)).toHaveLength(0)
  })
})
