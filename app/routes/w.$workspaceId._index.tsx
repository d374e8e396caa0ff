import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useLoaderData, useRouteLoaderData, useSearchParams } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { WorkspaceIdSchema } from '~/modules/workspaces/schema.ts'
import { listMembers } from '~/modules/workspaces/workspaces.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { useT, type MessageKey } from '~/utils/i18n.ts'
import type { loader as workspaceLoader } from './w.$workspaceId.tsx'

const NOTICES: Record<string, MessageKey> = {
  created: 'workspace.home.notice.created',
  passwordChanged: 'auth.reset.done',
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  // RLS returns no members of a workspace the caller does not belong to.
  const members = await withUser(claims, (tx) => listMembers({ tx, workspaceId: workspaceId.data }))
  return json({ members }, { headers })
}

export default function WorkspaceHome() {
  const t = useT()
  const { members } = useLoaderData<typeof loader>()
  const parent = useRouteLoaderData<typeof workspaceLoader>('routes/w.$workspaceId')
  const [params] = useSearchParams()
  const notice = NOTICES[params.get('notice') ?? '']
  if (!parent) return null
  const { workspace } = parent
  return (
    <div className="space-y-8">
      {notice ? <Notice tone="success">{t(notice)}</Notice> : null}
      <div>
        <p className="text-sm font-medium text-violet-brand">{workspace.personal ? t('workspace.home.personal') : t('workspace.home.shared')}</p>
        <h1 className="mt-1 font-serif text-3xl font-semibold text-indigo-brand">{workspace.name}</h1>
        <p className="mt-2 text-sm text-slate-600">
          {t('workspace.home.role', { role: t(`workspace.role.${workspace.role}`) })} · {t('workspace.plan', { plan: t(`workspace.plan.${workspace.plan}`) })}
        </p>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 lg:col-span-2">
          <h2 className="font-serif text-xl font-semibold">{t('workspace.home.booksTitle')}</h2>
          <p className="mt-3 text-sm leading-6 text-slate-600">{t('workspace.home.booksEmpty')}</p>
        </section>
        <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <h2 className="font-serif text-xl font-semibold">{t('workspace.home.members')}</h2>
          <ul className="mt-3 divide-y divide-slate-100">
            {members.map((m) => (
              <li key={m.userId} className="flex items-center justify-between py-2 text-sm">
                <span className="truncate">{m.displayName}</span>
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600">{t(`workspace.role.${m.role}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
