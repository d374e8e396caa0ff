// Purging the trash: books and chapters trashed longer ago than the retention period
// (private.trash_retention()) are deleted for good, a book's export files first. A book whose
// files could not be removed stays in the trash (the database refuses to purge it while files
// remain) and is tried again next time. Runs as the service role: for one workspace when its
// trash page opens, for all from scripts/purge.ts (decision 011).
import { withServiceRole } from '../../utils/db.server.ts'
import { removeBookExportFiles } from './export-files.server.ts'

export type PurgeResult = { books: number; chapters: number; booksWaitingForFiles: number }

/** workspaceId null: every workspace. */
export async function purgeTrash({ workspaceId }: { workspaceId: string | null }): Promise<PurgeResult> {
  const expired = await withServiceRole((tx) => tx<{ id: string; workspaceId: string }[]>`
    select b.id, b.tenant_id as "workspaceId" from public.books b
    where b.deleted_at < now() - private.trash_retention()
      and (${workspaceId}::uuid is null or b.tenant_id = ${workspaceId}::uuid)`)
  for (const book of expired) {
    try {
      await removeBookExportFiles({ workspaceId: book.workspaceId, bookId: book.id })
    } catch (error) {
      console.error(`trash purge: keeping book ${book.id} until its export files can be removed`, error)
    }
  }
  const [row] = await withServiceRole((tx) => tx<{ result: PurgeResult }[]>`
    select private.purge_trash(private.trash_retention(), ${workspaceId}::uuid) as result`)
  return row.result
}
