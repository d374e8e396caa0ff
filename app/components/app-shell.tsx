import { Form, Link, NavLink, useLocation, useRouteLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import type { WorkspaceSummary } from '~/modules/workspaces/workspaces.server.ts'
import type { loader as rootLoader } from '~/root.tsx'
import { useT } from '~/utils/i18n.ts'
import { Wordmark } from './ui/wordmark.tsx'

type ShellProps = {
  workspaces: Pick<WorkspaceSummary, 'id' | 'name' | 'personal'>[]
  current?: Pick<WorkspaceSummary, 'id' | 'name'>
  children: ReactNode
}

/** The frame of every signed-in page: brand, workspace switcher, account menu. */
export function AppShell({ workspaces, current, children }: ShellProps) {
  const t = useT()
  // The root loader already read the signed-in user's profile for this request.
  const user = useRouteLoaderData<typeof rootLoader>('root')?.user ?? { displayName: '', email: '' }
  // Re-mounting the menu on every navigation closes it once a workspace is picked.
  const { key: locationKey } = useLocation()
  return (
    <div className="min-h-screen bg-paper">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-6 py-3">
          <Wordmark to="/app" className="text-xl" />
          <details key={locationKey} className="group relative">
            <summary
              className="flex cursor-pointer list-none items-center gap-2 rounded-lg [&::-webkit-details-marker]:hidden px-3 py-1.5 text-sm font-medium text-indigo-brand ring-1 ring-slate-200 hover:bg-slate-50"
              aria-label={t('workspace.switcher.label')}
            >
              <span className="max-w-[16rem] truncate">{current?.name ?? t('nav.workspaces')}</span>
              <span aria-hidden className="inline-block text-slate-400 transition group-open:rotate-180">▾</span>
            </summary>
            <div className="absolute left-0 z-20 mt-2 w-72 rounded-xl bg-white p-2 shadow-lg ring-1 ring-slate-200">
              <p className="px-2 pb-1 pt-1 text-xs font-semibold uppercase tracking-wide text-slate-400">{t('nav.workspaces')}</p>
              <ul>
                {workspaces.map((w) => (
                  <li key={w.id}>
                    <Link
                      to={`/w/${w.id}`}
                      className={`block truncate rounded-lg px-2 py-2 text-sm hover:bg-slate-50 ${w.id === current?.id ? 'font-semibold text-violet-brand' : 'text-indigo-brand'}`}
                      aria-current={w.id === current?.id ? 'page' : undefined}
                    >
                      {w.name}
                    </Link>
                  </li>
                ))}
              </ul>
              <Link to="/workspaces/new" className="mt-1 block rounded-lg border-t border-slate-100 px-2 py-2 text-sm font-medium text-violet-brand hover:bg-slate-50">
                + {t('nav.newWorkspace')}
              </Link>
            </div>
          </details>
          <nav className="ml-auto flex items-center gap-1 text-sm">
            {current ? (
              <NavLink to={`/w/${current.id}/usage`} className={({ isActive }) => `rounded-md px-3 py-1.5 ${isActive ? 'bg-slate-100 font-semibold' : 'hover:bg-slate-50'}`}>
                {t('usage.nav')}
              </NavLink>
            ) : null}
            {current ? (
              <NavLink to={`/w/${current.id}/trash`} className={({ isActive }) => `rounded-md px-3 py-1.5 ${isActive ? 'bg-slate-100 font-semibold' : 'hover:bg-slate-50'}`}>
                {t('trash.nav')}
              </NavLink>
            ) : null}
            {current ? (
              <NavLink to={`/w/${current.id}/settings`} className={({ isActive }) => `rounded-md px-3 py-1.5 ${isActive ? 'bg-slate-100 font-semibold' : 'hover:bg-slate-50'}`}>
                {t('nav.settings')}
              </NavLink>
            ) : null}
            <NavLink
              to="/account"
              className={({ isActive }) => `rounded-md px-3 py-1.5 ${isActive ? 'bg-slate-100 font-semibold' : 'hover:bg-slate-50'}`}
              title={user.email}
              aria-label={`${t('nav.account')}: ${user.displayName}`}
            >
              {user.displayName}
            </NavLink>
            <Form method="post" action="/logout">
              <button type="submit" className="rounded-md px-3 py-1.5 text-slate-600 hover:bg-slate-50">
                {t('nav.signOut')}
              </button>
            </Form>
          </nav>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-6 py-10">{children}</main>
    </div>
  )
}
