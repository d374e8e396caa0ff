// A chapter's history: save a labelled version, see every version (including the text of a
// conflicting tab), compare any of them with now or with another version word by word, and restore one — which
// first keeps the current text as a version, so nothing is lost.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { diffWords } from 'diff'
import { z } from 'zod'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { getOpenChapter } from '~/modules/chapters/chapters.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { VERSION_LABEL_MAX, VersionLabelSchema } from '~/modules/chapters/schema.ts'
import { createSnapshot, getVersion, listVersions, restoreVersion } from '~/modules/chapters/versions.server.ts'
import { toPlainText } from '~/modules/manuscript/plain-text.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { useLocale, useT, type MessageKey } from '~/utils/i18n.ts'
import { readFormData } from '~/utils/request-body.server.ts'

const HistoryActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('snapshot'), label: VersionLabelSchema }),
  z.object({ intent: z.literal('restore'), versionId: z.uuid() }),
])

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { chapterId, bookId } = params
  if (!isUuid(chapterId)) throw new Response('Not found', { status: 404, headers })
  // ?compare=<version> compares it with now; &with=<version> compares two versions instead.
  const search = new URL(request.url).searchParams
  const compareId = search.get('compare')
  const withId = search.get('with')
  const data = await withUser(claims, async (tx) => {
    const chapter = await getOpenChapter({ tx, chapterId, bookId })
    if (!chapter) return null
    const versions = await listVersions({ tx, chapterId })
    // Another chapter's (or workspace's) version is simply not there to compare.
    const ofThisChapter = async (id: string | null) => {
      const version = isUuid(id) ? await getVersion({ tx, versionId: id }) : null
      return version && version.chapterId === chapterId ? version : null
    }
    const from = await ofThisChapter(compareId)
    const to = await ofThisChapter(withId)
    const diff = from
      ? {
          versionId: from.id,
          withVersionId: to?.id ?? null,
          label: from.label,
          parts: diffWords(from.plainText, to ? to.plainText : toPlainText(chapter.content)).map((p) => ({ value: p.value, added: Boolean(p.added), removed: Boolean(p.removed) })),
        }
      : null
    return { chapter: { id: chapter.id, title: chapter.title }, versions, diff }
  })
  if (!data) throw new Response('Not found', { status: 404, headers })
  return json(data, { headers })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { chapterId, bookId } = params
  if (!isUuid(chapterId)) throw new Response('Not found', { status: 404, headers })
  const parsed = HistoryActionSchema.safeParse(Object.fromEntries(await readFormData(request)))
  if (!parsed.success) return json({ error: 'validation.invalidForm' as MessageKey }, { status: 400, headers })
  const form = parsed.data
  const done = await withUser(claims, async (tx) => {
    if (!(await getOpenChapter({ tx, chapterId, bookId }))) return null
    if (form.intent === 'snapshot') {
      await createSnapshot({ tx, chapterId, label: form.label })
      return 'saved'
    }
    const version = await getVersion({ tx, versionId: form.versionId })
    if (!version || version.chapterId !== chapterId) return null
    await restoreVersion({ tx, versionId: form.versionId })
    return 'restored'
  })
  if (!done) throw new Response('Not found', { status: 404, headers })
  throw redirect(`${new URL(request.url).pathname}?notice=${done}`, { headers })
}

export default function ChapterHistory() {
  const t = useT()
  const locale = useLocale()
  const { chapter, versions, diff } = useLoaderData<typeof loader>()
  const [params] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  const notice = params.get('notice')
  const when = (date: string) => new Date(date).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })
  const nameOf = (v: { label: string | null; kind: string; createdAt: string }) => v.label ?? `${t(`history.kind.${v.kind}` as MessageKey)} · ${when(v.createdAt)}`
  const versionName = (id: string) => {
    const version = versions.find((v) => v.id === id)
    return version ? nameOf(version) : ''
  }
  return (
    <article className="space-y-6">
      <div>
        <Link to=".." relative="path" className="text-sm text-violet-brand hover:underline">
          ← {t('history.back')}
        </Link>
        <h2 className="mt-2 font-serif text-3xl font-semibold text-indigo-brand">{t('history.title')}</h2>
        <p className="text-slate-600">{chapter.title}</p>
      </div>
      {notice === 'saved' ? <Notice tone="success">{t('history.saved')}</Notice> : null}
      {notice === 'restored' ? <Notice tone="success">{t('history.restored')}</Notice> : null}
      {/* Keyed by the number of versions: the label field empties once its version is saved. */}
      <Form key={versions.length} method="post" className="flex flex-wrap items-end gap-3 rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <input type="hidden" name="intent" value="snapshot" />
        <Field label={t('history.label')} name="label" maxLength={VERSION_LABEL_MAX} className="min-w-[16rem] flex-1" />
        <Button type="submit" disabled={busy}>
          {t('history.save')}
        </Button>
      </Form>
      {versions.length > 1 ? (
        <Form method="get" className="flex flex-wrap items-end gap-3 rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
          <SelectField
            label={t('history.compareFrom')}
            name="compare"
            defaultValue={diff?.versionId ?? versions[1]?.id}
            options={versions.map((v) => ({ value: v.id, label: nameOf(v) }))}
            className="min-w-[14rem] flex-1"
          />
          <SelectField
            label={t('history.compareTo')}
            name="with"
            defaultValue={diff?.withVersionId ?? ''}
            options={[{ value: '', label: t('history.now') }, ...versions.map((v) => ({ value: v.id, label: nameOf(v) }))]}
            className="min-w-[14rem] flex-1"
          />
          <Button type="submit" variant="secondary">
            {t('history.compareSubmit')}
          </Button>
        </Form>
      ) : null}
      {diff ? (
        <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <h3 className="font-serif text-lg font-semibold">
            {diff.withVersionId
              ? t('history.diffBetween', { from: versionName(diff.versionId), to: versionName(diff.withVersionId) })
              : t('history.diffTitle', { version: versionName(diff.versionId) })}
          </h3>
          <p className="mt-1 text-xs text-slate-500">
            <del className="bg-rose-100 text-rose-800">{t('history.diffRemoved')}</del> · <ins className="bg-emerald-100 text-emerald-900 no-underline">{t('history.diffAdded')}</ins>
          </p>
          <div className="mt-4 whitespace-pre-wrap font-serif leading-7">
            {diff.parts.map((part, i) =>
              part.added ? (
                <ins key={i} className="bg-emerald-100 text-emerald-900 no-underline">{part.value}</ins>
              ) : part.removed ? (
                <del key={i} className="bg-rose-100 text-rose-800">{part.value}</del>
              ) : (
                <span key={i}>{part.value}</span>
              ),
            )}
          </div>
        </section>
      ) : null}
      {versions.length === 0 ? (
        <p className="text-sm text-slate-600">{t('history.empty')}</p>
      ) : (
        <ol className="divide-y divide-slate-100 rounded-2xl bg-white shadow-sm ring-1 ring-slate-200">
          {versions.map((v) => (
            <li key={v.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
              <div>
                <p className="font-medium text-indigo-brand">{v.label ?? t(`history.kind.${v.kind}` as MessageKey)}</p>
                <p className="text-xs text-slate-500">
                  {when(v.createdAt)} · {t('chapter.words', { count: v.wordCount.toLocaleString(locale) })}
                  {v.label ? ` · ${t(`history.kind.${v.kind}` as MessageKey)}` : ''}
                </p>
              </div>
              <div className="flex items-center gap-2">
                <Link to={`?compare=${v.id}`} className="rounded-lg px-3 py-1.5 text-sm font-medium text-violet-brand hover:bg-slate-50">
                  {t('history.compare')}
                </Link>
                <Form method="post">
                  <input type="hidden" name="intent" value="restore" />
                  <input type="hidden" name="versionId" value={v.id} />
                  <Button type="submit" variant="secondary" disabled={busy}>
                    {t('history.restore')}
                  </Button>
                </Form>
              </div>
            </li>
          ))}
        </ol>
      )}
    </article>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
