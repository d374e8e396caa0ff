// Import a manuscript: upload, look at the chapter split, then create the book with all its
// chapters in one transaction. The file is parsed again on confirm (a tenth of a second for
// a long novel), so nothing is stored between the two steps.
import type { ActionFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { BOOK_LANGUAGES, BOOK_TITLE_MAX, TitleSchema } from '~/modules/books/schema.ts'
import { importAsNewBook } from '~/modules/import/import-book.server.ts'
import { IMPORT_EXTENSIONS } from '~/modules/import/formats.ts'
import { IMPORT_ERROR_STATUS, isImportError, MAX_IMPORT_BYTES, parseManuscript } from '~/modules/import/import.server.ts'
import { WorkspaceIdSchema } from '~/modules/workspaces/schema.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { useLocale, useT, type MessageKey } from '~/utils/i18n.ts'
import { readFormData } from '~/utils/request-body.server.ts'

const ImportFormSchema = z.object({
  intent: z.enum(['preview', 'import']),
  title: z.union([TitleSchema, z.literal('')]).optional(),
  language: z.enum(BOOK_LANGUAGES),
})

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  const formData = await readFormData(request, MAX_IMPORT_BYTES + 64 * 1024)
  const fields = ImportFormSchema.safeParse({ intent: formData.get('intent'), title: formData.get('title') ?? '', language: formData.get('language') })
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
  const title = fields.data.title || preview.titlePage?.split('\n')[0]?.trim().slice(0, BOOK_TITLE_MAX) || file.name.replace(/\.[^.]+$/, '').slice(0, BOOK_TITLE_MAX)
  if (fields.data.intent === 'preview') {
    return json(
      { error: null, preview: { title, totalWords: preview.totalWords, chapters: preview.chapters.map((c) => ({ title: c.title, wordCount: c.wordCount })) } },
      { headers },
    )
  }
  const created = await withUser(claims, (tx) =>
    importAsNewBook({ tx, workspaceId: workspaceId.data, book: { title, language: fields.data.language, genre: null, synopsis: null }, chapters: preview.chapters }),
  )
  throw redirect(`/w/${workspaceId.data}/b/${created.bookId}/c/${created.chapterId}`, { headers })
}

export default function ImportManuscript() {
  const t = useT()
  const locale = useLocale()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const preview = result?.preview ?? null
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
          <input id="import-file" name="file" type="file" accept={IMPORT_EXTENSIONS.join(',')} required className="mt-1 block w-full text-sm file:mr-3 file:rounded-lg file:border-0 file:bg-violet-50 file:px-3 file:py-2 file:font-semibold file:text-violet-brand" />
        </div>
        <Field label={t('import.bookTitle')} name="title" maxLength={BOOK_TITLE_MAX} defaultValue={preview?.title} />
        <SelectField
          label={t('book.field.language')}
          name="language"
          defaultValue={locale}
          options={BOOK_LANGUAGES.map((l) => ({ value: l, label: t(`book.language.${l}`) }))}
        />
        <div className="flex flex-wrap gap-3">
          <Button type="submit" name="intent" value="preview" variant={preview ? 'secondary' : 'primary'} disabled={busy}>
            {t('import.preview')}
          </Button>
          {preview ? (
            <Button type="submit" name="intent" value="import" disabled={busy}>
              {t('import.confirm', { count: preview.chapters.length })}
            </Button>
          ) : null}
        </div>
      </Form>
      {preview ? (
        <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-live="polite">
          <h2 className="font-serif text-xl font-semibold">{preview.title}</h2>
          <p className="text-sm text-slate-600">{t('import.summary', { chapters: preview.chapters.length, words: preview.totalWords.toLocaleString(locale) })}</p>
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
