// Storage errors as supabase/storage-api renders them: the body carries the meaningful
// status as a string (`statusCode: "404"`), a code storage-js exposes as `error.code`
// (`exists()` relies on "NoSuchKey"), and a message. Like storage-api, the HTTP status is
// 400 for every client error except where storage-api says otherwise, so code written
// against the local stack reads `error.statusCode` exactly as it must in production.
import postgres from 'postgres'
import { HttpError } from '../http.ts'

export function storageError(
  statusCode: number,
  code: string,
  message: string,
  options: { error?: string; httpStatus?: number } = {},
): HttpError {
  const httpStatus = options.httpStatus ?? (statusCode >= 500 ? 500 : 400)
  return new HttpError(httpStatus, { statusCode: String(statusCode), code, error: options.error ?? code, message })
}

export const errors = {
  noSuchBucket: () => storageError(404, 'NoSuchBucket', 'Bucket not found', { error: 'Bucket not found' }),
  noSuchKey: () => storageError(404, 'NoSuchKey', 'Object not found', { error: 'not_found' }),
  accessDenied: (message = 'Access denied') => storageError(403, 'AccessDenied', message, { error: 'Unauthorized' }),
  rowLevelSecurity: () =>
    storageError(403, 'AccessDenied', 'new row violates row-level security policy', { error: 'Unauthorized' }),
  /** The gateway's answer to a missing or unknown API key (Kong answers these with a real 401). */
  apiKey: (message: string) => storageError(401, 'Unauthorized', message, { error: 'Unauthorized', httpStatus: 401 }),
  invalidJwt: (message = 'Invalid JWT') => storageError(400, 'InvalidJWT', message),
  invalidSignature: (message = 'Invalid signature') => storageError(400, 'InvalidSignature', message),
  expiredSignature: () => storageError(400, 'ExpiredToken', 'The provided token has expired.'),
  entityTooLarge: (message: string) => storageError(413, 'EntityTooLarge', message, { error: 'Payload too large' }),
  invalidMimeType: (mimeType: string) =>
    storageError(415, 'InvalidMimeType', `mime type ${mimeType} is not supported`, { error: 'invalid_mime_type' }),
  invalidKey: (key: string, why?: string) =>
    storageError(400, 'InvalidKey', `Invalid key: ${key}${why ? ` (${why})` : ''}`),
  invalidBucketName: (name: string) =>
    storageError(400, 'InvalidBucketName', `Bucket name invalid: ${JSON.stringify(name)}`, { error: 'Invalid Input' }),
  keyAlreadyExists: () => storageError(409, 'KeyAlreadyExists', 'The resource already exists', { error: 'Duplicate' }),
  bucketAlreadyExists: () => storageError(409, 'BucketAlreadyExists', 'The resource already exists', { error: 'Duplicate' }),
  bucketNotEmpty: () => storageError(409, 'ResourceNotEmpty', 'The bucket you tried to delete is not empty'),
  invalidRequest: (message: string) => storageError(400, 'InvalidRequest', message),
  missingParameter: (name: string) => storageError(400, 'MissingParameter', `Missing Required Parameter ${name}`),
  invalidRange: () => storageError(416, 'InvalidRange', 'invalid range provided', { error: 'invalid_range', httpStatus: 416 }),
  notSupported: (feature: string) =>
    storageError(409, 'NotSupported', `The feature ${feature} is not supported by the local stack`),
}

/** Maps what Postgres said about a caller's statement to storage-api's answer. */
export function fromPostgresError(error: unknown): unknown {
  if (!(error instanceof postgres.PostgresError)) return error
  switch (error.code) {
    case '42501':
      return error.message.includes('row-level security') ? errors.rowLevelSecurity() : errors.accessDenied(error.message)
    case '23505':
      return storageError(409, 'ResourceAlreadyExists', 'The resource already exists', { error: 'Duplicate' })
    case '23503':
      return errors.noSuchBucket()
    case '22P02':
      return storageError(400, 'InvalidParameter', error.message)
    default:
      return error
  }
}
