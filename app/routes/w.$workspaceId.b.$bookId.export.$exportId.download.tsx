// Downloads one export: a short-lived signed URL created as the user, then a redirect to it,
// so the file never passes through the app server. An export that has expired (or was
// purged) sends the writer back to the export page with a note instead of a dead link.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { getOpenBook } from '~/modules/books/books.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { getExport, signedDownloadUrl } from '~/modules/export/exports.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { translator } from '~/utils/i18n.ts'
import { resolveLocale } from '~/utils/locale.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, supabase, headers } = await requireUser(request)
  const { workspaceId, bookId, exportId } = params
  const notFound = async () => {
    const t = translator(await resolveLocale(request))
    headers.set('content-type', 'text/plain; charset=utf-8')
    return new Response(t('error.notFound.body'), { status: 404, headers })
  }
  if (!isUuid(workspaceId) || !isUuid(bookId) || !isUuid(exportId)) throw await notFound()
  const found = await withUser(claims, async (tx) => {
    if (!(await getOpenBook({ tx, bookId, workspaceId }))) return null
    return { item: await getExport({ tx, exportId, bookId }) }
  })
  if (!found) throw await notFound()
  const exportPage = `/w/${workspaceId}/b/${bookId}/export`
  if (!found.item || found.item.expired) throw redirect(`${exportPage}?gone`, { headers })
  const url = await signedDownloadUrl({ supabase, objectPath: found.item.objectPath, fileName: found.item.fileName })
  // The row is there but Storage has no file (or refuses it): as good as gone.
  if (!url) throw redirect(`${exportPage}?gone`, { headers })
  headers.set('cache-control', 'no-store')
  throw redirect(url, { status: 303, headers })
}
