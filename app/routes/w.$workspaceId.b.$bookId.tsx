import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, NavLink, Outlet, useLoaderData, useNavigation } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { BookOutline } from '~/components/outline/book-outline.tsx'
import { getOpenBook } from '~/modules/books/books.server.ts'
import { createChapter, listOutline } from '~/modules/chapters/chapters.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { translator, useT } from '~/utils/i18n.ts'
import { resolveLocale } from '~/utils/locale.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { bookId, workspaceId } = params
  if (!isUuid(bookId)) throw new Response('Not found', { status: 404, headers })
  const found = await withUser(claims, async (tx) => {
    const book = await getOpenBook({ tx, bookId, workspaceId })
    return book ? { book, outline: await listOutline({ tx, bookId }) } : null
  })
  if (!found) throw new Response('Not found', { status: 404, headers })
  return json(
    { workspaceId: found.book.workspaceId, book: { id: found.book.id, title: found.book.title, language: found.book.language }, outline: found.outline },
    { headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { bookId, workspaceId } = params
  if (!isUuid(bookId)) throw new Response('Not found', { status: 404, headers })
  await readFormData(request)
  const t = translator(await resolveLocale(request))
  const created = await withUser(claims, async (tx) => {
    if (!(await getOpenBook({ tx, bookId, workspaceId }))) return null
    const count = (await listOutline({ tx, bookId })).length
    return createChapter({ tx, bookId, title: t('chapter.defaultTitle', { n: count + 1 }) })
  })
  if (!created) throw new Response('Not found', { status: 404, headers })
  throw redirect(`/w/${workspaceId}/b/${bookId}/c/${created.id}`, { headers })
}

export default function BookLayout() {
  const t = useT()
  const { book, outline, workspaceId } = useLoaderData<typeof loader>()
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="grid gap-8 lg:grid-cols-[16rem_1fr]">
      <aside className="lg:sticky lg:top-6 lg:self-start">
        <Link to={`/w/${workspaceId}`} className="text-sm text-violet-brand hover:underline">
          ← {t('book.back')}
        </Link>
        <h1 className="mt-2 font-serif text-2xl font-semibold text-indigo-brand">{book.title}</h1>
        <nav aria-label={t('book.outline')} className="mt-4">
          <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-400">{t('book.outline')}</h2>
          <BookOutline workspaceId={workspaceId} bookId={book.id} chapters={outline} />
          <Form method="post" className="mt-3">
            <button type="submit" disabled={busy} className="w-full rounded-lg px-2 py-1.5 text-left text-sm font-medium text-violet-brand hover:bg-white">
              + {t('chapter.add')}
            </button>
          </Form>
        </nav>
        <div className="mt-4 border-t border-slate-200 pt-3">
          <NavLink
            to="export"
            className={({ isActive }) =>
              `block rounded-lg px-2 py-1.5 text-sm font-medium ${isActive ? 'bg-white text-indigo-brand shadow-sm ring-1 ring-slate-200' : 'text-violet-brand hover:bg-white'}`
            }
          >
            {t('export.link')}
          </NavLink>
          <Link to={`/w/${workspaceId}/import?book=${book.id}`} className="block rounded-lg px-2 py-1.5 text-sm font-medium text-violet-brand hover:bg-white">
            {t('import.intoBook')}
          </Link>
          <NavLink
            to="settings"
            className={({ isActive }) =>
              `block rounded-lg px-2 py-1.5 text-sm font-medium ${isActive ? 'bg-white text-indigo-brand shadow-sm ring-1 ring-slate-200' : 'text-violet-brand hover:bg-white'}`
            }
          >
            {t('book.settings.link')}
          </NavLink>
        </div>
      </aside>
      <div className="min-w-0">
        <Outlet />
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
