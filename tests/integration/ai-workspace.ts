// The setup the AI functions' integration tests share: the fake OpenAI provider served from
// this process, and a new owner whose personal workspace has one book and its own provider
// (the fake, its key in Vault) for both chat and embeddings.
import postgres from 'postgres'
import { createTestUser, type TestUser } from '../../supabase/local/storage/test-tokens.ts'
import { startFakeOpenAI, type RunningFakeOpenAI } from '../fakes/fake-openai.server.ts'
import { DEFAULT_API_KEY } from '../fakes/fake-openai.ts'

export type AiWorkspace = {
  sql: postgres.Sql
  fake: RunningFakeOpenAI
  owner: TestUser
  tenantId: string
  bookId: string
  providerId: string
}

export async function startAiWorkspace(dbUrl: string, bookTitle: string): Promise<AiWorkspace> {
  const sql = postgres(dbUrl, { prepare: false, max: 2, onnotice: () => {} })
  const fake = await startFakeOpenAI()
  const owner = await createTestUser(sql, 'Owner')
  const [{ id: tenantId }] = await sql<{ id: string }[]>`select id from public.tenants where personal and created_by = ${owner.id}`
  const [{ id: bookId }] = await sql<{ id: string }[]>`
    insert into public.books (tenant_id, title, language) values (${tenantId}, ${bookTitle}, 'pt-BR') returning id`
  const [{ id: providerId }] = await sql<{ id: string }[]>`
    insert into public.ai_providers (tenant_id, kind, base_url, chat_model, embed_model)
    values (${tenantId}, 'openai_compatible', ${fake.url}, 'gpt-4o-mini', 'text-embedding-3-small') returning id`
  await sql`select private.store_provider_key(${providerId}, ${DEFAULT_API_KEY}, ${owner.id})`
  return { sql, fake, owner, tenantId, bookId, providerId }
}

/** Removes the workspace and its owner, stops the fake and closes the connection. */
export async function stopAiWorkspace({ sql, fake, owner, tenantId }: Pick<AiWorkspace, 'sql' | 'fake' | 'owner' | 'tenantId'>): Promise<void> {
  await sql`delete from public.tenants where id = ${tenantId}`
  await sql`delete from auth.users where id = ${owner.id}`
  await fake?.stop()
  await sql?.end({ timeout: 1 })
}
