// A Server-Sent Events reader for fetch + ReadableStream (EventSource cannot POST). Follows the
// WHATWG parsing rules the panel needs: lines end in \n, \r\n or \r (a chunk may split any of
// them, even a \r\n pair), `event:` names the event, `data:` lines are joined with \n, lines
// starting with ':' are comments (`: ping`), a blank line dispatches, an unfinished event at
// the end of the stream is dropped (it may be half of one).

export type SseEvent = { event: string; data: string }

export class SseParser {
  private buffer = ''
  private pendingCr = false
  private event = ''
  private data: string[] = []
  private hasData = false

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    const out: SseEvent[] = []
    let input = text
    // A \r at the end of the previous chunk already ended its line; a \n right after it is
    // the second half of the same line break.
    if (this.pendingCr && input.startsWith('\n')) input = input.slice(1)
    this.pendingCr = false
    this.buffer += input
    let start = 0
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i]
      if (ch !== '\n' && ch !== '\r') continue
      this.line(this.buffer.slice(start, i), out)
      if (ch === '\r') {
        if (i + 1 === this.buffer.length) this.pendingCr = true
        else if (this.buffer[i + 1] === '\n') i++
      }
      start = i + 1
    }
    this.buffer = this.buffer.slice(start)
    return out
  }

  private line(line: string, out: SseEvent[]) {
    if (line === '') {
      if (this.hasData) out.push({ event: this.event || 'message', data: this.data.join('\n') })
      this.event = ''
      this.data = []
      this.hasData = false
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.event = value
    else if (field === 'data') {
      this.data.push(value)
      this.hasData = true
    }
    // id and retry mean nothing to a one-shot POST stream.
  }
}

/** Reads a response body as SSE events, in order, as they arrive. */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const parser = new SseParser()
  // A pending read ends as soon as the caller aborts, whether or not the fetch behind the
  // body ties its stream to the same signal.
  const cancel = () => void reader.cancel().catch(() => {})
  signal?.addEventListener('abort', cancel, { once: true })
  try {
    while (true) {
      if (signal?.aborted) return
      const { value, done } = await reader.read()
      // An event not ended by a blank line may be half of one: dropped.
      if (done) return
      for (const event of parser.push(decoder.decode(value, { stream: true }))) yield event
    }
  } finally {
    signal?.removeEventListener('abort', cancel)
    // The consumer stopped early (Stop, an error event): let the server see the disconnect.
    reader.cancel().catch(() => {})
  }
}
