// The chart's screen-reader summary: the sentence a screen reader reads instead of the bars.
import { translator } from '~/utils/i18n.ts'
import type { UsageDay, UsageReport } from '~/modules/usage/usage.server.ts'
import { usageFormat } from './format.ts'
import { chartSummary } from './summary.ts'

const split = (tokens: number) => ({ tokens, costUsd: tokens / 1e6, calls: tokens > 0 ? 1 : 0 })

function report(tokensPerDay: number[]): UsageReport {
  const perDay: UsageDay[] = tokensPerDay.map((tokens, i) => ({ day: `2026-12-0${i + 1}`, own: split(tokens), platform: split(0) }))
  const total = tokensPerDay.reduce((a, b) => a + b, 0)
  return {
    days: 7,
    from: perDay[0].day,
    to: perDay.at(-1)!.day,
    totals: { own: split(total), platform: split(0), promptTokens: total, completionTokens: 0 },
    perDay,
    perModel: [],
    perMember: [],
  }
}

describe('the usage chart\'s screen-reader summary', () => {
  it('says "1 day", not "1 days", when AI was used on a single day (pt-BR and en)', () => {
    const one = report([0, 0, 1200, 0, 0, 0, 0])
    const pt = chartSummary(one, usageFormat('pt-BR'), translator('pt-BR'))
    expect(pt).toContain('houve uso em 1 dia;')
    expect(pt).not.toContain('1 dias')
    const en = chartSummary(one, usageFormat('en'), translator('en'))
    expect(en).toContain('AI was used on 1 day;')
    expect(en).not.toContain('1 days')
  })

  it('keeps the plural for several days, with the busiest day and its tokens', () => {
    const several = report([0, 500, 1200, 0, 0, 0, 0])
    expect(chartSummary(several, usageFormat('pt-BR'), translator('pt-BR'))).toContain('houve uso em 2 dias;')
    const en = chartSummary(several, usageFormat('en'), translator('en'))
    expect(en).toContain('AI was used on 2 days;')
    expect(en).toContain('The busiest day was December 3, 2026, with 1,200 tokens.')
  })
})
