// The browser side of the chat path: POSTs to the app's proxy (same origin, session cookie)
// and reads the answer — JSON for a preview, Server-Sent Events for a run — into typed
// outcomes. Nothing here touches the editor: the panel decides what to show and what to apply.
import { parseDelta, parseDone, parseErrorBody, parsePreview, type ChatRequest, type Done, type Preview } from '~/modules/ai/chat-contract.ts'
import type { ChatFailure } from '~/modules/ai/chat-errors.ts'
import { readSse } from '~/modules/ai/sse.ts'

export type PreviewOutcome = { ok: true; preview: Preview } | { ok: false; failure: ChatFailure } | { ok: false; aborted: true }

export type StreamOutcome =
  | { status: 'done'; done: Done }
  | { status: 'failed'; failure: ChatFailure }
  /** The writer pressed Stop. */
  | { status: 'stopped' }

async function post(url: string, body: ChatRequest, signal: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: body.preview ? 'application/json' : 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  })
}

async function failureOf(response: Response): Promise<ChatFailure> {
  let code: string | null = null
  try {
    code = parseErrorBody(await response.json())?.code ?? null
  } catch {
    // Not JSON (a proxy's HTML error page): the status decides.
  }
  return { kind: 'response', status: response.status, code, retryAfter: response.headers.get('retry-after') }
}

const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError'

export async function previewChat(url: string, body: Omit<ChatRequest, 'preview'>, signal: AbortSignal): Promise<PreviewOutcome> {
  try {
    const response = await post(url, { ...body, preview: true }, signal)
    if (!response.ok) return { ok: false, failure: await failureOf(response) }
    const preview = parsePreview(await response.json())
    return preview ? { ok: true, preview } : { ok: false, failure: { kind: 'response', status: 502, code: null, retryAfter: null } }
  } catch (error) {
    if (signal.aborted || isAbort(error)) return { ok: false, aborted: true }
    return { ok: false, failure: { kind: 'network' } }
  }
}

export async function streamChat(
  url: string,
  body: Omit<ChatRequest, 'preview'>,
  { signal, onContext, onDelta }: { signal: AbortSignal; onContext: (preview: Preview) => void; onDelta: (text: string) => void },
): Promise<StreamOutcome> {
  let response: Response
  try {
    response = await post(url, body, signal)
  } catch (error) {
    if (signal.aborted || isAbort(error)) return { status: 'stopped' }
    return { status: 'failed', failure: { kind: 'network' } }
  }
  if (!response.ok || !response.body) return { status: 'failed', failure: await failureOf(response) }
  try {
    for await (const event of readSse(response.body, signal)) {
      const data = parseJson(event.data)
      if (event.event === 'context') {
        const preview = parsePreview(data)
        if (preview) onContext(preview)
      } else if (event.event === 'delta') {
        const delta = parseDelta(data)
        if (!delta) return { status: 'failed', failure: { kind: 'interrupted' } }
        onDelta(delta.text)
      } else if (event.event === 'done') {
        const done = parseDone(data)
        return done ? { status: 'done', done } : { status: 'failed', failure: { kind: 'interrupted' } }
      } else if (event.event === 'error') {
        // Keep the code: answer_too_long and a busy provider need their own words.
        const error = parseErrorBody(data)
        return { status: 'failed', failure: error ? { kind: 'stream', code: error.code } : { kind: 'interrupted' } }
      }
    }
  } catch (error) {
    if (signal.aborted || isAbort(error)) return { status: 'stopped' }
    return { status: 'failed', failure: { kind: 'interrupted' } }
  }
  if (signal.aborted) return { status: 'stopped' }
  // The stream ended without `done`: cut somewhere between the provider and here.
  return { status: 'failed', failure: { kind: 'interrupted' } }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export type FollowedPreview<T> = { question: string; loading: boolean; result: T | null }

/**
 * Ask the book's preview follows the question as it is typed, after a pause. At most one
 * preview request is in flight: a new question (or an empty one) aborts the previous request
 * at once and clears its preview from the screen, and a late answer for an older question is
 * dropped — what is shown is always the preview of the question in the box.
 */
export function followPreview<T>({ load, show, delayMs = 600 }: { load: (question: string, signal: AbortSignal) => Promise<T>; show: (state: FollowedPreview<T>) => void; delayMs?: number }) {
  let current: { abort: AbortController; timer: ReturnType<typeof setTimeout> } | null = null
  let cleared = false
  function cancel() {
    if (!current) return
    clearTimeout(current.timer)
    current.abort.abort()
    current = null
  }
  function follow(question: string) {
    cancel()
    if (!question) {
      // Nothing to show, once (an answer streaming re-renders on every token).
      if (!cleared) show({ question, loading: false, result: null })
      cleared = true
      return
    }
    cleared = false
    show({ question, loading: true, result: null })
    const abort = new AbortController()
    const mine = {
      abort,
      timer: setTimeout(async () => {
        const result = await load(question, abort.signal)
        if (abort.signal.aborted || current !== mine) return
        current = null
        show({ question, loading: false, result })
      }, delayMs),
    }
    current = mine
  }
  return { follow, cancel }
}
