import { TRASH_RETENTION_DAYS, daysLeft, purgeDate } from './retention.ts'

const DAY = 24 * 60 * 60 * 1000

describe('trash retention', () => {
  const trashed = new Date('2026-12-01T10:00:00Z')

  it('keeps things for the retention period from the moment they were trashed', () => {
    expect(purgeDate(trashed).getTime() - trashed.getTime()).toBe(TRASH_RETENTION_DAYS * DAY)
  })

  it('counts the days left the way a writer reads them', () => {
    expect(daysLeft(trashed, trashed)).toBe(TRASH_RETENTION_DAYS)
    expect(daysLeft(trashed, new Date(trashed.getTime() + 1000))).toBe(TRASH_RETENTION_DAYS)
    expect(daysLeft(trashed, new Date(trashed.getTime() + (TRASH_RETENTION_DAYS - 0.5) * DAY))).toBe(1)
    expect(daysLeft(trashed, new Date(trashed.getTime() + (TRASH_RETENTION_DAYS + 3) * DAY))).toBe(0)
  })
})
