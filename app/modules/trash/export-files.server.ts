// A purged book's export files: everything under `{tenant_id}/{book_id}/` in the `exports`
// bucket, removed through the Storage API with the service role (SQL cannot remove the
// bytes). A bucket that does not exist yet simply holds no files.
import { supabaseServiceRole } from '../../utils/supabase.server.ts'

/** The bucket of decision 010 (EXPORTS_BUCKET in app/modules/export/exports.server.ts). */
const EXPORTS_BUCKET = 'exports'
const PAGE = 1000

const serviceStorage = () => supabaseServiceRole().storage

export function bookExportsPrefix({ workspaceId, bookId }: { workspaceId: string; bookId: string }): string {
  return `${workspaceId}/${bookId}`
}

function isMissingBucket(error: { message?: string; statusCode?: string; status?: number } & object): boolean {
  const status = 'statusCode' in error ? String(error.statusCode) : 'status' in error ? String(error.status) : ''
  return status === '404' || /bucket not found/i.test(error.message ?? '')
}

/** Every object name under prefix, folders included (storage list is one level at a time). */
async function listNames(prefix: string): Promise<string[] | null> {
  const names: string[] = []
  for (let offset = 0; ; offset += PAGE) {
    const { data, error } = await serviceStorage().from(EXPORTS_BUCKET).list(prefix, { limit: PAGE, offset })
    if (error) {
      if (isMissingBucket(error)) return null
      throw new Error(`listing ${EXPORTS_BUCKET}/${prefix} failed: ${error.message}`)
    }
    for (const item of data) {
      const name = `${prefix}/${item.name}`
      // A folder has no id; its files are one level further down.
      if (item.id === null) names.push(...((await listNames(name)) ?? []))
      else names.push(name)
    }
    if (data.length < PAGE) return names
  }
}

/** Removes the book's export files; answers how many went. Throws when Storage refuses. */
export async function removeBookExportFiles(book: { workspaceId: string; bookId: string }): Promise<number> {
  const names = await listNames(bookExportsPrefix(book))
  if (!names || names.length === 0) return 0
  for (let start = 0; start < names.length; start += PAGE) {
    const { error } = await serviceStorage().from(EXPORTS_BUCKET).remove(names.slice(start, start + PAGE))
    if (error && !isMissingBucket(error)) throw new Error(`removing ${EXPORTS_BUCKET}/${bookExportsPrefix(book)} failed: ${error.message}`)
  }
  return names.length
}
