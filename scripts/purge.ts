// `npm run purge`: the housekeeping a scheduler runs (nightly in production; `npm run dev`
// runs it at start and every hour): every workspace's trash past its retention period, export
// files included (decision 011), and every expired or orphaned export file (decision 010).
// Needs SUPABASE_DB_URL, SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY.
import './lib/app-alias.ts'

const { purgeTrash } = await import('../app/modules/trash/purge.server.ts')
const { purgeExpiredExports } = await import('../app/modules/export/exports.server.ts')
const { closeDb } = await import('../app/utils/db.server.ts')

try {
  const trash = await purgeTrash({ workspaceId: null })
  const exports = await purgeExpiredExports()
  console.log(
    `Purged: ${trash.books} books and ${trash.chapters} chapters from the trash` +
      (trash.booksWaitingForFiles ? ` (${trash.booksWaitingForFiles} books wait for their export files to be removed)` : '') +
      `; ${exports.rows} expired exports, ${exports.files} export files.`,
  )
} finally {
  await closeDb()
}
