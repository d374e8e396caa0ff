// A book's settings: its title, language, genre and synopsis, and moving it to the trash
// (after a confirmation). Shown beside the book's outline.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { getOpenBook, trashBook, updateBook } from '~/modules/books/books.server.ts'
import { BOOK_LANGUAGES, BOOK_TITLE_MAX, BookFormSchema, GENRE_MAX, SYNOPSIS_MAX } from '~/modules/books/schema.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { TRASH_RETENTION_DAYS } from '~/modules/trash/retention.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { parseForm } from '~/utils/forms.ts'
import { useT } from '~/utils/i18n.ts'
import { readFormData } from '~/utils/request-body.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { bookId, workspaceId } = params
  if (!isUuid(bookId)) throw new Response('Not found', { status: 404, headers })
  const book = await withUser(claims, (tx) => getOpenBook({ tx, bookId, workspaceId }))
  if (!book) throw new Response('Not found', { status: 404, headers })
  return json({ book: { title: book.title, language: book.language, genre: book.genre, synopsis: book.synopsis } }, { headers })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { bookId, workspaceId } = params
  if (!isUuid(bookId)) throw new Response('Not found', { status: 404, headers })
  const formData = await readFormData(request)

  if (formData.get('intent') === 'trash') {
    const trashed = await withUser(claims, async (tx) => Boolean(await getOpenBook({ tx, bookId, workspaceId })) && trashBook({ tx, bookId }))
    if (!trashed) throw new Response('Not found', { status: 404, headers })
    throw redirect(`/w/${workspaceId}?trashed=${bookId}`, { headers })
  }

  const form = parseForm(BookFormSchema, formData)
  if (!form.ok) return json({ saved: false, fieldErrors: form.fieldErrors, values: form.values }, { status: 400, headers })
  const updated = await withUser(claims, async (tx) => Boolean(await getOpenBook({ tx, bookId, workspaceId })) && updateBook({ tx, bookId, input: form.data }))
  if (!updated) throw new Response('Not found', { status: 404, headers })
  return json({ saved: true, fieldErrors: null, values: null }, { headers })
}

export default function BookSettings() {
  const t = useT()
  const { book } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const errors = result?.fieldErrors
  const values = result?.values
  const textareaId = 'book-synopsis'
  return (
    <div className="max-w-2xl space-y-8">
      <div>
        <h1 className="font-serif text-3xl font-semibold text-indigo-brand">{t('book.settings.title')}</h1>
        <p className="mt-2 text-sm text-slate-600">{t('book.settings.body')}</p>
      </div>
      {result?.saved ? <Notice tone="success">{t('book.settings.saved')}</Notice> : null}
      {errors?.form ? <Notice tone="error">{t(errors.form)}</Notice> : null}

      <Form method="post" noValidate className="grid gap-4 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2" key={`${book.title}:${book.language}:${book.genre}`}>
        <Field
          label={t('book.field.title')}
          name="title"
          defaultValue={values?.title ?? book.title}
          maxLength={BOOK_TITLE_MAX}
          error={errors?.title ? t(errors.title, { max: BOOK_TITLE_MAX }) : undefined}
          required
          className="sm:col-span-2"
        />
        <SelectField
          label={t('book.field.language')}
          name="language"
          defaultValue={values?.language ?? book.language}
          options={BOOK_LANGUAGES.map((l) => ({ value: l, label: t(`book.language.${l}`) }))}
        />
        <Field
          label={t('book.field.genre')}
          name="genre"
          defaultValue={values?.genre ?? book.genre ?? ''}
          maxLength={GENRE_MAX}
          error={errors?.genre ? t(errors.genre, { max: GENRE_MAX }) : undefined}
        />
        <div className="sm:col-span-2">
          <label htmlFor={textareaId} className="block text-sm font-medium text-indigo-brand">
            {t('book.field.synopsis')}
          </label>
          <textarea
            id={textareaId}
            name="synopsis"
            rows={5}
            maxLength={SYNOPSIS_MAX}
            defaultValue={values?.synopsis ?? book.synopsis ?? ''}
            aria-invalid={errors?.synopsis ? true : undefined}
            aria-describedby={errors?.synopsis ? `${textareaId}-error` : undefined}
            className="mt-1 block w-full rounded-lg border-0 px-3 py-2.5 text-indigo-brand shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-violet-brand"
          />
          {errors?.synopsis ? (
            <p id={`${textareaId}-error`} role="alert" className="mt-1 text-sm text-rose-600">
              {t(errors.synopsis, { max: SYNOPSIS_MAX })}
            </p>
          ) : null}
        </div>
        <Button type="submit" disabled={busy} className="sm:col-span-2 sm:justify-self-start">
          {t('book.settings.save')}
        </Button>
      </Form>

      <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-rose-200">
        <h2 className="font-serif text-xl font-semibold text-indigo-brand">{t('book.trash.title')}</h2>
        <p className="mt-2 text-sm leading-6 text-slate-600">{t('book.trash.body', { days: TRASH_RETENTION_DAYS })}</p>
        <details className="group mt-4">
          <summary className="inline-flex cursor-pointer list-none rounded-lg px-3 py-2 text-sm font-semibold text-rose-700 ring-1 ring-inset ring-rose-200 hover:bg-rose-50 [&::-webkit-details-marker]:hidden">
            {t('book.trash.ask')}
          </summary>
          <Form method="post" className="mt-3">
            <input type="hidden" name="intent" value="trash" />
            <button type="submit" disabled={busy} className="rounded-lg bg-rose-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-rose-700 disabled:opacity-60">
              {t('book.trash.confirm', { title: book.title })}
            </button>
          </Form>
        </details>
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
