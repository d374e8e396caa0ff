import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteLoaderData, useSearchParams } from '@remix-run/react'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { BOOK_LANGUAGES, BOOK_TITLE_MAX, BookFormSchema } from '~/modules/books/schema.ts'
import { createBook, getBook, listBooks } from '~/modules/books/books.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { TRASH_RETENTION_DAYS } from '~/modules/trash/retention.ts'
import { TrashedNotice } from '~/components/trash-notice.tsx'
import { parseForm } from '~/utils/forms.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { useLocale } from '~/utils/i18n.ts'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { WorkspaceIdSchema } from '~/modules/workspaces/schema.ts'
import { OnboardingCard } from '~/components/onboarding-card.tsx'
import { getOnboardingOffer } from '~/modules/onboarding/onboarding.server.ts'
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
  // After a book was moved to the trash: its title, for the notice with Undo.
  const trashedId = new URL(request.url).searchParams.get('trashed')
  // RLS returns nothing of a workspace the caller does not belong to.
  const { members, books, trashed, onboarding } = await withUser(claims, async (tx) => {
    const books = await listBooks({ tx, workspaceId: workspaceId.data })
    return {
      members: await listMembers({ tx, workspaceId: workspaceId.data }),
      books,
      trashed: isUuid(trashedId) ? await getBook({ tx, bookId: trashedId }) : null,
      // The first-run wizard (decision 022): offered while this workspace has no book.
      onboarding: await getOnboardingOffer({ tx, workspaceId: workspaceId.data, hasBooks: books.length > 0 }),
    }
  })
  const trashedBook = trashed?.deletedAt && trashed.workspaceId === workspaceId.data ? { id: trashed.id, title: trashed.title } : null
  return json({ members, books, trashedBook, onboarding }, { headers })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  const form = parseForm(BookFormSchema, await readFormData(request))
  if (!form.ok) return json({ fieldErrors: form.fieldErrors, values: form.values }, { status: 400, headers })
  const created = await withUser(claims, (tx) => createBook({ tx, workspaceId: workspaceId.data, input: form.data }))
  throw redirect(`/w/${workspaceId.data}/b/${created.bookId}/c/${created.chapterId}`, { headers })
}

export default function WorkspaceHome() {
  const t = useT()
  const { members, books, trashedBook, onboarding } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const locale = useLocale()
  const parent = useRouteLoaderData<typeof workspaceLoader>('routes/w.$workspaceId')
  const [params] = useSearchParams()
  const notice = NOTICES[params.get('notice') ?? '']
  if (!parent) return null
  const { workspace } = parent
  return (
    <div className="space-y-8">
      {notice ? <Notice tone="success">{t(notice)}</Notice> : null}
      {trashedBook ? (
        <TrashedNotice workspaceId={workspace.id} kind="book" id={trashedBook.id} title={trashedBook.title} message={t('trash.bookTrashed', { title: trashedBook.title, days: TRASH_RETENTION_DAYS })} />
      ) : null}
      {onboarding ? <OnboardingCard workspaceId={workspace.id} offer={onboarding} /> : null}
      <div>
        <p className="text-sm font-medium text-violet-brand">{workspace.personal ? t('workspace.home.personal') : t('workspace.home.shared')}</p>
        <h1 className="mt-1 font-serif text-3xl font-semibold text-indigo-brand">{workspace.name}</h1>
        <p className="mt-2 text-sm text-slate-600">
          {t('workspace.home.role', { role: t(`workspace.role.${workspace.role}`) })} · {t('workspace.plan', { plan: t(`workspace.plan.${workspace.plan}`) })}
        </p>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 lg:col-span-2">
          <div className="flex items-baseline justify-between gap-4">
            <h2 className="font-serif text-xl font-semibold">{t('book.list.title')}</h2>
            <Link to={`/w/${workspace.id}/import`} className="text-sm font-medium text-violet-brand hover:underline">
              {t('import.link')}
            </Link>
          </div>
          {books.length === 0 ? (
            <p className="mt-3 text-sm leading-6 text-slate-600">{t('book.list.empty')}</p>
          ) : (
            <ul className="mt-3 divide-y divide-slate-100">
              {books.map((book) => (
                <li key={book.id}>
                  <Link to={`/w/${workspace.id}/b/${book.id}`} className="-mx-2 flex items-baseline justify-between gap-4 rounded-lg px-2 py-3 hover:bg-slate-50">
                    <span className="font-serif text-lg text-indigo-brand">{book.title}</span>
                    <span className="shrink-0 text-right text-xs text-slate-500">
                      {t('book.list.stats', { chapters: book.chapterCount, words: book.wordCount.toLocaleString(locale) })}
                      <br />
                      {t('book.list.edited', { date: new Date(book.lastEditedAt).toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' }) })}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <Form method="post" className="mt-6 grid gap-3 border-t border-slate-100 pt-5 sm:grid-cols-[1fr_auto]" noValidate>
            <h3 className="text-sm font-semibold sm:col-span-2">{t('book.new.title')}</h3>
            <Field
              label={t('book.field.title')}
              name="title"
              maxLength={BOOK_TITLE_MAX}
              defaultValue={result?.values?.title}
              error={result?.fieldErrors.title ? t(result.fieldErrors.title, { max: BOOK_TITLE_MAX }) : undefined}
              required
            />
            <SelectField
              label={t('book.field.language')}
              name="language"
              defaultValue={result?.values?.language ?? locale}
              options={BOOK_LANGUAGES.map((l) => ({ value: l, label: t(`book.language.${l}`) }))}
            />
            <Field label={t('book.field.genre')} name="genre" maxLength={80} defaultValue={result?.values?.genre} className="sm:col-span-2" />
            <Button type="submit" disabled={busy} className="sm:col-span-2 sm:justify-self-start">
              {t('book.new.submit')}
            </Button>
          </Form>
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
