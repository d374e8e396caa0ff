// What the chapter page's AI panel needs to know before any call, read under the caller's RLS:
// whether the workspace has AI at all (public.workspace_ai_status — no secrets), whether the
// caller may fix the settings, and the stored EchoNotes summary of this version of the chapter.
import type { Tx } from '~/utils/db.server.ts'
import { canManageAi, getAiStatus } from './providers.server.ts'

export type StoredSummary = { summary: string; chapterVersion: number; model: string; createdAt: string }

export type PanelInfo = {
  /** A provider the chat function could use: the workspace's own with a key, or the platform's by plan. */
  available: boolean
  canManage: boolean
  summary: StoredSummary | null
}

/** The summary made from exactly this version of the chapter; an older one is stale and not shown. */
export async function getChapterSummary({ tx, chapterId, version }: { tx: Tx; chapterId: string; version: number }): Promise<StoredSummary | null> {
  const rows = await tx<StoredSummary[]>`
    select summary, chapter_version as "chapterVersion", model,
           to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt"
    from public.chapter_summaries
    where chapter_id = ${chapterId} and chapter_version = ${version}`
  return rows[0] ?? null
}

export async function getPanelInfo({ tx, workspaceId, chapterId, version }: { tx: Tx; workspaceId: string; chapterId: string; version: number }): Promise<PanelInfo> {
  const status = await getAiStatus({ tx, workspaceId })
  return {
    available: Boolean(status && ((status.hasOwnProvider && status.ownKeySet) || status.platformAllowed)),
    canManage: await canManageAi({ tx, workspaceId }),
    summary: await getChapterSummary({ tx, chapterId, version }),
  }
}
