// What the usage page shows: tokens and estimated cost of AI calls in a period, by day, model
// and member, split own key vs platform. Every query runs in the caller's transaction, so
// usage_logs' RLS decides the rows: owners and admins read the whole workspace, a writer only
// their own calls. See docs/decisions/021-usage-page.md.
import type { Tx } from '~/utils/db.server.ts'
import type { UsagePeriod } from './schema.ts'

export type UsageSplit = { tokens: number; costUsd: number; calls: number }
export type UsageTotals = { own: UsageSplit; platform: UsageSplit; promptTokens: number; completionTokens: number }

/** One calendar day (UTC), every day of the period present, zero when nothing was spent. */
export type UsageDay = { day: string; own: UsageSplit; platform: UsageSplit }

export type UsageByModel = { model: string; calls: number; promptTokens: number; completionTokens: number; tokens: number; costUsd: number; ownTokens: number; platformTokens: number }

/** `automatic`: spent by no person — the embedding queue's drain (user_id null, action embed). */
export type UsageByMember = { userId: string | null; displayName: string | null; automatic: boolean; calls: number; tokens: number; costUsd: number; ownTokens: number; platformTokens: number }

export type UsageReport = {
  days: UsagePeriod
  /** First and last day of the period (UTC, YYYY-MM-DD), both included. */
  from: string
  to: string
  totals: UsageTotals
  perDay: UsageDay[]
  perModel: UsageByModel[]
  perMember: UsageByMember[]
}

const emptySplit = (): UsageSplit => ({ tokens: 0, costUsd: 0, calls: 0 })
const DAY_MS = 86_400_000
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

type DayRow = { day: string; provider: 'own' | 'platform'; calls: number; prompt: string; completion: string; cost: string }
type ModelRow = { model: string; calls: number; prompt: string; completion: string; cost: string; own: string; platform: string }
type MemberRow = { userId: string | null; displayName: string | null; automatic: boolean; calls: number; tokens: string; cost: string; own: string; platform: string }

/**
 * The report for the last `days` days, today (UTC) included. `now` is injectable so tests can
 * place rows on known days.
 */
export async function getUsageReport({ tx, workspaceId, days, now = new Date() }: { tx: Tx; workspaceId: string; days: UsagePeriod; now?: Date }): Promise<UsageReport> {
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`)
  const from = isoDay(today - (days - 1) * DAY_MS)
  const to = isoDay(today)
  // Half-open range over timestamps: [from 00:00 UTC, the day after `to` 00:00 UTC).
  const start = `${from}T00:00:00Z`
  const end = new Date(today + DAY_MS).toISOString()
  const inPeriod = tx`u.tenant_id = ${workspaceId} and u.created_at >= ${start}::timestamptz and u.created_at < ${end}::timestamptz`

  // Sums come back as text (numeric/bigint) and are turned into numbers here: token counts of
  // a workspace stay far below 2^53, costs are shown rounded to cents or tenths of a cent.
  const dayRows = await tx<DayRow[]>`
    select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, provider, count(*)::int as calls,
           sum(prompt_tokens)::text as prompt, sum(completion_tokens)::text as completion, sum(cost_usd)::text as cost
    from public.usage_logs u
    where ${inPeriod}
    group by 1, 2`
  const modelRows = await tx<ModelRow[]>`
    select model, count(*)::int as calls, sum(prompt_tokens)::text as prompt, sum(completion_tokens)::text as completion,
           sum(cost_usd)::text as cost,
           coalesce(sum(prompt_tokens + completion_tokens) filter (where provider = 'own'), 0)::text as own,
           coalesce(sum(prompt_tokens + completion_tokens) filter (where provider = 'platform'), 0)::text as platform
    from public.usage_logs u
    where ${inPeriod}
    group by model
    order by sum(prompt_tokens + completion_tokens) desc, model`
  const memberRows = await tx<MemberRow[]>`
    select u.user_id as "userId", max(m.display_name) as "displayName",
           (u.user_id is null and u.action = 'embed') as automatic, count(*)::int as calls,
           sum(u.prompt_tokens + u.completion_tokens)::text as tokens, sum(u.cost_usd)::text as cost,
           coalesce(sum(u.prompt_tokens + u.completion_tokens) filter (where u.provider = 'own'), 0)::text as own,
           coalesce(sum(u.prompt_tokens + u.completion_tokens) filter (where u.provider = 'platform'), 0)::text as platform
    from public.usage_logs u
    left join public.workspace_members m on m.tenant_id = u.tenant_id and m.user_id = u.user_id
    where ${inPeriod}
    group by u.user_id, (u.user_id is null and u.action = 'embed')
    order by sum(u.prompt_tokens + u.completion_tokens) desc, max(m.display_name)`

  const byDay = new Map<string, UsageDay>()
  for (let ms = today - (days - 1) * DAY_MS; ms <= today; ms += DAY_MS) {
    const day = isoDay(ms)
    byDay.set(day, { day, own: emptySplit(), platform: emptySplit() })
  }
  const totals: UsageTotals = { own: emptySplit(), platform: emptySplit(), promptTokens: 0, completionTokens: 0 }
  for (const row of dayRows) {
    const entry = byDay.get(row.day)
    if (!entry) continue
    const prompt = Number(row.prompt)
    const completion = Number(row.completion)
    const split = { tokens: prompt + completion, costUsd: Number(row.cost), calls: row.calls }
    entry[row.provider] = split
    totals[row.provider] = { tokens: totals[row.provider].tokens + split.tokens, costUsd: totals[row.provider].costUsd + split.costUsd, calls: totals[row.provider].calls + split.calls }
    totals.promptTokens += prompt
    totals.completionTokens += completion
  }

  return {
    days,
    from,
    to,
    totals,
    perDay: [...byDay.values()],
    perModel: modelRows.map((r) => ({
      model: r.model,
      calls: r.calls,
      promptTokens: Number(r.prompt),
      completionTokens: Number(r.completion),
      tokens: Number(r.prompt) + Number(r.completion),
      costUsd: Number(r.cost),
      ownTokens: Number(r.own),
      platformTokens: Number(r.platform),
    })),
    perMember: memberRows.map((r) => ({
      userId: r.userId,
      displayName: r.displayName,
      automatic: r.automatic,
      calls: r.calls,
      tokens: Number(r.tokens),
      costUsd: Number(r.cost),
      ownTokens: Number(r.own),
      platformTokens: Number(r.platform),
    })),
  }
}
