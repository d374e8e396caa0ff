// The editor's autosave endpoint (JSON in, JSON out): POST the chapter's new content with the
// version it was based on (a stale version is a conflict, never an overwrite); GET the
// chapter's latest content and version (after a conflict, or to check a save whose answer
// was lost).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { z } from 'zod'
import { isUuid, WritingError } from '~/modules/chapters/errors.ts'
import { getOpenChapter, saveChapter } from '~/modules/chapters/chapters.server.ts'
import { MAX_CHAPTER_JSON_BYTES } from '~/modules/manuscript/schema.ts'
import { getRequestAuth } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { readJsonBody } from '~/utils/request-body.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await getRequestAuth(request)
  if (!claims) return json({ error: 'auth.error.sessionMissing' }, { status: 401, headers })
  const { chapterId, bookId } = params
  if (!isUuid(chapterId)) return json({ error: 'error.notFound.body' }, { status: 404, headers })
  const chapter = await withUser(claims, (tx) => getOpenChapter({ tx, chapterId, bookId }))
  if (!chapter) return json({ error: 'error.notFound.body' }, { status: 404, headers })
  // Always the server's latest: never a cached copy.
  headers.set('cache-control', 'no-store')
  return json({ version: chapter.version, content: chapter.content }, { headers })
}

const SaveRequestSchema = z.object({ expectedVersion: z.number().int().min(1), content: z.unknown() })

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await getRequestAuth(request)
  // A script calling this needs an answer, not the sign-in page.
  if (!claims) return json({ error: 'auth.error.sessionMissing' }, { status: 401, headers })
  if (!isUuid(params.chapterId)) return json({ error: 'error.notFound.body' }, { status: 404, headers })
  const parsed = SaveRequestSchema.safeParse(await readJsonBody(request, MAX_CHAPTER_JSON_BYTES + 4096))
  if (!parsed.success) return json({ error: 'error.badRequest.body' }, { status: 400, headers })
  const chapterId = params.chapterId
  try {
    const result = await withUser(claims, (tx) => saveChapter({ tx, chapterId, expectedVersion: parsed.data.expectedVersion, content: parsed.data.content }))
    return json(result, { headers })
  } catch (error) {
    if (error instanceof WritingError) return json({ error: error.messageKey, code: error.code }, { status: error.status, headers })
    throw error
  }
}
