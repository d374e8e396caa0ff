// Test helper for the writing modules: a confirmed account on the test stack, its personal
// workspace, and a way to act as it through the app's own withUser.
import postgres from 'postgres'
import { inject } from 'vitest'
import { createConfirmedUser } from '../../../tests/helpers/app-requests.ts'
import { withUser, type Tx } from '~/utils/db.server.ts'

const env = inject('stackEnv')

export type TestWriter = { id: string; workspaceId: string; act: <T>(work: (tx: Tx) => Promise<T>) => Promise<T> }

export async function createWriter(sql: postgres.Sql, name = 'Writer'): Promise<TestWriter> {
  const user = await createConfirmedUser(env, name)
  const [row] = await sql<{ id: string }[]>`
    select t.id from public.tenants t join public.memberships m on m.tenant_id = t.id
    where m.user_id = ${user.id} and t.personal`
  return {
    id: user.id,
    workspaceId: row.id,
    act: (work) => withUser({ sub: user.id, role: 'authenticated' }, work),
  }
}

export function testSql(): postgres.Sql {
  return postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
}
