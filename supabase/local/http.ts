// Small HTTP toolkit shared by the local stack's services. Services are written against
// the Fetch API (`(req: Request) => Promise<Response>`), like Edge Functions; this module
// adapts them to node:http and gives them bounded, validated body reading.
import http from 'node:http'
import { Readable } from 'node:stream'

export type FetchHandler = (req: Request) => Promise<Response>

/** Largest request body any stand-in accepts unless it says otherwise (GoTrue's is small). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

export class HttpError extends Error {
  readonly status: number
  readonly body: Record<string, unknown>
  readonly headers: Record<string, string>
  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(String(body.msg ?? body.message ?? body.error ?? status))
    this.status = status
    this.body = body
    this.headers = headers
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

/** Reads at most `limit` bytes; a larger body is a 413, never a crash or a partial read. */
export async function readBodyText(req: Request, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0')
  if (declared > limit) throw new HttpError(413, payloadTooLarge(limit))
  const bytes = await readBounded(req.body, limit)
  if (!bytes) throw new HttpError(413, payloadTooLarge(limit))
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

/**
 * Reads a whole stream, or stops (cancelling it) as soon as it passes `limit` bytes and
 * answers null, so each caller refuses an oversized body with its own error.
 */
export async function readBounded(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!stream) return new Uint8Array()
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}

/**
 * decodeURIComponent for text taken from a request (path segments, ids): a malformed
 * escape such as `%E0%A4%A` gives null, so the caller answers a 4xx instead of crashing.
 */
export function decodePercent(text: string): string | null {
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

function payloadTooLarge(limit: number) {
  return { code: 413, error_code: 'request_too_large', msg: `Request body is larger than ${limit} bytes` }
}

/** Parses a JSON object body; anything else is a 400 the caller can act on. */
export async function readJsonObject(req: Request, limit = DEFAULT_BODY_LIMIT): Promise<Record<string, unknown>> {
  const text = await readBodyText(req, limit)
  if (text.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new HttpError(400, { code: 400, error_code: 'bad_json', msg: 'Could not parse request body as JSON' })
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpError(400, { code: 400, error_code: 'bad_json', msg: 'Request body must be a JSON object' })
  }
  return parsed as Record<string, unknown>
}

// The request's signal aborts when the client goes away before the response is complete, so
// a service (the functions runner) can tell the work behind it to stop.
function toFetchRequest(req: http.IncomingMessage, res: http.ServerResponse, origin: string): Request {
  const clientGone = new AbortController()
  res.once('close', () => {
    if (!res.writableFinished) clientGone.abort()
  })
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v))
    else headers.set(name, value)
  }
  const method = req.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  // Node's fetch needs `duplex: 'half'` for a streamed request body.
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: hasBody ? 'half' : undefined,
    signal: clientGone.signal,
  }
  return new Request(new URL(req.url ?? '/', origin), init)
}

async function writeFetchResponse(res: http.ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return
    headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers)
  if (!response.body) {
    res.end()
    return
  }
  const reader = response.body.getReader()
  res.on('close', () => void reader.cancel().catch(() => {}))
  let flushed: Promise<unknown> = Promise.resolve()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      flushed = new Promise((resolve) => res.write(value, resolve))
      if (res.writableNeedDrain) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve))
    }
  } catch (error) {
    // The body failed (or the client left): let what was written reach the client before the
    // caller drops the connection, so the client sees the part that was sent, then a cut.
    await flushed
    throw error
  }
  res.end()
}

/**
 * Serves a Fetch handler on node:http. Errors thrown as HttpError become their JSON body;
 * anything else is logged with its stack on the server side only and answered as a
 * generic 500 without internals.
 */
export function serveFetch(
  handler: FetchHandler,
  options: { host: string; port: number; name: string; /** false: bodies cut on purpose (a fake) are not logged. */ logCutBodies?: boolean },
) {
  const origin = `http://${options.host}:${options.port}`
  const server = http.createServer(async (req, res) => {
    let response: Response
    try {
      response = await handler(toFetchRequest(req, res, origin))
    } catch (error) {
      response = errorResponse(error, options.name)
    }
    try {
      await writeFetchResponse(res, response)
    } catch (error) {
      // Halfway through a body, a clean end would pass a cut stream off as complete (a client
      // reading SSE would take half an answer for the whole): drop the connection instead.
      if (res.headersSent) res.destroy()
      else res.writeHead(500).end()
      // A client that went away mid-answer (Stop) is not a failure worth a stack trace.
      const clientGone = (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' || (error as Error).name === 'AbortError'
      if (!clientGone && options.logCutBodies !== false) {
        console.error(`[${options.name}] failed writing a response:`, error)
      }
    }
  })
  return new Promise<http.Server>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

export function errorResponse(error: unknown, serviceName: string): Response {
  if (error instanceof HttpError) return json(error.body, error.status, error.headers)
  console.error(`[${serviceName}] unexpected error:`, error)
  return json({ code: 500, error_code: 'unexpected_failure', msg: 'Unexpected failure, see the local stack log' }, 500)
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
