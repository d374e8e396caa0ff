// `node scripts/purge-trash.ts`: purges every workspace's trash past the retention period,
// export files included, for a platform scheduler to run nightly (decision 011). pg_cron
// alone cannot remove Storage files, so it leaves books with export files to this job.
// Needs SUPABASE_DB_URL, SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY.
import { purgeTrash } from '../app/modules/trash/purge.server.ts'
import { closeDb } from '../app/utils/db.server.ts'

try {
  const result = await purgeTrash({ workspaceId: null })
  console.log(`Trash purged: ${result.books} books, ${result.chapters} chapters; ${result.booksWaitingForFiles} books wait for their export files to be removed.`)
} finally {
  await closeDb()
}
