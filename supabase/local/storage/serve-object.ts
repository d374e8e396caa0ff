// Streams an object's bytes the way storage-api's asset renderer answers: content type,
// length, cache control, ETag and Last-Modified from the object's metadata, single byte
// ranges, and `?download[=name]` as an attachment. Bytes are streamed from disk, never
// read whole into memory.
import { Readable } from 'node:stream'
import { errors } from './errors.ts'
import type { StoredFile } from './file-store.ts'

export type ObjectMetadata = {
  eTag?: string
  size?: number
  mimetype?: string
  cacheControl?: string
  lastModified?: string
  contentLength?: number
  httpStatusCode?: number
}

export type ServedObject = { name: string; metadata: ObjectMetadata | null; updated_at: Date }

export async function serveStoredObject(
  req: Request,
  object: ServedObject,
  stored: StoredFile | null,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  // A row without bytes (e.g. inserted by SQL) is as missing as it would be on S3.
  if (!stored) throw errors.noSuchKey()
  const metadata = object.metadata ?? {}
  const headers: Record<string, string> = {
    'content-type': metadata.mimetype || 'application/octet-stream',
    'cache-control': metadata.cacheControl || 'no-cache',
    'last-modified': new Date(metadata.lastModified ?? object.updated_at).toUTCString(),
    'accept-ranges': 'bytes',
    ...extraHeaders,
  }
  if (metadata.eTag) headers.etag = metadata.eTag
  const download = new URL(req.url).searchParams.get('download')
  if (download !== null) {
    const filename = download || object.name.split('/').pop() || 'download'
    headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`
  }

  let start = 0
  let end = stored.size - 1
  let status = 200
  const range = parseRange(req.headers.get('range'), stored.size)
  if (range === 'unsatisfiable') {
    await stored.handle.close()
    throw errors.invalidRange()
  }
  if (range) {
    ;({ start, end } = range)
    status = 206
    headers['content-range'] = `bytes ${start}-${end}/${stored.size}`
  }
  headers['content-length'] = String(stored.size === 0 ? 0 : end - start + 1)

  if (req.method === 'HEAD' || stored.size === 0) {
    await stored.handle.close()
    return new Response(null, { status, headers })
  }
  const stream = stored.handle.createReadStream({ start, end, autoClose: true })
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers })
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; anything else is served whole. */
function parseRange(header: string | null, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null
  if (!match || (match[1] === '' && match[2] === '')) return null
  let start: number
  let end: number
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0) return 'unsatisfiable'
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}
