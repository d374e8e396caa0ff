// The usage page's only input: how many days back to look. See docs/decisions/021-usage-page.md.
import { z } from 'zod'

export const USAGE_PERIODS = [7, 30, 90] as const
export type UsagePeriod = (typeof USAGE_PERIODS)[number]
export const DEFAULT_USAGE_PERIOD: UsagePeriod = 30

const PeriodSchema = z.coerce
  .number()
  .int()
  .refine((days): days is UsagePeriod => (USAGE_PERIODS as readonly number[]).includes(days))

/**
 * `?days=` as typed in the address bar. Missing → the default; anything else that is not one of
 * the offered periods → the default too, with `fellBack` so the page can say so (a bookmark
 * with an old value should still open the page, not an error).
 */
export function parseUsagePeriod(value: string | null): { days: UsagePeriod; fellBack: boolean } {
  if (value === null || value === '') return { days: DEFAULT_USAGE_PERIOD, fellBack: false }
  const parsed = PeriodSchema.safeParse(value)
  return parsed.success ? { days: parsed.data as UsagePeriod, fellBack: false } : { days: DEFAULT_USAGE_PERIOD, fellBack: true }
}
