// Reads an upload the two ways storage-js sends one: a raw body (Buffer, string, stream;
// content type and cache control in headers, user metadata base64 in x-metadata) or a
// multipart form (Blob/File; the file part plus `cacheControl` and `metadata` fields).
// Raw bodies stream to a staging file and stop at the size limit; multipart bodies are
// read into memory up to the limit plus room for the form's own fields (Node has no
// streaming multipart parser built in), then staged. Either way a body over the limit is
// refused with 413 and leaves nothing behind.
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import { readBounded } from '../http.ts'
import { errors } from './errors.ts'
import type { FileStore } from './file-store.ts'
import { mustBeAllowedMimeType, tooLarge, type UploadLimit } from './limits.ts'

export type UploadHeaders = {
  mimeType: string
  cacheControl: string
  userMetadata?: Record<string, unknown>
  /** Content-Length as sent (what storage-api shows RLS policies before the bytes arrive). */
  declaredLength?: number
}

export type StagedUpload = UploadHeaders & { stagedPath: string; size: number; eTag: string }

const MAX_USER_METADATA = 1024 * 1024
// The multipart envelope: boundaries, part headers and the cacheControl/metadata fields.
const MULTIPART_OVERHEAD = MAX_USER_METADATA + 64 * 1024

export function isMultipart(req: Request): boolean {
  return (req.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')
}

function declaredLength(req: Request): number | undefined {
  const raw = req.headers.get('content-length')
  const value = raw === null ? Number.NaN : Number(raw)
  return Number.isFinite(value) && value >= 0 ? value : undefined
}

/** What a raw upload's headers say, checked before any byte is read. */
export function rawUploadHeaders(req: Request, limit: UploadLimit, allowedMimeTypes: string[] | null, checkMime: boolean): UploadHeaders {
  const mimeType = req.headers.get('content-type') || 'application/octet-stream'
  if (checkMime) mustBeAllowedMimeType(mimeType, allowedMimeTypes)
  const length = declaredLength(req)
  if (length !== undefined && length > limit.bytes) tooLarge(limit)
  let userMetadata: Record<string, unknown> | undefined
  const encoded = req.headers.get('x-metadata')
  if (encoded) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) userMetadata = parsed as Record<string, unknown>
    } catch {
      // storage-api ignores unreadable metadata rather than failing the upload
    }
  }
  return { mimeType, cacheControl: req.headers.get('cache-control') || 'no-cache', userMetadata, declaredLength: length }
}

/** Streams a raw body into the staging folder, refusing it as soon as it passes the limit. */
export async function stageRawBody(req: Request, headers: UploadHeaders, limit: UploadLimit, store: FileStore): Promise<StagedUpload> {
  const stagedPath = await store.stagingPath()
  const file = await fs.open(stagedPath, 'wx')
  const hash = createHash('md5')
  let size = 0
  try {
    if (req.body) {
      const reader = req.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        size += value.byteLength
        if (size > limit.bytes) {
          await reader.cancel().catch(() => {})
          tooLarge(limit)
        }
        hash.update(value)
        await file.write(value)
      }
    }
    await file.close()
  } catch (error) {
    await file.close().catch(() => {})
    await fs.rm(stagedPath, { force: true })
    throw error
  }
  return { ...headers, stagedPath, size, eTag: `"${hash.digest('hex')}"` }
}

/** Reads a multipart upload (bounded), checks its file part, and stages the bytes. */
export async function stageMultipartBody(
  req: Request,
  limit: UploadLimit,
  allowedMimeTypes: string[] | null,
  checkMime: boolean,
  store: FileStore,
): Promise<StagedUpload> {
  const bound = limit.bytes + MULTIPART_OVERHEAD
  const length = declaredLength(req)
  if (length !== undefined && length > bound) tooLarge(limit)
  const body = await readBounded(req.body, bound)
  if (!body) tooLarge(limit)
  let form: FormData
  try {
    form = await new Response(body, { headers: { 'content-type': req.headers.get('content-type') ?? '' } }).formData()
  } catch {
    throw errors.invalidRequest('Could not read the multipart form body')
  }
  let file: File | undefined
  for (const [, value] of form.entries()) {
    if (typeof value !== 'string') {
      file = value
      break
    }
  }
  if (!file) throw errors.invalidRequest('No content provided')
  const contentTypeField = form.get('contentType')
  const mimeType = (typeof contentTypeField === 'string' && contentTypeField) || file.type || 'application/octet-stream'
  if (checkMime) mustBeAllowedMimeType(mimeType, allowedMimeTypes)
  if (file.size > limit.bytes) tooLarge(limit)

  const cacheTime = form.get('cacheControl')
  const cacheControl = typeof cacheTime === 'string' && cacheTime ? `max-age=${cacheTime}` : 'no-cache'
  let userMetadata: Record<string, unknown> | undefined
  const metadataField = form.get('metadata') ?? form.get('userMetadata')
  if (typeof metadataField === 'string') {
    if (Buffer.byteLength(metadataField) > MAX_USER_METADATA) {
      throw errors.entityTooLarge('The user_metadata exceeded the maximum allowed size of 1 MiB')
    }
    try {
      const parsed: unknown = JSON.parse(metadataField)
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) userMetadata = parsed as Record<string, unknown>
    } catch {
      // ignored, as storage-api does
    }
  }

  const bytes = new Uint8Array(await file.arrayBuffer())
  const stagedPath = await store.stagingPath()
  await fs.writeFile(stagedPath, bytes, { flag: 'wx' })
  return {
    mimeType,
    cacheControl,
    userMetadata,
    declaredLength: length,
    stagedPath,
    size: bytes.byteLength,
    eTag: `"${createHash('md5').update(bytes).digest('hex')}"`,
  }
}
