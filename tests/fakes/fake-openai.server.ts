// Serves the fake OpenAI provider on 127.0.0.1 for Node tests and benchmarks.
//
// Not serveFetch (supabase/local/http.ts): when a response body fails halfway it ends the
// response cleanly, and the openai SDK reads a clean end without `[DONE]` as a normal end
// of stream. A provider whose connection drops must look like one, so this adapter destroys
// the socket instead. It also aborts the request's signal when the client goes away, which
// is how the fake learns that a stream was stopped.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { closeServer } from '../../supabase/local/http.ts'
import { createFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from './fake-openai.ts'

export interface RunningFakeOpenAI {
  /** The base URL to give the SDK (`baseURL`), ending in /v1. */
  url: string
  port: number
  fake: FakeOpenAI
  stop(): Promise<void>
}

/** `port` 0 (tests): the OS picks a free port at bind time, so two runs can never race for one. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}, port = 0): Promise<RunningFakeOpenAI> {
  const fake = createFakeOpenAI(options)
  const server = http.createServer((req, res) => void serve(fake, req, res))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = (server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${bound}/v1`, port: bound, fake, stop: () => closeServer(server) }
}

async function serve(fake: FakeOpenAI, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const clientGone = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) clientGone.abort()
  })
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v))
    else if (value !== undefined) headers.set(name, value)
  }
  const method = req.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: hasBody ? 'half' : undefined,
    signal: clientGone.signal,
  }
  let response: Response
  try {
    response = await fake.handle(new Request(new URL(req.url ?? '/', 'http://127.0.0.1'), init))
  } catch (error) {
    console.error('[fake-openai] unexpected error:', error)
    res.destroy()
    return
  }
  if (res.destroyed) return
  const outgoing: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    outgoing[name] = value
  })
  res.writeHead(response.status, outgoing)
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
    res.end()
  } catch {
    // The fake cut the body on purpose (or the client left): let what was written reach
    // the client, then drop the connection without the final chunk, so the client sees a
    // broken response, not a short complete one.
    await flushed
    res.destroy()
  }
}
