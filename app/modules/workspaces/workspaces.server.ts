// Workspace questions, each run inside the caller's scoped transaction (RLS decides).
import type { Tx } from '~/utils/db.server.ts'
import type { Role } from './schema.ts'

export type Plan = 'free' | 'pro' | 'team'
export type WorkspaceSummary = { id: string; name: string; personal: boolean; plan: Plan; role: Role }
export type Member = { userId: string; displayName: string; role: Role }

export async function listWorkspaces({ tx }: { tx: Tx }): Promise<WorkspaceSummary[]> {
  return tx<WorkspaceSummary[]>`
    select t.id, t.name, t.personal, t.plan, m.role
    from public.tenants t
    join public.memberships m on m.tenant_id = t.id and m.user_id = (select auth.uid())
    order by t.personal desc, lower(t.name)`
}

export async function getWorkspace({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<WorkspaceSummary | null> {
  const rows = await tx<WorkspaceSummary[]>`
    select t.id, t.name, t.personal, t.plan, m.role
    from public.tenants t
    join public.memberships m on m.tenant_id = t.id and m.user_id = (select auth.uid())
    where t.id = ${workspaceId}`
  return rows[0] ?? null
}

export async function listMembers({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<Member[]> {
  // Workspace mates see each other's names through this view, never each other's settings.
  return tx<Member[]>`
    select m.user_id as "userId", coalesce(m.display_name, '—') as "displayName", m.role
    from public.workspace_members m
    where m.tenant_id = ${workspaceId}
    order by case m.role when 'owner' then 0 when 'admin' then 1 else 2 end, lower(m.display_name)`
}

export async function createWorkspace({ tx, name }: { tx: Tx; name: string }): Promise<string> {
  const [row] = await tx<{ id: string }[]>`select public.create_workspace(${name}) as id`
  return row.id
}

/** False when the caller may not rename it (RLS hides the row from the update). */
export async function renameWorkspace({ tx, workspaceId, name }: { tx: Tx; workspaceId: string; name: string }): Promise<boolean> {
  const result = await tx`update public.tenants set name = ${name} where id = ${workspaceId}`
  return result.count === 1
}
