// Reordering a book's chapters: a resource route the outline posts to. The outline's drag
// and drop and keyboard moves post through a fetcher and read a JSON answer (200, or 400 /
// 404 / 409 with a message in the writer's language); the Move up / Move down buttons are a
// plain form post that works without JavaScript and comes back to the page it came from.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { getOpenBook } from '~/modules/books/books.server.ts'
import { reorderOutline } from '~/modules/chapters/chapters.server.ts'
import { isUuid } from '~/modules/chapters/errors.ts'
import { MAX_OUTLINE_CHAPTERS, ReorderFormSchema, requestedOrder } from '~/modules/chapters/schema.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { translator, type MessageKey } from '~/utils/i18n.ts'
import { resolveLocale } from '~/utils/locale.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'

/** Two uuid fields per chapter ("expected=…&order=…"), with room to spare. */
const REORDER_BODY_LIMIT = MAX_OUTLINE_CHAPTERS * 2 * 50 + 4096

export type ReorderAnswer = { ok: true } | { ok: false; error: MessageKey; message: string }

export async function loader({ params }: LoaderFunctionArgs) {
  throw redirect(`/w/${params.workspaceId}/b/${params.bookId}`)
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { workspaceId, bookId } = params
  const t = translator(await resolveLocale(request))
  const bookPath = `/w/${workspaceId}/b/${bookId}`
  const formData = await readFormData(request, REORDER_BODY_LIMIT)
  const redirectTo = backTo(formData.get('redirectTo'), bookPath)

  const refuse = (status: 400 | 404 | 409, error: MessageKey) => {
    // The plain form post goes back to its page, which shows the message.
    if (redirectTo && status !== 404) {
      const url = new URL(redirectTo, 'http://same.origin')
      url.searchParams.set('outlineError', error)
      throw redirect(`${url.pathname}${url.search}`, { headers })
    }
    return json<ReorderAnswer>({ ok: false, error, message: t(error) }, { status, headers })
  }

  if (!isUuid(bookId)) return refuse(404, 'error.notFound.body')
  const parsed = ReorderFormSchema.safeParse({
    expected: formData.getAll('expected'),
    order: formData.getAll('order'),
    move: formData.get('move') ?? undefined,
  })
  if (!parsed.success) return refuse(400, (parsed.error.issues[0]?.message as MessageKey | undefined) ?? 'outline.error.invalid')
  const requested = requestedOrder(parsed.data)
  if (!requested.ok) return refuse(400, requested.error)

  const outcome = await withUser(claims, async (tx) => {
    if (!(await getOpenBook({ tx, bookId, workspaceId }))) return null
    return reorderOutline({ tx, bookId, expected: parsed.data.expected, order: requested.order })
  })
  if (!outcome) return refuse(404, 'error.notFound.body')
  if (outcome.status === 'foreign') return refuse(400, 'outline.error.foreign')
  if (outcome.status === 'stale') return refuse(409, 'outline.error.stale')
  if (redirectTo) throw redirect(redirectTo, { headers })
  return json<ReorderAnswer>({ ok: true }, { headers })
}

/** Only a page of this book (anything else falls back to the book), without an old message. */
function backTo(value: FormDataEntryValue | null, bookPath: string): string | null {
  if (typeof value !== 'string' || value === '') return null
  const base = 'http://same.origin'
  let url: URL
  try {
    url = new URL(value, base)
  } catch {
    return bookPath
  }
  if (url.origin !== base || (url.pathname !== bookPath && !url.pathname.startsWith(`${bookPath}/`))) return bookPath
  url.searchParams.delete('outlineError')
  return `${url.pathname}${url.search}`
}
