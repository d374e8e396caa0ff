// JSON errors for every function: `{ code, message }` with the HTTP status, the same shape
// the Supabase edge runtime uses for its own errors (BOOT_ERROR, WORKER_ERROR). Expected
// failures are thrown as HttpError; anything else is logged and answered with a generic 500
// that reveals nothing about the internals.

export class HttpError extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const merged = new Headers(headers)
  merged.set('content-type', 'application/json; charset=utf-8')
  return new Response(JSON.stringify(body), { status, headers: merged })
}

export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return jsonResponse({ code: error.code, message: error.message }, error.status)
  }
  console.error('unexpected error:', error)
  return jsonResponse({ code: 'internal_error', message: 'Something went wrong on our side. Please try again.' }, 500)
}

/** The request body parsed as JSON: 413 past `maxBytes` (UTF-8), 400 with `invalid` when it is not JSON. */
export async function readJsonBody(req: Request, maxBytes: number, invalid: { code: string; message: string }): Promise<unknown> {
  const text = await req.text()
  if (new TextEncoder().encode(text).length > maxBytes) throw new HttpError(413, 'body_too_large', 'The request body is too large.')
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, invalid.code, invalid.message)
  }
}
