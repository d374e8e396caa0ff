// Import a manuscript: upload, look at the chapter split, then create the book with all its
// chapters (or append them to a book the writer already has) in one transaction. The file is parsed again on confirm (a tenth of a second for
// a long novel), so nothing is stored between the two steps.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { BOOK_LANGUAGES, BOOK_TITLE_MAX, TitleSchema } from '~/modules/books/schema.ts'
import { listBooks } from '~/modules/books/books.server.ts'
import { importAsNewBook, importIntoBook, TooManyChapters } from '~/modules/import/import-book.server.ts'
import { IMPORT_EXTENSIONS } from '~/modules/import/formats.ts'
import { IMPORT_ERROR_STATUS, isImportError, parseManuscript, type ImportWarning } from '~/modules/import/import.server.ts'
// Not from the .server module: the page checks the size in the browser too.
import { MAX_IMPORT_BYTES } from '~/modules/import/errors.ts'
import { WorkspaceIdSchema } from '~/modules/workspaces/schema.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { useLocale, useT, type MessageKey, type Translate } from '~/utils/i18n.ts'
import { readFormData } from '~/utils/request-body.server.ts'

const NEW_BOOK = 'new'

const ImportFormSchema = z.object({
  intent: z.enum(['preview', 'import']),
  /** `new`, or the id of the book the chapters are appended to. */
  target: z.union([z.literal(NEW_BOOK), z.uuid()]).default(NEW_BOOK),
  title: z.union([TitleSchema, z.literal('')]).optional(),
  language: z.enum(BOOK_LANGUAGES),
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  const books = await withUser(claims, (tx) => listBooks({ tx, workspaceId: workspaceId.data }))
  const wanted = new URL(request.url).searchParams.get('book')
  const target = books.some((book) => book.id === wanted) ? wanted! : NEW_BOOK
  return json({ books: books.map((book) => ({ id: book.id, title: book.title })), target }, { headers })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  let formData: FormData
  try {
    formData = await readFormData(request, MAX_IMPORT_BYTES + 64 * 1024)
  } catch (error) {
    // A file over the limit gets the import page's own message, not the generic error page.
    if (!(error instanceof Response && error.status === 413)) throw error
    return json({ error: 'import.error.too_large' as MessageKey, preview: null }, { status: 413, headers })
  }
  const fields = ImportFormSchema.safeParse({
    intent: formData.get('intent'),
    target: formData.get('target') ?? undefined,
    title: formData.get('title') ?? '',
    language: formData.get('language'),
  })
  if (!fields.success) return json({ error: 'validation.invalidForm' as MessageKey, preview: null }, { status: 400, headers })
  const file = formData.get('file')
  if (!(file instanceof File) || (file.size === 0 && file.name === '')) return json({ error: 'import.error.noFile' as MessageKey, preview: null }, { status: 400, headers })
  let preview
  try {
    preview = await parseManuscript({ fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })
  } catch (error) {
    if (!isImportError(error)) throw error
    return json({ error: `import.error.${error.code}` as MessageKey, preview: null }, { status: IMPORT_ERROR_STATUS[error.code], headers })
  }
  const title = fields.data.title || preview.suggestedTitle.slice(0, BOOK_TITLE_MAX)
  if (fields.data.intent === 'preview') {
    const shown = {
      title,
      totalWords: preview.totalWords,
      warnings: preview.warnings,
      chapters: preview.chapters.map((c) => ({ title: c.title, wordCount: c.wordCount })),
    }
    return json({ error: null, preview: shown }, { headers })
  }
  const { target, language } = fields.data
  let done
  try {
    done = await withUser(claims, (tx) =>
      target === NEW_BOOK
        ? importAsNewBook({ tx, workspaceId: workspaceId.data, book: { title, language, genre: null, synopsis: null }, chapters: preview.chapters })
        : importIntoBook({ tx, workspaceId: workspaceId.data, bookId: target, chapters: preview.chapters }),
    )
  } catch (error) {
    if (!(error instanceof TooManyChapters)) throw error
    return json({ error: 'import.error.tooManyChapters' as MessageKey, preview: null }, { status: 422, headers })
  }
  if (!done) return json({ error: 'import.error.bookGone' as MessageKey, preview: null }, { status: 404, headers })
  throw redirect(`/w/${workspaceId.data}/b/${done.bookId}/c/${done.chapterId}`, { headers })
}

function warningText(t: Translate, warning: ImportWarning): string {
  switch (warning.code) {
    case 'title_page':
      return t('import.warning.title_page', { text: warning.text })
    case 'chapter_split':
      return t('import.warning.chapter_split', { title: warning.title, parts: warning.parts })
    default:
      return t(`import.warning.${warning.code}`)
  }
}

export default function ImportManuscript() {
  const t = useT()
  const locale = useLocale()
  const { books, target: initialTarget } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const preview = result?.preview ?? null
  const [target, setTarget] = useState(initialTarget)
  const intoNewBook = target === NEW_BOOK
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="font-serif text-3xl font-semibold">{t('import.title')}</h1>
        <p className="mt-2 text-sm leading-6 text-slate-600">{t('import.body')}</p>
      </div>
      {result?.error ? <Notice tone="error">{t(result.error)}</Notice> : null}
      <Form method="post" encType="multipart/form-data" className="space-y-4 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <div>
          <label htmlFor="import-file" className="block text-sm font-medium">
            {t('import.file')}
          </label>
          <input
            id="import-file"
            name="file"
            type="file"
            accept={IMPORT_EXTENSIONS.join(',')}
            required
            // Said before anything is uploaded: a file over the limit would only be refused.
            onChange={(event) => {
              const input = event.currentTarget
              const tooLarge = (input.files?.[0]?.size ?? 0) > MAX_IMPORT_BYTES
              input.setCustomValidity(tooLarge ? t('import.error.too_large') : '')
              if (tooLarge) input.reportValidity()
            }}
            className="mt-1 block w-full text-sm file:mr-3 file:rounded-lg file:border-0 file:bg-violet-50 file:px-3 file:py-2 file:font-semibold file:text-violet-brand" />
        </div>
        {books.length > 0 ? (
          <SelectField
            label={t('import.target')}
            name="target"
            value={target}
            onChange={(event) => setTarget(event.currentTarget.value)}
            options={[{ value: NEW_BOOK, label: t('import.target.new') }, ...books.map((book) => ({ value: book.id, label: t('import.target.book', { title: book.title }) }))]}
          />
        ) : null}
        {/* Hidden, not removed, when appending: the values still post and are ignored. */}
        <div className="space-y-4" hidden={!intoNewBook}>
          <Field label={t('import.bookTitle')} name="title" maxLength={BOOK_TITLE_MAX} defaultValue={preview?.title} key={preview?.title} />
          <SelectField
            label={t('book.field.language')}
            name="language"
            defaultValue={locale}
            options={BOOK_LANGUAGES.map((l) => ({ value: l, label: t(`book.language.${l}`) }))}
          />
        </div>
        <div className="flex flex-wrap gap-3">
          <Button type="submit" name="intent" value="preview" variant={preview ? 'secondary' : 'primary'} disabled={busy}>
            {t('import.preview')}
          </Button>
          {preview ? (
            <Button type="submit" name="intent" value="import" disabled={busy}>
              {intoNewBook ? t('import.confirm', { count: preview.chapters.length }) : t('import.confirmAppend', { count: preview.chapters.length })}
            </Button>
          ) : null}
        </div>
      </Form>
      {preview ? (
        <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-live="polite">
          <h2 className="font-serif text-xl font-semibold">{intoNewBook ? preview.title : (books.find((book) => book.id === target)?.title ?? preview.title)}</h2>
          <p className="text-sm text-slate-600">{t('import.summary', { chapters: preview.chapters.length, words: preview.totalWords.toLocaleString(locale) })}</p>
          {preview.warnings.length > 0 ? (
            <ul className="mt-3 space-y-1 rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
              {preview.warnings.map((warning, i) => (
                <li key={i}>{warningText(t, warning)}</li>
              ))}
            </ul>
          ) : null}
          <ol className="mt-3 max-h-96 divide-y divide-slate-100 overflow-auto text-sm">
            {preview.chapters.map((c, i) => (
              <li key={i} className="flex justify-between gap-4 py-1.5">
                <span className="truncate">{c.title}</span>
                <span className="shrink-0 text-slate-500">{t('chapter.words', { count: c.wordCount.toLocaleString(locale) })}</span>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
