// The fake provider, driven by the real openai SDK the way the Edge Functions will drive it:
// if the SDK is happy with its answers (and breaks the way it breaks on OpenAI's errors),
// tests built on the fake exercise the code paths a real provider would.
import OpenAI, { type APIError } from 'openai'
import { DEFAULT_API_KEY, countTokens, defaultReply } from './fake-openai.ts'
import { startFakeOpenAI, type RunningFakeOpenAI } from './fake-openai.server.ts'

let server: RunningFakeOpenAI
beforeAll(async () => {
  server = await startFakeOpenAI()
})
afterAll(async () => {
  await server.stop()
})
beforeEach(() => {
  server.fake.reset()
})

function client(options: { apiKey?: string; maxRetries?: number; timeout?: number } = {}) {
  return new OpenAI({ baseURL: server.url, apiKey: options.apiKey ?? DEFAULT_API_KEY, maxRetries: options.maxRetries ?? 0, timeout: options.timeout })
}

const question = [
  { role: 'system' as const, content: 'You are a careful editor.' },
  { role: 'user' as const, content: 'What should happen next in chapter three?' },
]

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i]
  return dot
}

function norm(a: ArrayLike<number>): number {
  return Math.sqrt(cosine(a, a))
}

describe('models', () => {
  it('lists the configured chat and embedding models', async () => {
    server.fake.set({ chatModels: ['llama-3.1-8b'], embeddingModels: { 'nomic-embed-text': { dimensions: 768, adjustable: false } } })
    const ids: string[] = []
    for await (const model of client().models.list()) ids.push(model.id)
    expect(ids).toEqual(['llama-3.1-8b', 'nomic-embed-text'])
    expect((await client().models.retrieve('llama-3.1-8b')).object).toBe('model')
  })

  it('answers 404 model_not_found for a model it does not have', async () => {
    const error = await client().models.retrieve('gpt-9-imaginary').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    expect((error as APIError).code).toBe('model_not_found')
    const malformed = await fetch(`${server.url}/models/%E0%A4%A`, { headers: { authorization: `Bearer ${DEFAULT_API_KEY}` } })
    expect(malformed.status).toBe(404)
  })

  it('answers an unknown path like OpenAI, and a missing key with 401', async () => {
    const unknown = await fetch(`${server.url}/completions/legacy`, { method: 'POST', headers: { authorization: `Bearer ${DEFAULT_API_KEY}` } })
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error).toMatchObject({ type: 'invalid_request_error', code: null })
    const anonymous = await fetch(`${server.url}/models`)
    expect(anonymous.status).toBe(401)
    expect(server.fake.calls.at(-1)!.auth).toEqual({ present: false, last4: null, accepted: false })
  })
})

describe('chat completions', () => {
  it('answers a non-streamed request with the default deterministic reply and word-based usage', async () => {
    const completion = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: question })
    const reply = defaultReply({ model: 'gpt-4o-mini', messages: question, body: {} })
    expect(completion.choices[0].message.content).toBe(reply)
    expect(completion.choices[0].finish_reason).toBe('stop')
    // 3 per message + 3 to prime, plus the words and punctuation of each message.
    expect(completion.usage?.prompt_tokens).toBe(3 + 3 + 6 + 3 + 8)
    expect(completion.usage?.completion_tokens).toBe(countTokens(reply))
    const again = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: question })
    expect(again.choices[0].message.content).toBe(reply)
  })

  it('uses a reply computed from the request, and stops at max_tokens with finish_reason length', async () => {
    server.fake.set({ reply: ({ messages }) => `Echo: ${messages.at(-1)?.content}` })
    const echoed = await client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'one two three four' }] })
    expect(echoed.choices[0].message.content).toBe('Echo: one two three four')
    const cut = await client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'one two three four' }], max_tokens: 3 })
    expect(cut.choices[0].message.content).toBe('Echo: one ')
    expect(cut.choices[0].finish_reason).toBe('length')
    expect(cut.usage?.completion_tokens).toBe(3)
  })

  it('streams the reply piece by piece, then a usage chunk, and records what was asked', async () => {
    const reply = 'The storm breaks at dawn, and Ana finally reads the letter.'
    server.fake.set({ reply })
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: question,
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let contentChunks = 0
    let usage: OpenAI.CompletionUsage | null | undefined
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content
      if (delta) {
        text += delta
        contentChunks += 1
      }
      if (chunk.usage) usage = chunk.usage
    }
    expect(text).toBe(reply)
    expect(contentChunks).toBeGreaterThan(5)
    expect(usage).toMatchObject({ prompt_tokens: 23, completion_tokens: countTokens(reply), total_tokens: 23 + countTokens(reply) })

    const call = server.fake.calls.at(-1)!
    expect(call).toMatchObject({ path: '/v1/chat/completions', endpoint: 'chat', model: 'gpt-4o-mini', stream: true, status: 200, outcome: 'completed' })
    expect(call.messages).toEqual(question)
    expect(call.usage).toEqual({ prompt_tokens: 23, completion_tokens: countTokens(reply) })
    expect(call.auth).toEqual({ present: true, last4: DEFAULT_API_KEY.slice(-4), accepted: true })
    expect(call.headers.authorization).toBeUndefined()
    expect(JSON.stringify(server.fake.calls)).not.toContain(DEFAULT_API_KEY)
  })

  it('speaks OpenAI\'s SSE wire format: data lines, a finish chunk, a usage chunk only when asked, then [DONE]', async () => {
    server.fake.set({ reply: 'Hi there' })
    const post = (body: Record<string, unknown>) =>
      fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEFAULT_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], stream: true, ...body }),
      })
    const withUsage = await post({ stream_options: { include_usage: true } })
    expect(withUsage.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const raw = await withUsage.text()
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true)
    const events = raw.trim().split('\n\n')
    expect(events.every((event) => event.startsWith('data: '))).toBe(true)
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)))
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null })
    expect(chunks.map((c) => c.object)).toEqual(chunks.map(() => 'chat.completion.chunk'))
    expect(chunks.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' })
    expect(chunks.at(-1).choices).toEqual([])
    expect(chunks.at(-1).usage.completion_tokens).toBe(2)
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true)

    const withoutUsage = (await (await post({})).text()).trim().split('\n\n')
    expect(withoutUsage.at(-1)).toBe('data: [DONE]')
    expect(withoutUsage.at(-2)).toContain('"finish_reason":"stop"')
    expect(withoutUsage.some((event) => event.includes('usage'))).toBe(false)
  })

  it('records a stream the client stopped as cancelled, with only the tokens it sent', async () => {
    // Paced like a real model, so the answer is still being written when the client stops.
    server.fake.set({ reply: Array.from({ length: 200 }, (_, i) => `word${i}`).join(' '), latency: { betweenChunksMs: 20 } })
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: question, stream: true })
    let received = 0
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received += 1
      if (received === 3) break
    }
    const call = server.fake.calls.at(-1)!
    await vi.waitFor(() => expect(call.outcome).toBe('cancelled'))
    expect(call.usage!.completion_tokens).toBeGreaterThanOrEqual(3)
    expect(call.usage!.completion_tokens).toBeLessThan(200)
  })

  it('refuses an embedding model on the chat endpoint and a malformed body', async () => {
    const notChat = await client().chat.completions.create({ model: 'text-embedding-3-small', messages: question }).catch((e: unknown) => e)
    expect(notChat).toBeInstanceOf(OpenAI.NotFoundError)
    const empty = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).catch((e: unknown) => e)
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError)
  })
})

describe('embeddings', () => {
  it('returns deterministic unit vectors of the model\'s size, in base64 (the SDK default) or floats', async () => {
    const text = 'Capitu tinha olhos de ressaca.'
    const first = await client().embeddings.create({ model: 'text-embedding-3-small', input: text })
    expect(first.data[0].embedding).toHaveLength(1536)
    expect(norm(first.data[0].embedding)).toBeCloseTo(1, 5)
    expect(first.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 })
    expect(server.fake.calls.at(-1)!.body!.encoding_format).toBe('base64')

    const floats = await client().embeddings.create({ model: 'text-embedding-3-small', input: [text, 'Outra frase.'], encoding_format: 'float' })
    expect(floats.data.map((d) => d.index)).toEqual([0, 1])
    expect(Array.from(first.data[0].embedding)).toEqual(floats.data[0].embedding.map((v) => Math.fround(v)))
    expect(server.fake.calls.at(-1)!.input).toEqual([text, 'Outra frase.'])
  })

  it('gives similar texts similar vectors and unrelated texts distant ones', async () => {
    const texts = [
      'The captain sailed his ship across the stormy sea at night.',
      'At night the ship of the captain crossed a stormy sea.',
      'Grandmother baked bread in the warm kitchen on Sunday.',
    ]
    const { data } = await client().embeddings.create({ model: 'text-embedding-3-small', input: texts })
    const [ship, shipAgain, bread] = data.map((d) => d.embedding)
    expect(cosine(ship, shipAgain)).toBeGreaterThan(0.6)
    expect(cosine(ship, bread)).toBeLessThan(0.2)
    expect(cosine(ship, shipAgain)).toBeGreaterThan(cosine(ship, bread) + 0.4)
  })

  it('shortens vectors with `dimensions` where the model allows it and refuses it like OpenAI where not', async () => {
    const short = await client().embeddings.create({ model: 'text-embedding-3-large', input: 'Bentinho', dimensions: 256 })
    expect(short.data[0].embedding).toHaveLength(256)
    expect(norm(short.data[0].embedding)).toBeCloseTo(1, 5)

    const ada = await client().embeddings.create({ model: 'text-embedding-ada-002', input: 'Bentinho', dimensions: 256 }).catch((e: unknown) => e)
    expect(ada).toBeInstanceOf(OpenAI.BadRequestError)
    expect((ada as APIError).message).toMatch(/does not support specifying dimensions/)
    const tooMany = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'Bentinho', dimensions: 4096 }).catch((e: unknown) => e)
    expect(tooMany).toBeInstanceOf(OpenAI.BadRequestError)
  })

  it('gives another model unrelated vectors, so a model change shows up', async () => {
    server.fake.set({ embeddingModels: { 'model-a': { dimensions: 64, adjustable: false }, 'model-b': { dimensions: 64, adjustable: false } } })
    const input = 'Elizabeth walked to Netherfield through the muddy fields.'
    const a = await client().embeddings.create({ model: 'model-a', input, encoding_format: 'float' })
    const b = await client().embeddings.create({ model: 'model-b', input, encoding_format: 'float' })
    expect(a.data[0].embedding).not.toEqual(b.data[0].embedding)
  })

  it('refuses an empty input and an input longer than the model\'s context', async () => {
    server.fake.set({ embeddingModels: { tiny: { dimensions: 8, adjustable: false, maxInputTokens: 5 } } })
    for (const input of ['', 'one two three four five six']) {
      const error = await client().embeddings.create({ model: 'tiny', input }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    }
  })
})

describe('authentication and injected errors', () => {
  it('answers 401 invalid_api_key for a wrong key without recording the key', async () => {
    const wrongKey = 'sk-wrong-key-canary-9876'
    const error = await client({ apiKey: wrongKey }).models.list().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((error as APIError).code).toBe('invalid_api_key')
    expect((error as APIError).message).not.toContain(wrongKey)
    expect(server.fake.calls.at(-1)!.auth).toEqual({ present: true, last4: '9876', accepted: false })
    expect(JSON.stringify(server.fake.calls)).not.toContain(wrongKey)

    server.fake.set({ apiKeys: [wrongKey] })
    expect((await client({ apiKey: wrongKey }).models.list()).data.length).toBeGreaterThan(0)
  })

  it('answers 429 with Retry-After: a RateLimitError when retries are off, a success after the SDK retries', async () => {
    server.fake.set({ failures: [{ kind: 'rate_limit', retryAfterSeconds: 7 }] })
    const error = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: question }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect((error as APIError).headers?.get('retry-after')).toBe('7')

    server.fake.set({ failures: [{ kind: 'rate_limit', retryAfterSeconds: 0, times: 1 }] })
    server.fake.calls.length = 0
    const completion = await client({ maxRetries: 1 }).chat.completions.create({ model: 'gpt-4o-mini', messages: question })
    expect(completion.choices[0].message.content).toBeTruthy()
    expect(server.fake.calls.map((c) => c.status)).toEqual([429, 200])
  })

  it('injects 500 and model_not_found on one endpoint only', async () => {
    server.fake.set({ failures: [{ kind: 'server_error', endpoint: 'embeddings' }] })
    const failed = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError)
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages: question })

    server.fake.set({ failures: [{ kind: 'model_not_found', endpoint: 'chat' }] })
    const missing = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: question }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError)
    expect((missing as APIError).code).toBe('model_not_found')
  })

  it('cuts a stream halfway: the SDK\'s iterator throws after the first pieces, never seeing [DONE]', async () => {
    server.fake.set({ reply: 'one two three four five six seven eight', failures: [{ kind: 'cut_stream' }] })
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: question, stream: true })
    let text = ''
    const consume = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    }
    await expect(consume()).rejects.toThrow()
    expect(text).toBe('one two three four ')
    expect(server.fake.calls.at(-1)).toMatchObject({ outcome: 'cut', usage: { completion_tokens: 4 } })
  })

  it('cuts a non-streamed answer halfway: the SDK fails instead of returning half a body', async () => {
    server.fake.set({ failures: [{ kind: 'cut_stream', endpoint: 'embeddings' }] })
    const error = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(server.fake.calls.at(-1)!.outcome).toBe('cut')
  })

  it('waits before the first byte and between chunks as configured', async () => {
    server.fake.set({ latency: { firstByteMs: 10_000 } })
    const slow = await client({ timeout: 50 }).models.list().catch((e: unknown) => e)
    expect(slow).toBeInstanceOf(OpenAI.APIConnectionTimeoutError)

    server.fake.set({ latency: { firstByteMs: 0, betweenChunksMs: 10_000 } })
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: question, stream: true })
    const iterator = stream[Symbol.asyncIterator]()
    expect((await iterator.next()).done).toBe(false)
    const next = iterator.next()
    const waited = await Promise.race([next.then(() => 'chunk'), new Promise((resolve) => setTimeout(resolve, 50, 'still waiting'))])
    expect(waited).toBe('still waiting')
    stream.controller.abort()
    await next.catch(() => {})
    const call = server.fake.calls.at(-1)!
    await vi.waitFor(() => expect(call.outcome).toBe('cancelled'))
  })
})
