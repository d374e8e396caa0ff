// A fake OpenAI-compatible provider for tests and benchmarks: the code under test talks to
// it with the real `openai` SDK. It is a pure Fetch-API handler (no Node or Deno imports)
// so Vitest (tests/fakes/fake-openai.server.ts) and `deno test` (Deno.serve) both serve it.
// Everything it answers is deterministic: the same request gives the same reply, token
// counts and vectors, so tests can assert on them. See docs/decisions/014-fake-openai.md.

export type Endpoint = 'models' | 'chat' | 'embeddings'

export interface EmbeddingModel {
  /** Length of the vectors the model returns when `dimensions` is not sent. */
  dimensions: number
  /** Whether the model accepts the `dimensions` parameter (text-embedding-3-*) or refuses it (ada-002). */
  adjustable: boolean
  /** Longest input in (fake) tokens; longer is a 400 as OpenAI answers. */
  maxInputTokens?: number
}

export interface ChatRequest {
  model: string
  messages: ChatMessage[]
  body: Record<string, unknown>
}

export interface ChatMessage {
  role: string
  content: string
}

/** A failure to inject. `times` (default: every matching call) counts down per call. */
export type FailureRule = (
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  | { kind: 'server_error' }
  | { kind: 'unavailable' }
  | { kind: 'model_not_found' }
  /** The connection drops after `afterChunks` SSE chunks (default: half the reply), without `[DONE]`. */
  | { kind: 'cut_stream'; afterChunks?: number }
) & { endpoint?: Endpoint; times?: number }

export interface FakeOpenAIOptions {
  /** Bearer keys the fake accepts; anything else is a 401 `invalid_api_key`. */
  apiKeys?: string[]
  chatModels?: string[]
  embeddingModels?: Record<string, EmbeddingModel>
  /** The assistant's answer: fixed text, or computed from the request. */
  reply?: string | ((request: ChatRequest) => string)
  latency?: {
    /** Wait before the response starts (headers included), on every endpoint. */
    firstByteMs?: number
    /** Wait between two SSE chunks of a streamed chat completion. */
    betweenChunksMs?: number
  }
  failures?: FailureRule[]
}

export interface RecordedCall {
  method: string
  path: string
  endpoint: Endpoint | null
  /** Request headers with `authorization` removed: the key itself is never recorded. */
  headers: Record<string, string>
  auth: { present: boolean; last4: string | null; accepted: boolean }
  /** The parsed JSON body (for POSTs), as the SDK sent it. */
  body: Record<string, unknown> | null
  model: string | null
  stream: boolean
  messages: ChatMessage[] | null
  input: string[] | null
  status: number
  /**
   * completed: the whole answer was sent; error: an error status was answered; cut: the fake
   * dropped the connection on purpose; cancelled: the client went away mid-stream.
   */
  outcome: 'completed' | 'error' | 'cut' | 'cancelled' | 'pending'
  /** Tokens the fake charged: prompt, and the completion tokens actually sent. */
  usage: { prompt_tokens: number; completion_tokens: number } | null
}

export const DEFAULT_API_KEY = 'sk-fake-0000000000000000test'
export const DEFAULT_CHAT_MODELS = ['gpt-4o-mini', 'gpt-4o']
export const DEFAULT_EMBEDDING_MODELS: Record<string, EmbeddingModel> = {
  'text-embedding-3-small': { dimensions: 1536, adjustable: true },
  'text-embedding-3-large': { dimensions: 3072, adjustable: true },
  'text-embedding-ada-002': { dimensions: 1536, adjustable: false },
}
const DEFAULT_MAX_INPUT_TOKENS = 8192
const MAX_EMBEDDING_INPUTS = 2048
const CREATED = 1_700_000_000

type ResolvedOptions = Required<Omit<FakeOpenAIOptions, 'latency'>> & { latency: { firstByteMs: number; betweenChunksMs: number } }

function resolve(options: FakeOpenAIOptions, base?: ResolvedOptions): ResolvedOptions {
  return {
    apiKeys: options.apiKeys ?? base?.apiKeys ?? [DEFAULT_API_KEY],
    chatModels: options.chatModels ?? base?.chatModels ?? DEFAULT_CHAT_MODELS,
    embeddingModels: options.embeddingModels ?? base?.embeddingModels ?? DEFAULT_EMBEDDING_MODELS,
    reply: options.reply ?? base?.reply ?? defaultReply,
    latency: {
      firstByteMs: options.latency?.firstByteMs ?? base?.latency.firstByteMs ?? 0,
      betweenChunksMs: options.latency?.betweenChunksMs ?? base?.latency.betweenChunksMs ?? 0,
    },
    // Copies, so counting `times` down never edits the caller's objects.
    failures: (options.failures ?? base?.failures ?? []).map((rule) => ({ ...rule })),
  }
}

/** The default answer names the model and echoes the start of the last user message. */
export function defaultReply(request: ChatRequest): string {
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? ''
  const excerpt = lastUser.replace(/\s+/g, ' ').trim().split(' ').slice(0, 12).join(' ')
  return `Fake answer from ${request.model}. You asked: ${excerpt}`
}

/** Fake tokens: each run of letters/digits is one token, each other non-space character is one. */
export function countTokens(text: string): number {
  return text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0
}

/** Prompt tokens of a chat request: its messages' tokens plus OpenAI's fixed overhead (3 per message, 3 to prime the reply). */
export function countChatPromptTokens(messages: ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + 3 + countTokens(m.content), 3)
}

export function createFakeOpenAI(options: FakeOpenAIOptions = {}) {
  const initial = resolve(options)
  let current = resolve(options)
  const calls: RecordedCall[] = []
  let sequence = 0

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url)
    const route = url.pathname.match(/^(?:.*)?\/v1(\/.*)$/)?.[1] ?? ''
    const authorization = req.headers.get('authorization') ?? ''
    const key = authorization.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? null
    const headers: Record<string, string> = {}
    req.headers.forEach((value, name) => {
      if (name !== 'authorization') headers[name] = value
    })
    const call: RecordedCall = {
      method: req.method,
      path: url.pathname,
      endpoint: null,
      headers,
      auth: { present: key !== null, last4: key ? key.slice(-4) : null, accepted: key !== null && current.apiKeys.includes(key) },
      body: null,
      model: null,
      stream: false,
      messages: null,
      input: null,
      status: 0,
      outcome: 'pending',
      usage: null,
    }
    calls.push(call)
    const requestId = `req_fake${(++sequence).toString(16).padStart(8, '0')}`
    const options = current

    const respond = (response: Response): Response => {
      call.status = response.status
      if (response.status >= 400) call.outcome = 'error'
      // A stream's outcome is known only when it ends (see chat()).
      else if (call.outcome === 'pending' && !call.stream) call.outcome = 'completed'
      response.headers.set('x-request-id', requestId)
      return response
    }

    await sleep(options.latency.firstByteMs, req.signal)

    let endpoint: Endpoint | null = null
    if (req.method === 'GET' && (route === '/models' || route.startsWith('/models/'))) endpoint = 'models'
    else if (req.method === 'POST' && route === '/chat/completions') endpoint = 'chat'
    else if (req.method === 'POST' && route === '/embeddings') endpoint = 'embeddings'
    call.endpoint = endpoint
    if (!endpoint) return respond(openaiError(404, `Invalid URL (${req.method} ${url.pathname})`, 'invalid_request_error', null))

    if (!key) {
      return respond(
        openaiError(
          401,
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          'invalid_request_error',
          null,
        ),
      )
    }
    if (!call.auth.accepted) {
      return respond(openaiError(401, `Incorrect API key provided: ${maskKey(key)}.`, 'invalid_request_error', 'invalid_api_key'))
    }

    if (endpoint === 'models') {
      const failure = takeFailure(options, endpoint)
      const cut = failure?.kind === 'cut_stream'
      if (failure && failure.kind !== 'cut_stream') return respond(failureResponse(failure, null))
      const ids = [...options.chatModels, ...Object.keys(options.embeddingModels)]
      const id = route.startsWith('/models/') ? decodePercent(route.slice('/models/'.length)) : null
      if (id !== null) {
        call.model = id
        if (!ids.includes(id)) return respond(modelNotFound(id))
        return respond(cut ? cutBody(call, modelObject(id)) : jsonResponse(modelObject(id)))
      }
      const list = { object: 'list', data: ids.map(modelObject) }
      return respond(cut ? cutBody(call, list) : jsonResponse(list))
    }

    let body: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(await req.text())
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
      body = parsed as Record<string, unknown>
    } catch {
      return respond(
        openaiError(
          400,
          'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)',
          'invalid_request_error',
          null,
        ),
      )
    }
    call.body = body
    call.model = typeof body.model === 'string' ? body.model : null
    call.stream = body.stream === true
    if (!call.model) return respond(openaiError(400, 'you must provide a model parameter', 'invalid_request_error', null))

    const failure = takeFailure(options, endpoint)
    const cut = failure?.kind === 'cut_stream' ? { afterChunks: failure.afterChunks } : null
    if (failure && failure.kind !== 'cut_stream') return respond(failureResponse(failure, call.model))

    if (endpoint === 'chat') return respond(await chat(options, body, call, req.signal, cut))
    return respond(embeddings(options, body, call, cut))
  }

  return {
    handle,
    calls,
    /** Changes some options from now on (keys not given keep their value). */
    set(next: FakeOpenAIOptions) {
      current = resolve(next, current)
    },
    /** Back to the options given at creation, and forgets the recorded calls. */
    reset() {
      current = resolve(initial, initial)
      calls.length = 0
    },
  }
}

export type FakeOpenAI = ReturnType<typeof createFakeOpenAI>

// ---- chat ------------------------------------------------------------------------------

type Cut = { afterChunks?: number } | null

async function chat(options: ResolvedOptions, body: Record<string, unknown>, call: RecordedCall, signal: AbortSignal, cut: Cut): Promise<Response> {
  const model = call.model as string
  if (!options.chatModels.includes(model)) {
    if (model in options.embeddingModels) {
      return openaiError(404, 'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?', 'invalid_request_error', null)
    }
    return modelNotFound(model)
  }
  const messages = parseMessages(body.messages)
  if (!messages) return openaiError(400, "Invalid type for 'messages': expected an array of objects with a role and a content.", 'invalid_request_error', 'invalid_type', 'messages')
  if (messages.length === 0) return openaiError(400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'invalid_request_error', 'empty_array', 'messages')
  call.messages = messages

  const request: ChatRequest = { model, messages, body }
  const fullReply = typeof options.reply === 'function' ? options.reply(request) : options.reply
  const maxTokens = numberOrNull(body.max_completion_tokens) ?? numberOrNull(body.max_tokens)
  let pieces = splitIntoPieces(fullReply)
  let finishReason = 'stop'
  if (maxTokens !== null) {
    const kept: string[] = []
    let tokens = 0
    for (const piece of pieces) {
      tokens += countTokens(piece)
      if (tokens > maxTokens) {
        finishReason = 'length'
        break
      }
      kept.push(piece)
    }
    pieces = kept
  }
  const reply = pieces.join('')
  const promptTokens = countChatPromptTokens(messages)
  const id = `chatcmpl-fake${hashString(JSON.stringify(body), 1).toString(36)}`
  const base = { id, created: CREATED, model, service_tier: 'default', system_fingerprint: 'fp_fake' }
  const usageOf = (completionTokens: number) => ({
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  })

  if (!call.stream) {
    const completionTokens = countTokens(reply)
    call.usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens }
    const payload = {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: reply, refusal: null, annotations: [] }, logprobs: null, finish_reason: finishReason }],
      usage: usageOf(completionTokens),
    }
    return cut ? cutBody(call, payload) : jsonResponse(payload)
  }

  const streamOptions = body.stream_options as { include_usage?: unknown } | undefined
  const includeUsage = streamOptions?.include_usage === true
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  })
  const events: unknown[] = [
    chunk({ role: 'assistant', content: '', refusal: null }, null),
    ...pieces.map((piece) => chunk({ content: piece }, null)),
    chunk({}, finishReason),
  ]
  if (includeUsage) events.push({ ...base, object: 'chat.completion.chunk', choices: [], usage: usageOf(countTokens(reply)) })
  const cutAfter = cut ? (cut.afterChunks ?? Math.max(1, Math.floor((pieces.length + 2) / 2))) : null
  call.usage = { prompt_tokens: promptTokens, completion_tokens: 0 }

  // Pull-based with no read-ahead: a chunk is produced when the client reads it, so the
  // completion tokens recorded are the ones actually sent when the client stops early.
  const encoder = new TextEncoder()
  let index = 0
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (index > 0) await sleep(options.latency.betweenChunksMs, signal)
        if (call.outcome !== 'pending') return
        if (signal.aborted) {
          call.outcome = 'cancelled'
          controller.close()
          return
        }
        if (cutAfter !== null && index === cutAfter) {
          call.outcome = 'cut'
          controller.error(new Error('fake-openai: stream cut on purpose'))
          return
        }
        if (index === events.length) {
          controller.enqueue(encoder.encode('data: [DONE]\n\n'))
          call.outcome = 'completed'
          controller.close()
          return
        }
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(events[index])}\n\n`))
        if (index >= 1 && index <= pieces.length && call.usage) call.usage.completion_tokens += countTokens(pieces[index - 1])
        index += 1
      },
      cancel() {
        if (call.outcome === 'pending') call.outcome = 'cancelled'
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(stream, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  })
}

function parseMessages(value: unknown): ChatMessage[] | null {
  if (!Array.isArray(value)) return null
  const messages: ChatMessage[] = []
  for (const item of value) {
    if (item === null || typeof item !== 'object') return null
    const { role, content } = item as { role?: unknown; content?: unknown }
    if (typeof role !== 'string') return null
    messages.push({ role, content: contentText(content) })
  }
  return messages
}

/** A message's content is a string or a list of parts; only text parts count. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
    .join('')
}

/** Stream pieces: each word with the spaces after it, so the pieces join back to the exact text. */
function splitIntoPieces(text: string): string[] {
  return text.match(/^\s+|\S+\s*/g) ?? []
}

// ---- embeddings ------------------------------------------------------------------------

function embeddings(options: ResolvedOptions, body: Record<string, unknown>, call: RecordedCall, cut: Cut): Response {
  const modelName = call.model as string
  const model = options.embeddingModels[modelName]
  if (!model) {
    if (options.chatModels.includes(modelName)) {
      return openaiError(400, `This model does not support embeddings: ${modelName}.`, 'invalid_request_error', null)
    }
    return modelNotFound(modelName)
  }
  const input = parseInput(body.input)
  if (!input) return openaiError(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'invalid_request_error', null)
  if (input.length > MAX_EMBEDDING_INPUTS) {
    return openaiError(400, `'$.input' is too long. Maximum array size is ${MAX_EMBEDDING_INPUTS}.`, 'invalid_request_error', null)
  }
  call.input = input

  let dimensions = model.dimensions
  if (body.dimensions !== undefined && body.dimensions !== null) {
    if (!model.adjustable) return openaiError(400, 'This model does not support specifying dimensions.', 'invalid_request_error', null)
    const asked = body.dimensions
    if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1 || asked > model.dimensions) {
      return openaiError(400, `Invalid value for 'dimensions' = ${String(asked)}. Must be an integer between 1 and ${model.dimensions}.`, 'invalid_request_error', null, 'dimensions')
    }
    dimensions = asked
  }
  const format = body.encoding_format ?? 'float'
  if (format !== 'float' && format !== 'base64') {
    return openaiError(400, `Invalid value for 'encoding_format': '${String(format)}'. Supported values are: 'float' and 'base64'.`, 'invalid_request_error', null, 'encoding_format')
  }

  const maxTokens = model.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS
  let promptTokens = 0
  for (const text of input) {
    const tokens = countTokens(text)
    if (tokens > maxTokens) {
      return openaiError(
        400,
        `This model's maximum context length is ${maxTokens} tokens, however you requested ${tokens} tokens (${tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
        'invalid_request_error',
        null,
      )
    }
    promptTokens += tokens
  }
  call.usage = { prompt_tokens: promptTokens, completion_tokens: 0 }

  const payload = {
    object: 'list',
    data: input.map((text, index) => {
      const vector = embedText(text, dimensions, modelName)
      return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : Array.from(vector) }
    }),
    model: modelName,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  }
  return cut ? cutBody(call, payload) : jsonResponse(payload)
}

/** `input` is a string, strings, or token ids (one list or several); token ids become words. */
function parseInput(value: unknown): string[] | null {
  const isTokens = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((n) => Number.isInteger(n))
  let texts: string[]
  if (typeof value === 'string') texts = [value]
  else if (isTokens(value)) texts = [value.map((n) => `t${n}`).join(' ')]
  else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) texts = value as string[]
  else if (Array.isArray(value) && value.length > 0 && value.every(isTokens)) texts = (value as number[][]).map((ids) => ids.map((n) => `t${n}`).join(' '))
  else return null
  // OpenAI refuses empty strings.
  return texts.every((text) => text.length > 0) ? texts : null
}

// Very common words carry no meaning for retrieval; without this, two unrelated sentences
// would look similar just for sharing "the", "of", "que", "de".
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for from had has have he her his i in is it its me my not of on or she so that the their them ' +
    'there they this to was we were what when which who will with you your ' +
    'o os as um uma uns umas e de do da dos das em no na nos nas por para com que se nao mas ao aos ele ela eles elas eu me meu minha ' +
    'seu sua lhe foi era ser tem mais como'
  ).split(' '),
)

/**
 * A deterministic unit vector: a hashed bag of words. Each word (lower-cased, accents
 * removed, stop words skipped) adds ±1 at two positions chosen by hashing it with the model
 * name, then the vector is scaled to length 1. Texts that share words point the same way,
 * so cosine similarity behaves like word overlap; another model gives unrelated vectors.
 */
export function embedText(text: string, dimensions: number, model: string): Float32Array {
  const vector = new Float32Array(dimensions)
  const words = (text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) as string[]
  const meaningful = words.filter((word) => !STOP_WORDS.has(word))
  const features = meaningful.length > 0 ? meaningful : words.length > 0 ? words : [text]
  const seed = hashString(model, 0x9e3779b9)
  for (const feature of features) {
    for (const salt of [1, 2]) {
      const hash = hashString(feature, seed ^ salt)
      vector[hash % dimensions] += hash & 0x80000000 ? -1 : 1
    }
  }
  let norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0))
  if (norm === 0) {
    // Opposite signs cancelled out everywhere (rare); any fixed direction keeps it a unit vector.
    vector[hashString(text, seed) % dimensions] = 1
    norm = 1
  }
  for (let i = 0; i < dimensions; i++) vector[i] /= norm
  return vector
}

/** FNV-1a over UTF-16 code units with a seed, then a final avalanche: an unsigned 32-bit hash. */
function hashString(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b) >>> 0
  hash ^= hash >>> 13
  return hash >>> 0
}

/** Little-endian float32 bytes in base64, as OpenAI encodes `encoding_format: 'base64'`. */
function toBase64(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.length * 4)
  const view = new DataView(bytes.buffer)
  vector.forEach((value, i) => view.setFloat32(i * 4, value, true))
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

// ---- errors and responses --------------------------------------------------------------

function takeFailure(options: ResolvedOptions, endpoint: Endpoint): FailureRule | null {
  for (const rule of options.failures) {
    if (rule.endpoint && rule.endpoint !== endpoint) continue
    if (rule.times !== undefined) {
      if (rule.times <= 0) continue
      rule.times -= 1
    }
    return rule
  }
  return null
}

/** The error response of an injected failure (a cut is handled by each endpoint instead). */
function failureResponse(rule: Exclude<FailureRule, { kind: 'cut_stream' }>, model: string | null): Response {
  switch (rule.kind) {
    case 'rate_limit': {
      const seconds = rule.retryAfterSeconds ?? 1
      const response = openaiError(
        429,
        `Rate limit reached for ${model ?? 'requests'} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${seconds}s.`,
        'requests',
        'rate_limit_exceeded',
      )
      response.headers.set('retry-after', String(seconds))
      response.headers.set('x-ratelimit-remaining-requests', '0')
      return response
    }
    case 'server_error':
      return openaiError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null)
    case 'unavailable':
      return openaiError(503, 'The engine is currently overloaded, please try again later.', 'server_error', null)
    case 'model_not_found':
      return modelNotFound(model ?? 'unknown')
  }
}

function modelNotFound(model: string): Response {
  return openaiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found')
}

function modelObject(id: string) {
  return { id, object: 'model', created: CREATED, owned_by: 'system' }
}

function openaiError(status: number, message: string, type: string, code: string | null, param: string | null = null): Response {
  return jsonResponse({ error: { message, type, param, code } }, status)
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

/** Sends the first half of a JSON body and then fails the stream: the server drops the connection. */
function cutBody(call: RecordedCall, payload: unknown): Response {
  call.outcome = 'cut'
  const bytes = new TextEncoder().encode(JSON.stringify(payload))
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.subarray(0, Math.floor(bytes.length / 2)))
      controller.error(new Error('fake-openai: response cut on purpose'))
    },
  })
  return new Response(stream, { status: 200, headers: { 'content-type': 'application/json' } })
}

/** Shows the key the way OpenAI does: its start, stars, and its last 4 characters. */
function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length)
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(key.length - 7, 40))}${key.slice(-4)}`
}

/** A malformed escape (`%E0%A4%A`) is just a model name that does not exist, not a crash. */
function decodePercent(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
