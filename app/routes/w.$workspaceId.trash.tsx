// The workspace's trash: trashed books, and chapters trashed from books that are not, each
// restorable until the purge deletes it for good. Opening the page runs the purge for this
// workspace first, so nothing past the retention period is ever shown (decision 011).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { getBook, listTrash, restoreBook } from '~/modules/books/books.server.ts'
import { getChapter, restoreChapter } from '~/modules/chapters/chapters.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { purgeTrash } from '~/modules/trash/purge.server.ts'
import { TRASH_RETENTION_DAYS, daysLeft } from '~/modules/trash/retention.ts'
import { RestoreSchema } from '~/modules/trash/schema.ts'
import { WorkspaceIdSchema } from '~/modules/workspaces/schema.ts'
import { getWorkspace } from '~/modules/workspaces/workspaces.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser, type Tx } from '~/utils/db.server.ts'
import { useLocale, useT, type MessageKey } from '~/utils/i18n.ts'
import { readFormData } from '~/utils/request-body.server.ts'

/** The workspace id from the URL, or 404 when it is malformed or not the caller's. */
async function requireMember(tx: Tx, workspaceId: string | undefined, headers: Headers): Promise<string> {
  const parsed = WorkspaceIdSchema.safeParse(workspaceId)
  if (!parsed.success || !(await getWorkspace({ tx, workspaceId: parsed.data }))) throw new Response('Not found', { status: 404, headers })
  return parsed.data
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = await withUser(claims, (tx) => requireMember(tx, params.workspaceId, headers))
  try {
    await purgeTrash({ workspaceId })
  } catch (error) {
    // The page still lists the trash; the purge is tried again next time.
    console.error('trash purge failed', error)
  }
  const search = new URL(request.url).searchParams
  const restoredId = search.get('restored')
  const { trash, restored } = await withUser(claims, async (tx) => ({
    trash: await listTrash({ tx, workspaceId }),
    restored: isUuid(restoredId) ? await describeRestored(tx, workspaceId, restoredId) : null,
  }))
  const now = new Date()
  const withDaysLeft = <T extends { deletedAt: Date }>(item: T) => ({ ...item, daysLeft: daysLeft(item.deletedAt, now) })
  return json({ books: trash.books.map(withDaysLeft), chapters: trash.chapters.map(withDaysLeft), restored }, { headers })
}

/** What "restored" names, for the notice after a restore; null if it is not (or no longer) out of the trash. */
async function describeRestored(tx: Tx, workspaceId: string, id: string) {
  const book = await getBook({ tx, bookId: id })
  if (book && book.workspaceId === workspaceId && !book.deletedAt) return { kind: 'book' as const, title: book.title, to: `/w/${workspaceId}/b/${book.id}` }
  const chapter = await getChapter({ tx, chapterId: id })
  if (!chapter || chapter.workspaceId !== workspaceId || chapter.deletedAt) return null
  const parent = await getBook({ tx, bookId: chapter.bookId })
  if (!parent) return null
  return { kind: 'chapter' as const, title: chapter.title, book: parent.title, to: `/w/${workspaceId}/b/${parent.id}/c/${chapter.id}` }
}

type Refusal = { error: MessageKey; title?: string; book?: string; bookId?: string }

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const form = await readFormData(request)
  const outcome = await withUser(claims, async (tx) => {
    const workspaceId = await requireMember(tx, params.workspaceId, headers)
    const parsed = RestoreSchema.safeParse(Object.fromEntries(form))
    if (!parsed.success) return { status: 400, refusal: { error: 'trash.error.invalid' } } as const
    const { intent, id, then } = parsed.data
    const notFound = { status: 404, refusal: { error: 'trash.error.notFound' } } as const

    if (intent === 'restoreBook') {
      const book = await getBook({ tx, bookId: id })
      if (!book || book.workspaceId !== workspaceId || !book.deletedAt || !(await restoreBook({ tx, bookId: id }))) return notFound
      return { status: 302, to: then === 'open' ? `/w/${workspaceId}/b/${id}` : `/w/${workspaceId}/trash?restored=${id}` } as const
    }

    const chapter = await getChapter({ tx, chapterId: id })
    if (!chapter || chapter.workspaceId !== workspaceId) return notFound
    const restored = await restoreChapter({ tx, chapterId: id })
    if (restored === 'not_in_trash') return notFound
    if (restored === 'book_in_trash') {
      const book = await getBook({ tx, bookId: chapter.bookId })
      return { status: 409, refusal: { error: 'trash.error.bookInTrash', title: chapter.title, book: book?.title ?? '', bookId: chapter.bookId } } as const
    }
    return { status: 302, to: then === 'open' ? `/w/${workspaceId}/b/${chapter.bookId}/c/${id}` : `/w/${workspaceId}/trash?restored=${id}` } as const
  })
  if (outcome.status === 302) throw redirect(outcome.to, { headers })
  return json<Refusal>(outcome.refusal, { status: outcome.status, headers })
}

export default function TrashPage() {
  const t = useT()
  const locale = useLocale()
  const { books, chapters, restored } = useLoaderData<typeof loader>()
  const refusal = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const when = (date: string) => new Date(date).toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' })
  const left = (days: number) => (days === 0 ? t('trash.lastDay') : days === 1 ? t('trash.oneDayLeft') : t('trash.daysLeft', { days }))

  return (
    <div className="max-w-3xl space-y-8">
      <div>
        <h1 className="font-serif text-3xl font-semibold text-indigo-brand">{t('trash.title')}</h1>
        <p className="mt-2 text-sm leading-6 text-slate-600">{t('trash.intro', { days: TRASH_RETENTION_DAYS })}</p>
      </div>

      {restored && !refusal ? (
        <Notice tone="success">
          {restored.kind === 'book' ? t('trash.restored.book', { title: restored.title }) : t('trash.restored.chapter', { title: restored.title, book: restored.book })}{' '}
          <Link to={restored.to} className="font-semibold text-violet-brand underline-offset-2 hover:underline">
            {t('trash.open')}
          </Link>
        </Notice>
      ) : null}

      {refusal ? (
        // A chapter whose book is in the trash is not a failure: the way out is one click away.
        <Notice tone={refusal.bookId ? 'info' : 'error'}>
          <p>{t(refusal.error, { title: refusal.title ?? '', book: refusal.book ?? '' })}</p>
          {refusal.bookId ? (
            <Form method="post" className="mt-2">
              <input type="hidden" name="intent" value="restoreBook" />
              <input type="hidden" name="id" value={refusal.bookId} />
              <button type="submit" disabled={busy} className="font-semibold text-violet-brand underline-offset-2 hover:underline">
                {t('trash.restoreBook', { book: refusal.book ?? '' })}
              </button>
            </Form>
          ) : null}
        </Notice>
      ) : null}

      <TrashSection title={t('trash.books')} empty={t('trash.booksEmpty')}>
        {books.map((book) => (
          <TrashRow key={book.id} intent="restoreBook" id={book.id} title={book.title} meta={`${t('trash.deletedOn', { date: when(book.deletedAt) })} · ${left(book.daysLeft)}`} busy={busy} />
        ))}
      </TrashSection>

      <TrashSection title={t('trash.chapters')} empty={t('trash.chaptersEmpty')}>
        {chapters.map((chapter) => (
          <TrashRow
            key={chapter.id}
            intent="restoreChapter"
            id={chapter.id}
            title={chapter.title}
            detail={t('trash.inBook', { book: chapter.bookTitle })}
            meta={`${t('trash.deletedOn', { date: when(chapter.deletedAt) })} · ${left(chapter.daysLeft)}`}
            busy={busy}
          />
        ))}
      </TrashSection>
    </div>
  )
}

function TrashSection({ title, empty, children }: { title: string; empty: string; children: React.ReactNode[] }) {
  return (
    <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 className="font-serif text-xl font-semibold">{title}</h2>
      {children.length === 0 ? <p className="mt-3 text-sm text-slate-600">{empty}</p> : <ul className="mt-3 divide-y divide-slate-100">{children}</ul>}
    </section>
  )
}

function TrashRow({ intent, id, title, detail, meta, busy }: { intent: string; id: string; title: string; detail?: string; meta: string; busy: boolean }) {
  const t = useT()
  return (
    <li className="flex items-center justify-between gap-4 py-3">
      <div className="min-w-0">
        <p className="truncate font-serif text-lg text-indigo-brand">{title}</p>
        {detail ? <p className="text-sm text-slate-600">{detail}</p> : null}
        <p className="text-xs text-slate-500">{meta}</p>
      </div>
      <Form method="post" className="shrink-0">
        <input type="hidden" name="intent" value={intent} />
        <input type="hidden" name="id" value={id} />
        <button
          type="submit"
          disabled={busy}
          aria-label={`${t('trash.restore')}: ${title}`}
          className="rounded-lg px-3 py-1.5 text-sm font-semibold text-violet-brand ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-60"
        >
          {t('trash.restore')}
        </button>
      </Form>
    </li>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
