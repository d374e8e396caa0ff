// Purging a workspace's trash: books and chapters trashed longer ago than the retention
// period (private.trash_retention()) are deleted for good, a book's export files first.
// A book whose files could not be removed stays in the trash (the database refuses to purge
// it while files remain) and is tried again next time. Runs as the service role.
import { withServiceRole } from '~/utils/db.server.ts'
import { removeBookExportFiles } from './export-files.server.ts'

export type PurgeResult = { books: number; chapters: number; booksWaitingForFiles: number }

export async function purgeWorkspaceTrash({ workspaceId }: { workspaceId: string }): Promise<PurgeResult> {
  const expired = await withServiceRole((tx) => tx<{ id: string }[]>`
    select b.id from public.books b
    where b.tenant_id = ${workspaceId} and b.deleted_at < now() - private.trash_retention()`)
  for (const book of expired) {
    try {
      await removeBookExportFiles({ workspaceId, bookId: book.id })
    } catch (error) {
      console.error(`trash purge: keeping book ${book.id} until its export files can be removed`, error)
    }
  }
  const [row] = await withServiceRole((tx) => tx<{ result: PurgeResult }[]>`
    select private.purge_trash(private.trash_retention(), ${workspaceId}) as result`)
  return row.result
}
