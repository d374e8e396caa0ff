import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useCallback } from 'react'
import { SaveRejected, type SaveFn } from '~/components/editor/autosave.ts'
import { ChapterEditor } from '~/components/editor/chapter-editor.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { getChapter } from '~/modules/chapters/chapters.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { useT } from '~/utils/i18n.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { chapterId, bookId } = params
  if (!isUuid(chapterId)) throw new Response('Not found', { status: 404, headers })
  const chapter = await withUser(claims, (tx) => getChapter({ tx, chapterId }))
  if (!chapter || chapter.deletedAt || chapter.bookId !== bookId) throw new Response('Not found', { status: 404, headers })
  return json({ chapter: { id: chapter.id, title: chapter.title, content: chapter.content, version: chapter.version } }, { headers })
}

export default function ChapterPage() {
  const t = useT()
  const { chapter } = useLoaderData<typeof loader>()
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
  return (
    <article>
      <div className="flex items-baseline justify-between gap-4">
        <h2 className="font-serif text-3xl font-semibold text-indigo-brand">{chapter.title}</h2>
        <Link to="history" relative="path" className="text-sm font-medium text-violet-brand hover:underline">
          {t('history.link')}
        </Link>
      </div>
      <div className="mt-4">
        <ChapterEditor key={chapter.id} chapterId={chapter.id} content={chapter.content} version={chapter.version} save={save} />
      </div>
    </article>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
