// The shared request helpers: bounded body reading and safe percent-decoding.
import { closeServer, decodePercent, readBodyText, readBounded, serveFetch } from './http.ts'

const streamOf = (...chunks: string[]) => {
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift()
      if (next === undefined) controller.close()
      else controller.enqueue(new TextEncoder().encode(next))
    },
    cancel() {
      cancelled = true
    },
  })
  return { stream, cancelled: () => cancelled }
}

describe('readBounded', () => {
  it('reads a body of exactly the limit whole', async () => {
    const { stream } = streamOf('hello ', 'world')
    expect(new TextDecoder().decode((await readBounded(stream, 11))!)).toBe('hello world')
  })

  it('stops at the first chunk past the limit, cancels the stream and answers null', async () => {
    const body = streamOf('hello ', 'world', 'never read')
    expect(await readBounded(body.stream, 10)).toBeNull()
    expect(body.cancelled()).toBe(true)
  })

  it('reads a missing body as empty', async () => {
    expect((await readBounded(null, 10))!.byteLength).toBe(0)
  })

  it('backs readBodyText, whose refusal is a 413', async () => {
    const req = new Request('http://local.test', { method: 'POST', body: 'x'.repeat(11) })
    await expect(readBodyText(req, 10)).rejects.toMatchObject({ status: 413 })
    expect(await readBodyText(new Request('http://local.test', { method: 'POST', body: 'ünï' }), 10)).toBe('ünï')
  })
})

describe('decodePercent', () => {
  it('decodes escapes and answers null for a malformed one', () => {
    expect(decodePercent('a%20b%C3%A9')).toBe('a bé')
    expect(decodePercent('%E0%A4%A')).toBeNull()
    expect(decodePercent('%')).toBeNull()
  })
})

describe('serveFetch', () => {
  it('drops the connection when a body fails halfway, so the client sees a cut, not a complete answer', async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: first\n\n'))
        setTimeout(() => controller.error(new Error('upstream cut')), 20)
      },
    })
    const server = await serveFetch(async () => new Response(failing, { headers: { 'content-type': 'text/event-stream' } }), { host: '127.0.0.1', port: 0, name: 'test' })
    try {
      const { port } = server.address() as import('node:net').AddressInfo
      // Before: the client got "data: first" and a clean end, as if the answer were complete.
      await expect(fetch(`http://127.0.0.1:${port}/`).then((response) => response.text())).rejects.toThrow()
    } finally {
      await closeServer(server)
    }
  })
})
