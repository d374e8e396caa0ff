// What a writing request can get wrong, as a typed error a route turns into an answer with a
// catalogue key: `throw error.toResponse()` or `return error.toResponse()`.
import type { MessageKey } from '~/utils/i18n.ts'

export type WritingErrorCode = 'not_found' | 'invalid_content' | 'content_too_large'

const STATUS: Record<WritingErrorCode, 400 | 404 | 413> = {
  not_found: 404,
  invalid_content: 400,
  content_too_large: 413,
}

const MESSAGE: Record<WritingErrorCode, MessageKey> = {
  not_found: 'error.notFound.body',
  invalid_content: 'error.badRequest.body',
  content_too_large: 'error.tooLarge.body',
}

export class WritingError extends Error {
  readonly code: WritingErrorCode
  readonly status: 400 | 404 | 413
  readonly messageKey: MessageKey

  constructor(code: WritingErrorCode, detail: string) {
    super(detail)
    this.name = 'WritingError'
    this.code = code
    this.status = STATUS[code]
    this.messageKey = MESSAGE[code]
  }

  toResponse(): Response {
    return Response.json({ error: this.messageKey, code: this.code }, { status: this.status })
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An id from a URL that is not even a uuid names nothing: not found, not a database error. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}
