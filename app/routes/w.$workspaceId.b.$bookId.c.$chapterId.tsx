import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useParams, useSearchParams } from '@remix-run/react'
import { AiPanel } from '~/components/ai/ai-panel.tsx'
import { useAiPanelOpen } from '~/components/ai/panel-open.ts'
import { parsePassage } from '~/modules/ai/chat-contract.ts'
import { getPanelInfo } from '~/modules/ai/panel.server.ts'
import { Button } from '~/components/ui/button.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { ChapterDetailsSchema } from '~/modules/chapters/forms.server.ts'
import { CHAPTER_STATUSES } from '~/modules/chapters/status.ts'
import { BOOK_TITLE_MAX } from '~/modules/books/limits.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { useCallback, useMemo } from 'react'
import { SaveRejected, type LatestFn, type SaveFn } from '~/components/editor/autosave.ts'
import { ChapterEditor } from '~/components/editor/chapter-editor.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { getChapter, getOpenChapter, renameChapter, setChapterStatus, trashChapter } from '~/modules/chapters/chapters.server.ts'
import { TrashedNotice } from '~/components/trash-notice.tsx'
import { TRASH_RETENTION_DAYS } from '~/modules/trash/retention.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { useT, type MessageKey } from '~/utils/i18n.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { chapterId, bookId } = params
  if (!isUuid(chapterId)) throw new Response('Not found', { status: 404, headers })
  // After another chapter of this book was moved to the trash: its title, for the notice with Undo.
  const trashedId = new URL(request.url).searchParams.get('trashed')
  const { chapter, trashed, ai } = await withUser(claims, async (tx) => {
    const chapter = await getOpenChapter({ tx, chapterId, bookId })
    return {
      chapter,
      trashed: isUuid(trashedId) ? await getChapter({ tx, chapterId: trashedId }) : null,
      ai: chapter ? await getPanelInfo({ tx, workspaceId: chapter.workspaceId, chapterId: chapter.id, version: chapter.version }) : null,
    }
  })
  if (!chapter || !ai) throw new Response('Not found', { status: 404, headers })
  const trashedChapter = trashed?.deletedAt && trashed.bookId === bookId ? { id: trashed.id, title: trashed.title } : null
  return json(
    { chapter: { id: chapter.id, title: chapter.title, status: chapter.status, content: chapter.content, version: chapter.version }, trashedChapter, ai },
    { headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { chapterId, bookId } = params
  if (!isUuid(chapterId)) throw new Response('Not found', { status: 404, headers })
  const formData = await readFormData(request)
  if (formData.get('intent') === 'trash') {
    const trashed = await withUser(claims, async (tx) => Boolean(await getOpenChapter({ tx, chapterId, bookId })) && trashChapter({ tx, chapterId }))
    if (!trashed) throw new Response('Not found', { status: 404, headers })
    throw redirect(`/w/${params.workspaceId}/b/${bookId}?trashed=${chapterId}`, { headers })
  }
  const parsed = ChapterDetailsSchema.safeParse(Object.fromEntries(formData))
  if (!parsed.success) return json({ error: parsed.error.issues[0]?.message ?? 'validation.invalidForm' }, { status: 400, headers })
  const updated = await withUser(claims, async (tx) => {
    if (!(await getOpenChapter({ tx, chapterId, bookId }))) return false
    await renameChapter({ tx, chapterId, title: parsed.data.title })
    await setChapterStatus({ tx, chapterId, status: parsed.data.status })
    return true
  })
  if (!updated) throw new Response('Not found', { status: 404, headers })
  throw redirect(new URL(request.url).pathname, { headers })
}

export default function ChapterPage() {
  const t = useT()
  const { chapter, trashedChapter, ai } = useLoaderData<typeof loader>()
  const { workspaceId = '', bookId = '' } = useParams()
  const [searchParams] = useSearchParams()
  const passageParam = searchParams.get('passage')
  const passage = useMemo(() => parsePassage(passageParam), [passageParam])
  const [panelOpen, setPanelOpen] = useAiPanelOpen()
  const closePanel = useCallback(() => {
    setPanelOpen(false)
    document.getElementById('ai-panel-toggle')?.focus()
  }, [setPanelOpen])
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const save = useCallback<SaveFn>(
    async (body) => {
      const response = await fetch(`${window.location.pathname}/save`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      })
      if (response.ok) return response.json()
      // The text itself was refused (invalid or too large): retrying cannot help.
      if (response.status === 400 || response.status === 413 || response.status === 404) throw new SaveRejected(String(response.status))
      throw new Error(`save failed with ${response.status}`)
    },
    [],
  )
  const latest = useCallback<LatestFn>(async () => {
    const response = await fetch(`${window.location.pathname}/save`, { headers: { accept: 'application/json' }, cache: 'no-store' })
    if (!response.ok) throw new Error(`loading the latest text failed with ${response.status}`)
    return response.json()
  }, [])
  return (
    <article>
      {trashedChapter ? (
        <div className="mb-4">
          <TrashedNotice workspaceId={workspaceId} kind="chapter" id={trashedChapter.id} title={trashedChapter.title} message={t('trash.chapterTrashed', { title: trashedChapter.title, days: TRASH_RETENTION_DAYS })} />
        </div>
      ) : null}
      <Form method="post" key={`${chapter.id}:${chapter.title}:${chapter.status}`} className="flex flex-wrap items-end gap-3">
        <div className="min-w-[14rem] flex-1">
          <label htmlFor="chapter-title" className="sr-only">
            {t('chapter.title')}
          </label>
          <input
            id="chapter-title"
            name="title"
            defaultValue={chapter.title}
            maxLength={BOOK_TITLE_MAX}
            aria-invalid={result?.error ? true : undefined}
            className="w-full rounded-lg border-0 bg-transparent px-0 py-1 font-serif text-3xl font-semibold text-indigo-brand ring-0 hover:bg-white/60 focus:bg-white focus:px-2 focus:ring-2 focus:ring-violet-brand"
          />
          {result?.error ? (
            <p role="alert" className="text-sm text-rose-600">
              {t(result.error as MessageKey, { max: BOOK_TITLE_MAX })}
            </p>
          ) : null}
        </div>
        <SelectField label={t('chapter.status')} name="status" defaultValue={chapter.status} options={CHAPTER_STATUSES.map((s) => ({ value: s, label: t(`chapter.status.${s}`) }))} />
        <Button type="submit" variant="secondary" disabled={busy}>
          {t('chapter.saveDetails')}
        </Button>
        <Link to="history" relative="path" className="pb-2.5 text-sm font-medium text-violet-brand hover:underline">
          {t('history.link')}
        </Link>
        <button
          id="ai-panel-toggle"
          type="button"
          aria-expanded={panelOpen}
          aria-controls="ai-panel"
          onClick={() => setPanelOpen(!panelOpen)}
          className={`mb-1 inline-flex items-center gap-1.5 rounded-lg px-3 py-1.5 text-sm font-semibold ring-1 ${panelOpen ? 'bg-indigo-brand text-white ring-indigo-brand' : 'bg-white text-indigo-brand ring-slate-200 hover:bg-violet-50'}`}
        >
          <span aria-hidden>✦</span>
          {t('aiPanel.toggle')}
        </button>
      </Form>
      <div className="mt-4">
        <ChapterEditor
          key={chapter.id}
          chapterId={chapter.id}
          content={chapter.content}
          version={chapter.version}
          save={save}
          latest={latest}
          passage={passage}
          sidePanel={({ editor, saveNow }) =>
            panelOpen ? <AiPanel key={chapter.id} editor={editor} saveNow={saveNow} workspaceId={workspaceId} bookId={bookId} chapterId={chapter.id} info={ai} onClose={closePanel} /> : null
          }
        />
      </div>
      <details key={`trash:${chapter.id}`} className="mt-10 border-t border-slate-200 pt-4">
        <summary className="inline-flex cursor-pointer list-none rounded-lg px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50 [&::-webkit-details-marker]:hidden">
          {t('chapter.trash.ask')}
        </summary>
        <Form method="post" className="mt-2 flex flex-wrap items-center gap-3 rounded-lg bg-rose-50 px-4 py-3 ring-1 ring-inset ring-rose-200">
          <p className="flex-1 text-sm text-rose-900">{t('chapter.trash.body', { days: TRASH_RETENTION_DAYS })}</p>
          <input type="hidden" name="intent" value="trash" />
          <button type="submit" disabled={busy} className="rounded-lg bg-rose-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-rose-700 disabled:opacity-60">
            {t('chapter.trash.confirm')}
          </button>
        </Form>
      </details>
    </article>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
