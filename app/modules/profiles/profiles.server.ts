// The signed-in user's own profile (display name, language, last workspace).
import type { Tx } from '~/utils/db.server.ts'
import type { Locale } from '~/utils/i18n.ts'

export type Profile = { id: string; displayName: string; locale: Locale | null; lastTenantId: string | null }

export async function getOwnProfile({ tx }: { tx: Tx }): Promise<Profile | null> {
  const rows = await tx<Profile[]>`
    select id, display_name as "displayName", locale, last_tenant_id as "lastTenantId"
    from public.profiles where id = (select auth.uid())`
  return rows[0] ?? null
}

export async function updateOwnProfile({ tx, displayName, locale }: { tx: Tx; displayName: string; locale: Locale | null }) {
  await tx`update public.profiles set display_name = ${displayName}, locale = ${locale} where id = (select auth.uid())`
}

export async function rememberWorkspace({ tx, workspaceId }: { tx: Tx; workspaceId: string }) {
  await tx`update public.profiles set last_tenant_id = ${workspaceId}
    where id = (select auth.uid()) and last_tenant_id is distinct from ${workspaceId}`
}

export async function setOwnLocale({ tx, locale }: { tx: Tx; locale: Locale }) {
  await tx`update public.profiles set locale = ${locale} where id = (select auth.uid())`
}
