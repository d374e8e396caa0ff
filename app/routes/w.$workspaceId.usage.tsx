// Usage: tokens and estimated cost of AI calls per day (a chart), per model and per member,
// own key vs platform, for the last 7, 30 or 90 days. Read under the caller's RLS: owners and
// admins see the whole workspace, writers their own calls. See docs/decisions/021-usage-page.md.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { usageFormat, type UsageFormat } from '~/components/usage/format.ts'
import { chartSummary } from '~/components/usage/summary.ts'
import { OWN_COLOUR, PLATFORM_COLOUR, UsageChart } from '~/components/usage/usage-chart.tsx'
import { parseUsagePeriod, USAGE_PERIODS } from '~/modules/usage/schema.ts'
import { getUsageReport, type UsageReport } from '~/modules/usage/usage.server.ts'
import { listBooks } from '~/modules/books/books.server.ts'
import { canManageWorkspace, WorkspaceIdSchema } from '~/modules/workspaces/schema.ts'
import { getWorkspace } from '~/modules/workspaces/workspaces.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { useLocale, useT, type Translate } from '~/utils/i18n.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  const period = parseUsagePeriod(new URL(request.url).searchParams.get('days'))
  const data = await withUser(claims, async (tx) => {
    const workspace = await getWorkspace({ tx, workspaceId: workspaceId.data })
    if (!workspace) return null
    const report = await getUsageReport({ tx, workspaceId: workspace.id, days: period.days })
    // For the empty state: a link straight into the writer's latest book, when there is one.
    const latestBook = report.totals.own.calls + report.totals.platform.calls > 0 ? null : ((await listBooks({ tx, workspaceId: workspace.id }))[0] ?? null)
    return { workspaceId: workspace.id, wholeWorkspace: canManageWorkspace(workspace.role), report, latestBookId: latestBook?.id ?? null }
  })
  if (!data) throw new Response('Not found', { status: 404, headers })
  return json({ ...data, periodFellBack: period.fellBack }, { headers })
}

export default function UsagePage() {
  const t = useT()
  const locale = useLocale()
  const { workspaceId, wholeWorkspace, report, latestBookId, periodFellBack } = useLoaderData<typeof loader>()
  const format = usageFormat(locale)
  const { totals } = report
  const totalTokens = totals.own.tokens + totals.platform.tokens
  const totalCost = totals.own.costUsd + totals.platform.costUsd
  const empty = totals.own.calls + totals.platform.calls === 0
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="font-serif text-3xl font-semibold text-indigo-brand">{t('usage.title')}</h1>
          <p className="mt-2 max-w-2xl text-sm leading-6 text-slate-600">
            {wholeWorkspace ? t('usage.scope.workspace') : t('usage.scope.own')} {t('usage.period.range', { from: format.longDay(report.from), to: format.longDay(report.to) })}
          </p>
        </div>
        <nav aria-label={t('usage.period.label')} className="inline-flex rounded-lg bg-white p-1 shadow-sm ring-1 ring-slate-200">
          {USAGE_PERIODS.map((days) => (
            <Link
              key={days}
              to={`?days=${days}`}
              preventScrollReset
              aria-current={days === report.days ? 'page' : undefined}
              className={`rounded-md px-3 py-1.5 text-sm ${days === report.days ? 'bg-violet-brand font-semibold text-white' : 'text-indigo-brand hover:bg-slate-50'}`}
            >
              {t('usage.period.days', { count: days })}
            </Link>
          ))}
        </nav>
      </div>

      {periodFellBack ? <Notice>{t('usage.period.fellBack', { days: report.days })}</Notice> : null}

      {empty ? (
        <EmptyState workspaceId={workspaceId} latestBookId={latestBookId} wholeWorkspace={wholeWorkspace} t={t} />
      ) : (
        <>
          <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="usage-totals">
            <Stat label={t('usage.total.tokens')} value={format.tokens(totalTokens)} detail={t('usage.total.tokensDetail', { prompt: format.tokens(totals.promptTokens), completion: format.tokens(totals.completionTokens) })} />
            <Stat label={t('usage.total.cost')} value={format.usd(totalCost)} detail={t('usage.total.calls', { count: totals.own.calls + totals.platform.calls })} />
            <Stat label={t('usage.provider.own')} value={format.tokens(totals.own.tokens)} detail={format.usd(totals.own.costUsd)} swatch={OWN_COLOUR} />
            <Stat label={t('usage.provider.platform')} value={format.tokens(totals.platform.tokens)} detail={format.usd(totals.platform.costUsd)} swatch={PLATFORM_COLOUR} />
          </dl>

          <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="usage-per-day">
            <div className="flex flex-wrap items-baseline justify-between gap-3">
              <h2 id="usage-per-day" className="font-serif text-xl font-semibold text-indigo-brand">
                {t('usage.chart.title')}
              </h2>
              <ul className="flex gap-4 text-xs text-slate-600" aria-hidden>
                <li className="flex items-center gap-1.5">
                  <span className="inline-block h-3 w-3 rounded-sm" style={{ background: OWN_COLOUR }} />
                  {t('usage.provider.own')}
                </li>
                <li className="flex items-center gap-1.5">
                  <span className="inline-block h-3 w-3 rounded-sm" style={{ background: PLATFORM_COLOUR }} />
                  {t('usage.provider.platform')}
                </li>
              </ul>
            </div>
            <div className="mt-4">
              <UsageChart perDay={report.perDay} format={format} summaryId="usage-chart-summary" />
            </div>
            <p id="usage-chart-summary" className="sr-only">
              {chartSummary(report, format, t)}
            </p>
            <details className="mt-4 text-sm">
              <summary className="cursor-pointer font-medium text-violet-brand">{t('usage.perDay.show')}</summary>
              <PerDayTable report={report} format={format} t={t} />
            </details>
          </section>

          <section className="space-y-3" aria-labelledby="usage-per-model">
            <h2 id="usage-per-model" className="font-serif text-xl font-semibold text-indigo-brand">
              {t('usage.perModel.title')}
            </h2>
            <Table
              testId="usage-per-model"
              head={[t('usage.col.model'), t('usage.col.calls'), t('usage.col.prompt'), t('usage.col.completion'), t('usage.provider.own'), t('usage.provider.platform'), t('usage.col.cost')]}
              rows={report.perModel.map((m) => ({
                key: m.model,
                cells: [<span className="font-mono text-xs">{m.model}</span>, format.tokens(m.calls), format.tokens(m.promptTokens), format.tokens(m.completionTokens), format.tokens(m.ownTokens), format.tokens(m.platformTokens), format.usd(m.costUsd)],
              }))}
              foot={[t('usage.col.total'), format.tokens(totals.own.calls + totals.platform.calls), format.tokens(totals.promptTokens), format.tokens(totals.completionTokens), format.tokens(totals.own.tokens), format.tokens(totals.platform.tokens), format.usd(totalCost)]}
            />
          </section>

          <section className="space-y-3" aria-labelledby="usage-per-member">
            <h2 id="usage-per-member" className="font-serif text-xl font-semibold text-indigo-brand">
              {wholeWorkspace ? t('usage.perMember.title') : t('usage.perMember.titleOwn')}
            </h2>
            <Table
              testId="usage-per-member"
              head={[t('usage.col.member'), t('usage.col.calls'), t('usage.provider.own'), t('usage.provider.platform'), t('usage.col.tokens'), t('usage.col.cost')]}
              rows={report.perMember.map((m) => ({
                key: m.userId ?? (m.automatic ? 'automatic' : 'former'),
                // No person: the embedding queue's drain (book memory), or an account since deleted.
                cells: [m.displayName ?? (m.automatic ? t('usage.member.automatic') : t('usage.member.former')), format.tokens(m.calls), format.tokens(m.ownTokens), format.tokens(m.platformTokens), format.tokens(m.tokens), format.usd(m.costUsd)],
              }))}
              foot={[t('usage.col.total'), format.tokens(totals.own.calls + totals.platform.calls), format.tokens(totals.own.tokens), format.tokens(totals.platform.tokens), format.tokens(totalTokens), format.usd(totalCost)]}
            />
          </section>
          <p className="text-xs leading-5 text-slate-500">{t('usage.costNote')}</p>
        </>
      )}
    </div>
  )
}

function Stat({ label, value, detail, swatch }: { label: string; value: string; detail: string; swatch?: string }) {
  return (
    <div className="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <dt className="flex items-center gap-2 text-sm text-slate-600">
        {swatch ? <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: swatch }} /> : null}
        {label}
      </dt>
      <dd className="mt-1 font-serif text-2xl font-semibold tabular-nums text-indigo-brand">{value}</dd>
      <dd className="mt-1 text-xs text-slate-500">{detail}</dd>
    </div>
  )
}

function Table({ head, rows, foot, testId }: { head: string[]; rows: { key: string; cells: ReactNode[] }[]; foot: string[]; testId: string }) {
  return (
    <div className="overflow-x-auto rounded-2xl bg-white shadow-sm ring-1 ring-slate-200">
      <table className="w-full text-sm" data-testid={testId}>
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
            {head.map((h, i) => (
              <th key={h} scope="col" className={`px-4 py-3 font-semibold ${i === 0 ? '' : 'text-right'}`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.key}>
              {row.cells.map((cell, i) =>
                i === 0 ? (
                  <th key={i} scope="row" className="px-4 py-2.5 text-left font-medium text-indigo-brand">
                    {cell}
                  </th>
                ) : (
                  <td key={i} className="px-4 py-2.5 text-right tabular-nums text-slate-700">
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t border-slate-200 bg-slate-50 font-semibold text-indigo-brand">
            {foot.map((cell, i) =>
              i === 0 ? (
                <th key={i} scope="row" className="rounded-bl-2xl px-4 py-2.5 text-left">
                  {cell}
                </th>
              ) : (
                <td key={i} className="px-4 py-2.5 text-right tabular-nums">
                  {cell}
                </td>
              ),
            )}
          </tr>
        </tfoot>
      </table>
    </div>
  )
}

function PerDayTable({ report, format, t }: { report: UsageReport; format: UsageFormat; t: Translate }) {
  const days = report.perDay.filter((d) => d.own.calls + d.platform.calls > 0)
  return (
    <table className="mt-3 w-full text-sm" data-testid="usage-per-day">
      <thead>
        <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
          <th scope="col" className="py-2 pr-4 font-semibold">{t('usage.col.day')}</th>
          <th scope="col" className="py-2 pr-4 text-right font-semibold">{t('usage.provider.own')}</th>
          <th scope="col" className="py-2 pr-4 text-right font-semibold">{t('usage.provider.platform')}</th>
          <th scope="col" className="py-2 pr-4 text-right font-semibold">{t('usage.col.tokens')}</th>
          <th scope="col" className="py-2 text-right font-semibold">{t('usage.col.cost')}</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {days.map((d) => (
          <tr key={d.day} data-day={d.day}>
            <th scope="row" className="py-2 pr-4 text-left font-medium text-indigo-brand">{format.longDay(d.day)}</th>
            <td className="py-2 pr-4 text-right tabular-nums">{format.tokens(d.own.tokens)}</td>
            <td className="py-2 pr-4 text-right tabular-nums">{format.tokens(d.platform.tokens)}</td>
            <td className="py-2 pr-4 text-right tabular-nums">{format.tokens(d.own.tokens + d.platform.tokens)}</td>
            <td className="py-2 text-right tabular-nums">{format.usd(d.own.costUsd + d.platform.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function EmptyState({ workspaceId, latestBookId, wholeWorkspace, t }: { workspaceId: string; latestBookId: string | null; wholeWorkspace: boolean; t: Translate }) {
  return (
    <section className="rounded-2xl bg-white p-8 shadow-sm ring-1 ring-slate-200" data-testid="usage-empty">
      <h2 className="font-serif text-xl font-semibold text-indigo-brand">{t('usage.empty.title')}</h2>
      <p className="mt-2 max-w-2xl text-sm leading-6 text-slate-600">{wholeWorkspace ? t('usage.empty.bodyWorkspace') : t('usage.empty.bodyOwn')}</p>
      <ol className="mt-4 list-decimal space-y-1 pl-5 text-sm leading-6 text-slate-700">
        <li>
          {wholeWorkspace ? t('usage.empty.stepKey') : t('usage.empty.stepKeyWriter')}{' '}
          <Link to={`/w/${workspaceId}/settings/ai`} className="font-semibold text-violet-brand hover:underline">
            {wholeWorkspace ? t('usage.empty.settingsLink') : t('usage.empty.statusLink')}
          </Link>
        </li>
        <li>
          {t('usage.empty.stepEditor')}{' '}
          <Link to={latestBookId ? `/w/${workspaceId}/b/${latestBookId}` : `/w/${workspaceId}`} className="font-semibold text-violet-brand hover:underline">
            {latestBookId ? t('usage.empty.bookLink') : t('usage.empty.booksLink')}
          </Link>
        </li>
      </ol>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
