// Server-Sent Events as the chat contract has them: `event: <name>\ndata: <one-line JSON>\n\n`.
// JSON.stringify never emits a raw newline, so one data line always holds the whole event.
const encoder = new TextEncoder()

export function sseEvent(name: 'context' | 'delta' | 'done' | 'error', data: unknown): Uint8Array {
  return encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
}

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Proxies that buffer (nginx) pass this stream through as it comes.
  'x-accel-buffering': 'no',
}
