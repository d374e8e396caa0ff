// How long the trash keeps a book or chapter. The purge itself uses the database's
// private.trash_retention(); this copy is for pages ("deleted for good in 12 days") and a
// test keeps the two equal. See docs/decisions/011-trash.md.
export const TRASH_RETENTION_DAYS = 30

const DAY_MS = 24 * 60 * 60 * 1000

/** When the purge may delete something trashed at deletedAt. */
export function purgeDate(deletedAt: Date): Date {
  return new Date(deletedAt.getTime() + TRASH_RETENTION_DAYS * DAY_MS)
}

/** Days left before the purge may delete it, rounded up (just trashed: 30; under a day: 1); 0 once due. */
export function daysLeft(deletedAt: Date, now: Date = new Date()): number {
  return Math.max(0, Math.ceil((purgeDate(deletedAt).getTime() - now.getTime()) / DAY_MS))
}
