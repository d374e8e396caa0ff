// The panel's reading of the chat path: a preview, a stream in order, every way it can fail
// (an error before the stream, an error event, a stream cut without `done`, a malformed
// event) and Stop — as the outcomes the panel shows.
import { followPreview, previewChat, streamChat, type FollowedPreview } from './chat-client.ts'

const PREVIEW = {
  model: 'gpt-4o-mini',
  source: 'own',
  context: [{ kind: 'chapter', label: 'A chegada', chapterId: 'c1', tokens: 10 }],
  sources: [{ n: 1, chapterId: 'c1', chapterTitle: 'A chegada', charStart: 0, charEnd: 5, excerpt: 'Capitu' }],
  estimate: { promptTokens: 100, maxCompletionTokens: 300, costUsd: 0.0001 },
}
const USAGE = { promptTokens: 120, completionTokens: 7, costUsd: 0.00002, estimated: false }
const sse = (...events: [string, unknown][]) => events.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join('')

function streamOf(text: string, { close = true } = {}) {
  const bytes = new TextEncoder().encode(text)
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Split mid-event, as a network would.
      for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7))
      if (close) controller.close()
    },
  })
}

function mockFetch(response: () => Response | Promise<Response>) {
  const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => {
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError')
    return response()
  })
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}

afterEach(() => vi.unstubAllGlobals())

async function run(signal = new AbortController().signal) {
  const deltas: string[] = []
  const contexts: unknown[] = []
  const outcome = await streamChat('/w/1/b/2/ai', { action: 'suggest', chapterId: 'c1', cursor: 0 }, { signal, onContext: (p) => contexts.push(p), onDelta: (t) => deltas.push(t) })
  return { outcome, deltas, contexts }
}

describe('chat client', () => {
  it('asks for a preview with preview: true and reads it', async () => {
    const fetchMock = mockFetch(() => Response.json(PREVIEW))
    const outcome = await previewChat('/w/1/b/2/ai', { action: 'suggest', chapterId: 'c1' }, new AbortController().signal)
    expect(outcome).toEqual({ ok: true, preview: PREVIEW })
    expect(JSON.parse(fetchMock.mock.calls[0][1]!.body as string)).toEqual({ action: 'suggest', chapterId: 'c1', preview: true })
  })

  it('reads context, deltas in order, then done with the real usage', async () => {
    mockFetch(() => new Response(streamOf(`: ping\n\n${sse(['context', PREVIEW], ['delta', { text: 'Olá, ' }], ['delta', { text: 'mundo' }], ['done', { usage: USAGE }])}`), { headers: { 'content-type': 'text/event-stream' } }))
    const { outcome, deltas, contexts } = await run()
    expect(contexts).toEqual([PREVIEW])
    expect(deltas).toEqual(['Olá, ', 'mundo'])
    expect(outcome).toEqual({ status: 'done', done: { usage: USAGE } })
  })

  it('turns an error answered before the stream into its code, status and Retry-After', async () => {
    mockFetch(() => Response.json({ code: 'rate_limited', message: 'Too many' }, { status: 429, headers: { 'retry-after': '12' } }))
    expect((await run()).outcome).toEqual({ status: 'failed', failure: { kind: 'response', status: 429, code: 'rate_limited', retryAfter: '12' } })
    mockFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }))
    expect((await run()).outcome).toEqual({ status: 'failed', failure: { kind: 'response', status: 502, code: null, retryAfter: null } })
  })

  it('keeps the code of an error event, and reports an interruption for a cut stream and a malformed event — keeping what streamed', async () => {
    mockFetch(() => new Response(streamOf(sse(['delta', { text: 'meio' }], ['error', { code: 'answer_too_long', message: 'cut' }]))))
    const errored = await run()
    expect(errored.outcome).toEqual({ status: 'failed', failure: { kind: 'stream', code: 'answer_too_long' } })
    expect(errored.deltas).toEqual(['meio'])
    mockFetch(() => new Response(streamOf(sse(['error', { code: 'provider_rate_limited', message: 'busy' }]))))
    expect((await run()).outcome).toEqual({ status: 'failed', failure: { kind: 'stream', code: 'provider_rate_limited' } })
    mockFetch(() => new Response(streamOf(sse(['error', { message: 'no code' }]))))
    expect((await run()).outcome).toEqual({ status: 'failed', failure: { kind: 'interrupted' } })
    mockFetch(() => new Response(streamOf(`${sse(['delta', { text: 'meio' }])}event: delta\ndata: {"te`)))
    expect((await run()).outcome).toEqual({ status: 'failed', failure: { kind: 'interrupted' } })
    mockFetch(() => new Response(streamOf('event: delta\ndata: not json\n\n')))
    expect((await run()).outcome).toEqual({ status: 'failed', failure: { kind: 'interrupted' } })
  })

  it('reports Stop as stopped, not as an error, and an unreachable app as a network failure', async () => {
    const abort = new AbortController()
    mockFetch(() => new Response(streamOf(sse(['delta', { text: 'a' }]), { close: false })))
    const running = run(abort.signal)
    await new Promise((r) => setTimeout(r, 20))
    abort.abort()
    expect((await running).outcome).toEqual({ status: 'stopped' })
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    expect((await run()).outcome).toEqual({ status: 'failed', failure: { kind: 'network' } })
  })
})

describe('Ask the book preview while typing', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function setup() {
    const calls: { question: string; signal: AbortSignal; resolve: (result: string) => void }[] = []
    const shown: FollowedPreview<string>[] = []
    const follower = followPreview<string>({
      load: (question, signal) => new Promise((resolve) => calls.push({ question, signal, resolve })),
      show: (state) => shown.push(state),
      delayMs: 600,
    })
    return { calls, shown, follower }
  }

  it('asks once per pause in typing, for the question as it is then', async () => {
    const { calls, follower } = setup()
    follower.follow('Quem')
    await vi.advanceTimersByTimeAsync(300)
    follower.follow('Quem é')
    await vi.advanceTimersByTimeAsync(300)
    follower.follow('Quem é Capitu?')
    await vi.advanceTimersByTimeAsync(600)
    expect(calls.map((c) => c.question)).toEqual(['Quem é Capitu?'])
  })

  it('aborts the previous preview request when a new one starts and never shows an older question’s preview', async () => {
    const { calls, shown, follower } = setup()
    follower.follow('Quem é')
    await vi.advanceTimersByTimeAsync(600)
    follower.follow('Quem é Capitu?')
    // The older request is cancelled at once, and its preview is no longer on screen.
    expect(calls[0].signal.aborted).toBe(true)
    expect(shown.at(-1)).toEqual({ question: 'Quem é Capitu?', loading: true, result: null })
    await vi.advanceTimersByTimeAsync(600)
    expect(calls.map((c) => c.question)).toEqual(['Quem é', 'Quem é Capitu?'])
    expect(calls.filter((c) => !c.signal.aborted)).toHaveLength(1)
    // The older answer arrives late, after the newer one: it is dropped.
    calls[1].resolve('preview of the full question')
    await vi.advanceTimersByTimeAsync(0)
    calls[0].resolve('preview of the older question')
    await vi.advanceTimersByTimeAsync(0)
    expect(shown.at(-1)).toEqual({ question: 'Quem é Capitu?', loading: false, result: 'preview of the full question' })
    expect(shown.some((state) => state.result === 'preview of the older question')).toBe(false)
  })

  it('clears the preview for an empty question and stops on cancel', async () => {
    const { calls, shown, follower } = setup()
    follower.follow('Quem')
    await vi.advanceTimersByTimeAsync(600)
    follower.follow('')
    expect(calls[0].signal.aborted).toBe(true)
    expect(shown.at(-1)).toEqual({ question: '', loading: false, result: null })
    follower.follow('Onde')
    follower.cancel()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls).toHaveLength(1)
  })
})
