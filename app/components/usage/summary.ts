// The chart's screen-reader summary (the chart is role="img" and points here with
// aria-describedby): days with usage, own vs platform, the busiest day.
import type { UsageReport } from '~/modules/usage/usage.server.ts'
import type { Translate } from '~/utils/i18n.ts'
import type { UsageFormat } from './format.ts'

export function chartSummary(report: UsageReport, format: UsageFormat, t: Translate): string {
  const busiest = report.perDay.reduce((best, d) => (d.own.tokens + d.platform.tokens > best.own.tokens + best.platform.tokens ? d : best), report.perDay[0])
  const activeDays = report.perDay.filter((d) => d.own.calls + d.platform.calls > 0).length
  // `count` picks the catalogue's `.one` form: "used on 1 day", not "1 days".
  return t('usage.chart.summary', {
    days: report.days,
    active: activeDays,
    count: activeDays,
    own: format.tokens(report.totals.own.tokens),
    platform: format.tokens(report.totals.platform.tokens),
    busiest: format.longDay(busiest.day),
    busiestTokens: format.tokens(busiest.own.tokens + busiest.platform.tokens),
  })
}
