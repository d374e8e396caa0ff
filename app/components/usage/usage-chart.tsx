// Stacked bars per day (own key below, platform above), drawn as plain SVG: no chart library.
// Each day's group has a <title> (the browser's tooltip) and the chart has a text summary for
// screen readers; the same numbers are in the per-day table next to it.
import type { UsageDay } from '~/modules/usage/usage.server.ts'
import { useT } from '~/utils/i18n.ts'
import type { UsageFormat } from './format.ts'

export const OWN_COLOUR = '#6C63FF'
export const PLATFORM_COLOUR = '#4ADEB5'

const WIDTH = 760
const HEIGHT = 260
// Wide enough on the left for the longest tick label ("12,5 mil") and, left of it, the rotated axis name.
const PAD = { top: 16, right: 12, bottom: 34, left: 78 }

/** 1, 2, 2.5 or 5 times a power of ten, at least `value`: round axis ticks. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

/**
 * The axis ticks from 0 to `max` (a niceCeiling): every tick a round number, so the compact
 * label shows it exactly (quarters of 25,000 were labelled "6,3 mil" and "18,8 mil").
 */
export function axisTicks(max: number): number[] {
  const power = 10 ** Math.floor(Math.log10(max))
  const mantissa = Math.round((max / power) * 10) / 10
  let divisions = mantissa === 2.5 || mantissa === 5 ? 5 : 4
  // Tokens are whole numbers: a tiny axis gets a tick per token.
  if (!Number.isInteger(max / divisions)) divisions = Math.max(1, Math.round(max))
  return Array.from({ length: divisions + 1 }, (_, i) => (max * i) / divisions)
}

export function UsageChart({ perDay, format, summaryId }: { perDay: UsageDay[]; format: UsageFormat; summaryId: string }) {
  const t = useT()
  const plotW = WIDTH - PAD.left - PAD.right
  const plotH = HEIGHT - PAD.top - PAD.bottom
  const max = niceCeiling(Math.max(0, ...perDay.map((d) => d.own.tokens + d.platform.tokens)))
  const slot = plotW / Math.max(1, perDay.length)
  const barW = Math.max(2, Math.min(28, slot * 0.7))
  const y = (tokens: number) => PAD.top + plotH - (tokens / max) * plotH
  const labelEvery = perDay.length <= 7 ? 1 : perDay.length <= 31 ? 5 : 15
  const ticks = axisTicks(max)
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img" aria-labelledby={`${summaryId}-title`} aria-describedby={summaryId} data-testid="usage-chart">
      <title id={`${summaryId}-title`}>{t('usage.chart.title')}</title>
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} stroke={tick === 0 ? '#94a3b8' : '#e2e8f0'} strokeWidth={1} />
          <text x={PAD.left - 8} y={y(tick)} dy="0.32em" textAnchor="end" className="fill-slate-500" fontSize={11}>
            {format.compact(tick)}
          </text>
        </g>
      ))}
      <text transform={`translate(12 ${PAD.top + plotH / 2}) rotate(-90)`} textAnchor="middle" className="fill-slate-500" fontSize={11}>
        {t('usage.chart.yAxis')}
      </text>
      {perDay.map((day, index) => {
        const x = PAD.left + index * slot + (slot - barW) / 2
        const own = day.own.tokens
        const total = own + day.platform.tokens
        return (
          <g key={day.day} data-day={day.day}>
            <title>
              {t('usage.chart.barTitle', {
                day: format.longDay(day.day),
                total: format.tokens(total),
                own: format.tokens(own),
                platform: format.tokens(day.platform.tokens),
                cost: format.usd(day.own.costUsd + day.platform.costUsd),
              })}
            </title>
            {/* An invisible full-height target, so the tooltip appears over empty days too. */}
            <rect x={PAD.left + index * slot} y={PAD.top} width={slot} height={plotH} fill="transparent" />
            {own > 0 ? <rect x={x} y={y(own)} width={barW} height={y(0) - y(own)} fill={OWN_COLOUR} rx={1.5} /> : null}
            {day.platform.tokens > 0 ? <rect x={x} y={y(total)} width={barW} height={y(own) - y(total)} fill={PLATFORM_COLOUR} rx={1.5} /> : null}
            {index % labelEvery === 0 || index === perDay.length - 1 ? (
              // The last day's label ends at its bar, so it is not cut off at the chart's edge.
              <text
                x={index === perDay.length - 1 && perDay.length > 7 ? PAD.left + (index + 1) * slot : PAD.left + index * slot + slot / 2}
                y={HEIGHT - PAD.bottom + 16}
                textAnchor={index === perDay.length - 1 && perDay.length > 7 ? 'end' : 'middle'}
                className="fill-slate-500"
                fontSize={11}
              >
                {format.day(day.day)}
              </text>
            ) : null}
          </g>
        )
      })}
    </svg>
  )
}
