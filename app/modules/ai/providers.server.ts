// A workspace's own AI provider as the settings page sees it. Everything runs under the
// caller's RLS except the one step that touches the key: after RLS has shown that the caller
// is an owner or admin of the workspace (the provider row is visible to nobody else), the key
// is handed to the service-role-only private.store_provider_key, which keeps it in Vault.
// The key is never returned, logged or put in an error. See docs/decisions/015-ai-providers.md.
import { withServiceRole, withUser, type Tx, type VerifiedClaims } from '~/utils/db.server.ts'
import type { MessageKey } from '~/utils/i18n.ts'
import type { Plan } from '../workspaces/workspaces.server.ts'
import type { ProviderForm, ProviderKind } from './schema.ts'

export type ProviderSettings = {
  id: string
  kind: ProviderKind
  baseUrl: string
  chatModel: string | null
  embedModel: string | null
  /** The last 4 characters of the stored key, or null when none is stored. */
  keyLast4: string | null
  updatedAt: string
}

/** What any member may know (public.workspace_ai_status). */
export type AiStatus = {
  hasOwnProvider: boolean
  ownKeySet: boolean
  chatModel: string | null
  embedModel: string | null
  plan: Plan
  platformAllowed: boolean
}

export type AuditAction = 'provider_created' | 'provider_updated' | 'key_set' | 'key_rotated' | 'provider_deleted'

export type AuditEntry = {
  id: string
  action: AuditAction
  actorName: string | null
  keyLast4: string | null
  changed: string[]
  createdAt: string
}

export type AiSettings = { canManage: boolean; provider: ProviderSettings | null; status: AiStatus | null; audit: AuditEntry[] }

export type AiProviderErrorCode = 'forbidden' | 'not_found' | 'key_store_failed'

const ERROR: Record<AiProviderErrorCode, { status: 403 | 404 | 503; message: MessageKey }> = {
  forbidden: { status: 403, message: 'workspace.error.forbidden' },
  not_found: { status: 404, message: 'ai.providers.error.noProvider' },
  key_store_failed: { status: 503, message: 'ai.providers.error.keyStore' },
}

export class AiProviderError extends Error {
  readonly code: AiProviderErrorCode
  readonly status: 403 | 404 | 503
  readonly messageKey: MessageKey

  constructor(code: AiProviderErrorCode, detail: string) {
    super(detail)
    this.name = 'AiProviderError'
    this.code = code
    this.status = ERROR[code].status
    this.messageKey = ERROR[code].message
  }
}

export const AUDIT_LOG_LIMIT = 50

export async function canManageAi({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<boolean> {
  const [row] = await tx<{ allowed: boolean }[]>`
    select private.has_tenant_role(${workspaceId}::uuid, array['owner', 'admin']) as allowed`
  return row.allowed
}

/** The provider without its secret; null when there is none or the caller may not see it (RLS). */
export async function getProvider({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<ProviderSettings | null> {
  const rows = await tx<ProviderSettings[]>`
    select id, kind, base_url as "baseUrl", chat_model as "chatModel", embed_model as "embedModel",
           key_last4 as "keyLast4", to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "updatedAt"
    from public.ai_providers
    where tenant_id = ${workspaceId}`
  return rows[0] ?? null
}

export async function getAiStatus({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<AiStatus | null> {
  const rows = await tx<AiStatus[]>`
    select has_own_provider as "hasOwnProvider", own_key_set as "ownKeySet", chat_model as "chatModel",
           embed_model as "embedModel", plan, platform_allowed as "platformAllowed"
    from public.workspace_ai_status(${workspaceId})`
  return rows[0] ?? null
}

export async function listAuditLog({ tx, workspaceId, limit = AUDIT_LOG_LIMIT }: { tx: Tx; workspaceId: string; limit?: number }): Promise<AuditEntry[]> {
  return tx<AuditEntry[]>`
    select l.id::text, l.action, m.display_name as "actorName", l.details->>'key_last4' as "keyLast4",
           coalesce((select array_agg(c) from jsonb_array_elements_text(l.details->'changed') c), '{}') as changed,
           to_char(l.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt"
    from public.ai_audit_log l
    left join public.workspace_members m on m.tenant_id = l.tenant_id and m.user_id = l.actor_id
    where l.tenant_id = ${workspaceId}
    order by l.created_at desc, l.id desc
    limit ${limit}`
}

/** The settings without the change log (the onboarding wizard); a writer gets the status only. */
export async function getAiOverview({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<Omit<AiSettings, 'audit'>> {
  const canManage = await canManageAi({ tx, workspaceId })
  const status = await getAiStatus({ tx, workspaceId })
  return { canManage, provider: canManage ? await getProvider({ tx, workspaceId }) : null, status }
}

/** Everything the settings page shows; a writer gets the status and nothing else. */
export async function getAiSettings({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<AiSettings> {
  const overview = await getAiOverview({ tx, workspaceId })
  return { ...overview, audit: overview.canManage ? await listAuditLog({ tx, workspaceId }) : [] }
}

/** Creates or changes the provider's non-secret fields under the caller's RLS. Returns its id. */
export async function saveProviderFields({ tx, workspaceId, form }: { tx: Tx; workspaceId: string; form: Omit<ProviderForm, 'apiKey'> }): Promise<string> {
  if (!(await canManageAi({ tx, workspaceId }))) throw new AiProviderError('forbidden', `not an owner or admin of ${workspaceId}`)
  const updated = await tx<{ id: string }[]>`
    update public.ai_providers
    set kind = ${form.kind}, base_url = ${form.baseUrl}, chat_model = ${form.chatModel}, embed_model = ${form.embedModel}
    where tenant_id = ${workspaceId}
    returning id`
  if (updated[0]) return updated[0].id
  const [inserted] = await tx<{ id: string }[]>`
    insert into public.ai_providers (tenant_id, kind, base_url, chat_model, embed_model)
    values (${workspaceId}, ${form.kind}, ${form.baseUrl}, ${form.chatModel}, ${form.embedModel})
    returning id`
  return inserted.id
}

/**
 * Stores or rotates the key. The caller's own RLS must first show them the provider row
 * (owners and admins only); only then does the service role touch Vault, recording the
 * caller as the actor. Returns the key's last 4 characters.
 */
export async function storeProviderKey({ claims, workspaceId, apiKey }: { claims: VerifiedClaims; workspaceId: string; apiKey: string }): Promise<string> {
  const providerId = await withUser(claims, async (tx) => {
    if (!(await canManageAi({ tx, workspaceId }))) throw new AiProviderError('forbidden', `not an owner or admin of ${workspaceId}`)
    return (await getProvider({ tx, workspaceId }))?.id ?? null
  })
  if (!providerId) throw new AiProviderError('not_found', `no AI provider in ${workspaceId}`)
  try {
    return await withServiceRole(async (tx) => {
      const [row] = await tx<{ last4: string }[]>`
        select private.store_provider_key(${providerId}, ${apiKey}, ${claims.sub}) as last4`
      return row.last4
    })
  } catch (error) {
    // A refusal the database explains (a 4xx Response) carries no key; anything else is
    // replaced, because a driver error keeps the query's parameters — the key among them.
    if (error instanceof Response) throw error
    throw new AiProviderError('key_store_failed', `storing the key of provider ${providerId} failed`)
  }
}

/** Saves the fields and, when one was typed, the key. */
export async function saveProvider({ claims, workspaceId, form }: { claims: VerifiedClaims; workspaceId: string; form: ProviderForm }): Promise<{ keyLast4: string | null }> {
  const { apiKey, ...fields } = form
  await withUser(claims, (tx) => saveProviderFields({ tx, workspaceId, form: fields }))
  if (apiKey === null) return { keyLast4: null }
  return { keyLast4: await storeProviderKey({ claims, workspaceId, apiKey }) }
}

/** Deletes the provider under RLS; the database deletes its Vault secret and logs it. */
export async function deleteProvider({ tx, workspaceId }: { tx: Tx; workspaceId: string }): Promise<boolean> {
  if (!(await canManageAi({ tx, workspaceId }))) throw new AiProviderError('forbidden', `not an owner or admin of ${workspaceId}`)
  const deleted = await tx`delete from public.ai_providers where tenant_id = ${workspaceId}`
  return deleted.count > 0
}
