// A chapter's history: labelled snapshots, automatic ones, the text before each restore and
// texts kept from conflicting saves. Append-only: nothing here edits or deletes a version.
import type { Tx } from '~/utils/db.server.ts'
import type { ManuscriptDoc } from '../manuscript/schema.ts'
import { WritingError, isUuid } from './errors.ts'

export type VersionKind = 'manual' | 'auto' | 'before_restore' | 'conflict'

export type VersionSummary = {
  id: string
  chapterId: string
  kind: VersionKind
  label: string | null
  wordCount: number
  /** The chapter's version number this text belonged to (for a conflict: was based on). */
  chapterVersion: number
  createdAt: Date
  createdBy: string | null
}

export type Version = VersionSummary & { content: ManuscriptDoc; plainText: string }

/** Newest first. */
export async function listVersions({ tx, chapterId }: { tx: Tx; chapterId: string }): Promise<VersionSummary[]> {
  if (!isUuid(chapterId)) return []
  return tx<VersionSummary[]>`
    select v.id, v.chapter_id as "chapterId", v.kind, v.label, v.word_count as "wordCount",
           v.chapter_version as "chapterVersion", v.created_at as "createdAt", v.created_by as "createdBy"
    from public.chapter_versions v
    where v.chapter_id = ${chapterId}
    order by v.created_at desc, v.chapter_version desc`
}

/** Keeps the chapter's current text as a manual version, with an optional label. */
export async function createSnapshot({
  tx,
  chapterId,
  label,
}: {
  tx: Tx
  chapterId: string
  label: string | null
}): Promise<{ id: string }> {
  if (!isUuid(chapterId)) throw new WritingError('not_found', 'Chapter not found')
  const rows = await tx<{ id: string }[]>`
    insert into public.chapter_versions (tenant_id, chapter_id, kind, label, content, plain_text, word_count, chapter_version)
    select c.tenant_id, c.id, 'manual', ${label}, c.content, c.plain_text, c.word_count, c.version
    from public.chapters c
    where c.id = ${chapterId}
    returning id`
  if (!rows[0]) throw new WritingError('not_found', 'Chapter not found')
  return rows[0]
}

/** The version with its text; null when it does not exist or belongs to another workspace. */
export async function getVersion({ tx, versionId }: { tx: Tx; versionId: string }): Promise<Version | null> {
  if (!isUuid(versionId)) return null
  const rows = await tx<Version[]>`
    select v.id, v.chapter_id as "chapterId", v.kind, v.label, v.word_count as "wordCount",
           v.chapter_version as "chapterVersion", v.created_at as "createdAt", v.created_by as "createdBy",
           v.content, v.plain_text as "plainText"
    from public.chapter_versions v
    where v.id = ${versionId}`
  return rows[0] ?? null
}

/**
 * Puts the version's text back into its chapter. The text it replaces is kept first as a
 * 'before_restore' version, so a restore can itself be undone.
 */
export async function restoreVersion({
  tx,
  versionId,
}: {
  tx: Tx
  versionId: string
}): Promise<{ chapterId: string; version: number; beforeRestoreVersionId: string }> {
  if (!isUuid(versionId)) throw new WritingError('not_found', 'Version not found')
  const [visible] = await tx`select 1 from public.chapter_versions where id = ${versionId}`
  if (!visible) throw new WritingError('not_found', 'Version not found')
  const [row] = await tx<{ result: { chapterId: string; version: number; beforeRestoreVersionId: string } }[]>`
    select public.restore_chapter_version(${versionId}) as result`
  const { chapterId, version, beforeRestoreVersionId } = row.result
  return { chapterId, version, beforeRestoreVersionId }
}
