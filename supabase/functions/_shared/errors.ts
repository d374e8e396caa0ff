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
