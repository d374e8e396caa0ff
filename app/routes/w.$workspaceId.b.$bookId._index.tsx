// A book opens on its first chapter; a book without chapters (all in the trash) says so.
// A notice in the query (a chapter just moved to the trash) travels with the redirect.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { useLoaderData, useParams } from '@remix-run/react'
import { TrashedNotice } from '~/components/trash-notice.tsx'
import { getChapter, listOutline } from '~/modules/chapters/chapters.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { TRASH_RETENTION_DAYS } from '~/modules/trash/retention.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { useT } from '~/utils/i18n.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  if (!isUuid(params.bookId)) throw new Response('Not found', { status: 404, headers })
  const bookId = params.bookId
  const { search, searchParams } = new URL(request.url)
  const trashedId = searchParams.get('trashed')
  const { first, trashed } = await withUser(claims, async (tx) => {
    const [first] = await listOutline({ tx, bookId })
    const trashed = !first && isUuid(trashedId) ? await getChapter({ tx, chapterId: trashedId }) : null
    return { first, trashed }
  })
  if (first) throw redirect(`/w/${params.workspaceId}/b/${bookId}/c/${first.id}${search}`, { headers })
  const trashedChapter = trashed?.deletedAt && trashed.bookId === bookId ? { id: trashed.id, title: trashed.title } : null
  return json({ trashedChapter }, { headers })
}

export default function BookHome() {
  const t = useT()
  const { trashedChapter } = useLoaderData<typeof loader>()
  const { workspaceId = '' } = useParams()
  return (
    <div className="space-y-6">
      {trashedChapter ? (
        <TrashedNotice workspaceId={workspaceId} kind="chapter" id={trashedChapter.id} title={trashedChapter.title} message={t('trash.chapterTrashed', { title: trashedChapter.title, days: TRASH_RETENTION_DAYS })} />
      ) : null}
      <section className="rounded-2xl bg-white p-8 text-center shadow-sm ring-1 ring-slate-200">
        <h1 className="font-serif text-2xl font-semibold text-indigo-brand">{t('book.empty.title')}</h1>
        <p className="mt-2 text-sm text-slate-600">{t('book.empty.body')}</p>
      </section>
    </div>
  )
}
