// Locale-aware numbers, money and days for the usage page. Days are calendar days in UTC
// (as the server groups them), so they are formatted in UTC too.
import type { Locale } from '~/utils/i18n.ts'

export type UsageFormat = {
  tokens: (n: number) => string
  compact: (n: number) => string
  usd: (n: number) => string
  day: (isoDay: string) => string
  longDay: (isoDay: string) => string
}

export function usageFormat(locale: Locale): UsageFormat {
  const tokens = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })
  const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 })
  // Calls cost fractions of a cent: show up to four decimals, at least two.
  const usd = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 })
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' })
  const longDay = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
  return {
    tokens: (n) => tokens.format(n),
    compact: (n) => compact.format(n),
    usd: (n) => usd.format(n),
    day: (isoDay) => day.format(new Date(`${isoDay}T00:00:00Z`)),
    longDay: (isoDay) => longDay.format(new Date(`${isoDay}T00:00:00Z`)),
  }
}
