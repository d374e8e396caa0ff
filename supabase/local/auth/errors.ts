// GoTrue's error responses. GoTrue answers in two shapes depending on the request's
// X-Supabase-Api-Version header: clients that send 2024-01-01 or later (supabase-js does)
// get `{ code: "<error_code>", message }` and the header echoed back, older clients get
// `{ code: <status>, error_code, msg }` plus an `x-sb-error-code` header. supabase-js reads
// the error code from either, so both shapes are reproduced exactly.
import { HttpError, json } from '../http.ts'

export const API_VERSION_HEADER = 'x-supabase-api-version'
const API_VERSION_2024 = '2024-01-01'

export type PostgresErrorDetails = { code: string; message: string; detail?: string; hint?: string }

export class AuthApiError extends Error {
  readonly status: number
  readonly errorCode: string
  readonly weakPasswordReasons: string[] | undefined
  /** A Postgres error raised by a trigger, surfaced like GoTrue does for legacy clients. */
  readonly postgres: PostgresErrorDetails | undefined

  constructor(
    status: number,
    errorCode: string,
    message: string,
    extra: { weakPasswordReasons?: string[]; postgres?: PostgresErrorDetails; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause })
    this.status = status
    this.errorCode = errorCode
    this.weakPasswordReasons = extra.weakPasswordReasons
    this.postgres = extra.postgres
  }
}

export const badRequest = (code: string, message: string) => new AuthApiError(400, code, message)
export const forbidden = (code: string, message: string) => new AuthApiError(403, code, message)
export const notFound = (code: string, message: string) => new AuthApiError(404, code, message)
export const unprocessable = (code: string, message: string) => new AuthApiError(422, code, message)
export const validationFailed = (message: string) => badRequest('validation_failed', message)
export const internalError = (message: string, cause?: unknown) =>
  new AuthApiError(500, 'unexpected_failure', message, { cause, postgres: postgresDetails(cause) })

/** Dates in the requested API version header, e.g. "2024-01-01"; null when absent or unparsable. */
export function requestedApiVersion(req: Request): string | null {
  const value = req.headers.get(API_VERSION_HEADER)
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return null
  return value >= API_VERSION_2024 ? API_VERSION_2024 : null
}

export function authErrorResponse(error: AuthApiError, req: Request): Response {
  const version = requestedApiVersion(req)
  if (version) {
    const body: Record<string, unknown> = { code: error.errorCode, message: error.message }
    if (error.weakPasswordReasons) body.weak_password = { reasons: error.weakPasswordReasons }
    return json(body, error.status, { [API_VERSION_HEADER]: version })
  }
  const headers = { 'x-sb-error-code': error.errorCode }
  // Legacy clients see the trigger's own message for errors a database function raised on
  // purpose, as GoTrue's NewPostgresError does.
  const pgStatus = error.postgres ? postgresHttpStatus(error.postgres.code) : 0
  if (error.postgres && pgStatus) {
    const { code, message, detail, hint } = error.postgres
    return json({ code, message, ...(hint ? { hint } : {}), ...(detail ? { detail } : {}) }, pgStatus, headers)
  }
  const body: Record<string, unknown> = { code: error.status, error_code: error.errorCode, msg: error.message }
  if (error.weakPasswordReasons) body.weak_password = { reasons: error.weakPasswordReasons }
  return json(body, error.status, headers)
}

/** Turns the shared toolkit's body errors (413 / bad JSON) into GoTrue's codes and words. */
export function fromHttpError(error: HttpError): AuthApiError {
  if (error.status === 413) return new AuthApiError(413, 'request_entity_too_large', 'Request body too large (max 1048576 bytes)')
  if (error.status === 400) return badRequest('bad_json', String(error.body.msg ?? 'Could not parse request body as JSON'))
  return new AuthApiError(error.status, String(error.body.error_code ?? 'unknown'), error.message)
}

function postgresDetails(cause: unknown): PostgresErrorDetails | undefined {
  if (!cause || typeof cause !== 'object') return undefined
  const e = cause as { code?: unknown; message?: unknown; detail?: unknown; hint?: unknown; name?: unknown }
  if (typeof e.code !== 'string' || e.code.length !== 5 || typeof e.message !== 'string') return undefined
  return {
    code: e.code,
    message: e.message,
    detail: typeof e.detail === 'string' ? e.detail : undefined,
    hint: typeof e.hint === 'string' ? e.hint : undefined,
  }
}

/** GoTrue exposes raised exceptions and constraint violations, and honours PostgREST's PTxxx codes. */
function postgresHttpStatus(code: string): number {
  if (['P0001', '23000', '23001', '23502', '23503', '23505', '23514', '23P01'].includes(code)) return 500
  const custom = /^PT(\d{3})$/.exec(code)
  return custom ? Number(custom[1]) : 0
}
