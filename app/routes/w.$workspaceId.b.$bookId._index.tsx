// A book opens on its first chapter.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { listOutline } from '~/modules/chapters/chapters.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  if (!isUuid(params.bookId)) throw new Response('Not found', { status: 404, headers })
  const bookId = params.bookId
  const [first] = await withUser(claims, (tx) => listOutline({ tx, bookId }))
  if (!first) return new Response(null, { status: 204, headers })
  throw redirect(`/w/${params.workspaceId}/b/${bookId}/c/${first.id}`, { headers })
}

export default function BookHome() {
  return null
}
