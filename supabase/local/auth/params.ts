// Request bodies, read the way GoTrue's retrieveRequestParams does: a JSON object of at
// most 1 MiB whose known fields must have the right JSON type (null counts as absent,
// unknown fields are ignored). A wrong type is a 400 bad_json naming the field.
import { z } from 'zod'
import { HttpError, readJsonObject } from '../http.ts'
import { AuthApiError, badRequest, fromHttpError } from './errors.ts'

export const GOTRUE_BODY_LIMIT = 1 << 20

/** A JSON string field; null or missing reads as "" like a Go string. */
export const str = z.string().nullish().transform((v) => v ?? '')
/** A JSON string field where absent and "" must stay distinguishable (Go *string). */
export const optionalStr = z.string().nullish().transform((v) => v ?? undefined)
export const bool = z.boolean().nullish()
export const jsonObject = z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? undefined)

export async function readParams<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  let body: Record<string, unknown>
  try {
    body = await readJsonObject(req, GOTRUE_BODY_LIMIT)
  } catch (error) {
    if (error instanceof HttpError) {
      if (error.status === 413) await discardBody(req)
      throw fromHttpError(error)
    }
    throw error
  }
  return parseParams(body, schema)
}

/** Most a refused body is read (and thrown away) for, so the client gets to read the 413. */
const DISCARD_LIMIT = 16 * GOTRUE_BODY_LIMIT

/**
 * Reads the rest of a refused body so the client, still uploading, receives the 413 instead
 * of a reset connection; a body beyond DISCARD_LIMIT is cut off.
 */
async function discardBody(req: Request): Promise<void> {
  if (!req.body || req.bodyUsed || req.body.locked) return
  let size = 0
  try {
    const reader = req.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      size += value.byteLength
      if (size > DISCARD_LIMIT) {
        await reader.cancel()
        return
      }
    }
  } catch {
    // The client went away; nothing left to answer.
  }
}

export function parseParams<S extends z.ZodType>(body: unknown, schema: S): z.output<S> {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  throw describeIssue(result.error.issues[0])
}

function describeIssue(issue: z.core.$ZodIssue | undefined): AuthApiError {
  if (!issue) return badRequest('bad_json', 'Could not parse request body as JSON')
  const field = issue.path.map(String).join('.')
  const expected = issue.code === 'invalid_type' ? ` must be ${article(String(issue.expected))}` : `: ${issue.message}`
  return badRequest('bad_json', `Could not parse request body as JSON: ${field || 'body'}${expected}`)
}

function article(type: string): string {
  if (type === 'record' || type === 'object') return 'an object'
  if (type === 'array') return 'an array'
  return `a ${type}`
}
