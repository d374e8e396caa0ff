// A book's export page: choose a format and the whole book or one chapter, export, and
// download past exports (kept EXPORT_RETENTION_DAYS days). Opening the page also purges this
// workspace's expired exports (docs/decisions/010-exports.md).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation, useParams, useSearchParams } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { getOpenBook } from '~/modules/books/books.server.ts'
import { listOutline } from '~/modules/chapters/chapters.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { createExport, ExportError, listExports, purgeExpiredExports } from '~/modules/export/exports.server.ts'
import { EXPORT_FORMATS, EXPORT_RETENTION_DAYS, ExportFormSchema, FORMAT_LABEL, type ExportFormat } from '~/modules/export/schema.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { parseForm } from '~/utils/forms.ts'
import { useLocale, useT, type Locale, type MessageKey } from '~/utils/i18n.ts'
import { readFormData } from '~/utils/request-body.server.ts'

const FORMAT_HINT: Record<ExportFormat, MessageKey> = {
  md: 'export.formatHint.md',
  docx: 'export.formatHint.docx',
  epub: 'export.formatHint.epub',
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { workspaceId, bookId } = params
  if (!isUuid(workspaceId) || !isUuid(bookId)) throw new Response('Not found', { status: 404, headers })
  const open = await withUser(claims, async (tx) => Boolean(await getOpenBook({ tx, bookId, workspaceId })))
  if (!open) throw new Response('Not found', { status: 404, headers })
  // Only for a member of this workspace (checked above); a failed purge is retried next time.
  await purgeExpiredExports({ workspaceId }).catch((error: unknown) => console.error('purging expired exports failed:', error))
  const found = await withUser(claims, async (tx) => ({ chapters: await listOutline({ tx, bookId }), exports: await listExports({ tx, bookId }) }))
  return json({ chapters: found.chapters.map((c) => ({ id: c.id, title: c.title })), exports: found.exports }, { headers })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, supabase, headers } = await requireUser(request)
  const { workspaceId, bookId } = params
  if (!isUuid(workspaceId) || !isUuid(bookId)) throw new Response('Not found', { status: 404, headers })
  const form = parseForm(ExportFormSchema, await readFormData(request))
  if (!form.ok) {
    const error = form.fieldErrors.format ?? form.fieldErrors.chapterId ?? 'validation.invalidForm'
    return json({ error, created: null }, { status: 400, headers })
  }
  try {
    const created = await createExport({ claims, supabase, tenantId: workspaceId, bookId, chapterId: form.data.chapterId || null, format: form.data.format })
    return json({ error: null, created: { id: created.id, fileName: created.fileName } }, { headers })
  } catch (error) {
    if (!(error instanceof ExportError)) throw error
    if (error.code === 'not_found') throw new Response('Not found', { status: 404, headers })
    if (error.status >= 500) console.error(error.message)
    return json({ error: error.messageKey, created: null }, { status: error.status, headers })
  }
}

export default function BookExport() {
  const t = useT()
  const locale = useLocale()
  const { chapters, exports } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const [search] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  const { workspaceId, bookId } = useParams()
  const downloadHref = (exportId: string) => `/w/${workspaceId}/b/${bookId}/export/${exportId}/download`
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h2 className="font-serif text-3xl font-semibold text-indigo-brand">{t('export.title')}</h2>
        <p className="mt-2 text-sm leading-6 text-slate-600">{t('export.body', { days: EXPORT_RETENTION_DAYS })}</p>
      </div>

      {search.get('gone') !== null && !result ? <Notice tone="info">{t('export.gone')}</Notice> : null}
      {result?.error ? <Notice tone="error">{t(result.error)}</Notice> : null}
      {result?.created ? (
        <Notice tone="success">
          {t('export.ready', { file: result.created.fileName })}{' '}
          <a href={downloadHref(result.created.id)} className="font-semibold underline">
            {t('export.download')}
          </a>
        </Notice>
      ) : null}

      <Form method="post" className="space-y-5 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <fieldset>
          <legend className="text-sm font-medium text-indigo-brand">{t('export.formatLegend')}</legend>
          <div className="mt-2 grid gap-3 sm:grid-cols-3">
            {EXPORT_FORMATS.map((format, index) => (
              <label
                key={format}
                className="flex cursor-pointer gap-3 rounded-xl p-3 ring-1 ring-inset ring-slate-200 hover:bg-slate-50 has-[:checked]:bg-violet-50 has-[:checked]:ring-2 has-[:checked]:ring-violet-brand"
              >
                <input type="radio" name="format" value={format} defaultChecked={index === 0} className="mt-1 accent-violet-brand" />
                <span>
                  <span className="block text-sm font-semibold text-indigo-brand">{t(FORMAT_LABEL[format])}</span>
                  <span className="mt-0.5 block text-xs leading-5 text-slate-600">{t(FORMAT_HINT[format])}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <SelectField
          label={t('export.scope')}
          name="chapterId"
          defaultValue=""
          options={[
            { value: '', label: chapters.length === 1 ? t('export.scope.bookOne') : t('export.scope.book', { count: chapters.length }) },
            ...chapters.map((c) => ({ value: c.id, label: c.title })),
          ]}
        />
        <Button type="submit" disabled={busy}>
          {busy ? t('export.submitting') : t('export.submit')}
        </Button>
      </Form>

      <section aria-labelledby="past-exports">
        <h3 id="past-exports" className="font-serif text-xl font-semibold text-indigo-brand">
          {t('export.history')}
        </h3>
        {exports.length === 0 ? (
          <p className="mt-3 rounded-2xl border border-dashed border-slate-300 p-6 text-sm text-slate-600">{t('export.empty')}</p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-100 rounded-2xl bg-white shadow-sm ring-1 ring-slate-200">
            {exports.map((item) => {
              const name = item.chapterTitle ?? t('export.wholeBook')
              return (
                <li key={item.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
                  <div className="min-w-0">
                    <p className="truncate text-sm font-semibold text-indigo-brand">
                      {name} <span className="font-normal text-slate-500">· {t(FORMAT_LABEL[item.format])} · {fileSize(item.byteSize, locale)}</span>
                    </p>
                    <p className="text-xs text-slate-500">
                      {when(item.createdAt, locale)}
                      {item.createdByName ? ` · ${t('export.by', { name: item.createdByName })}` : ''} ·{' '}
                      {t('export.expires', { date: when(item.expiresAt, locale) })}
                    </p>
                  </div>
                  <a
                    href={downloadHref(item.id)}
                    aria-label={t('export.downloadNamed', { file: `${name} (${t(FORMAT_LABEL[item.format])})` })}
                    className="rounded-lg px-3 py-1.5 text-sm font-semibold text-violet-brand ring-1 ring-inset ring-violet-200 hover:bg-violet-50"
                  >
                    {t('export.download')}
                  </a>
                </li>
              )
            })}
          </ul>
        )}
      </section>
    </div>
  )
}

function when(date: string, locale: Locale): string {
  return new Date(date).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })
}

function fileSize(bytes: number, locale: Locale): string {
  const kilobytes = bytes / 1000
  if (kilobytes < 1000) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: kilobytes < 10 ? 1 : 0 }).format(kilobytes)
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(kilobytes / 1000)
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
