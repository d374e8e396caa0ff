// chat: the AI actions of the editor's side panel, streamed (docs/decisions/018-chat-function.md).
//   POST { workspaceId, bookId, action, chapterId?, cursor?, selection?, question?, history?, preview? }
//   with the writer's access token (the app proxy app/routes/w.$workspaceId.b.$bookId.ai.tsx).
// Order: the JWT, the body, membership and the book/chapter under the caller's RLS, the rate
// limits, the provider; then the context within a token budget. A preview answers the plan as
// JSON; otherwise the provider is called and, once it has accepted the request, its answer is
// streamed as SSE (context, delta…, done | error). A refusal before generating is a JSON error
// and logs nothing; anything that generated logs exactly one usage row, Stop and cuts included.
import type OpenAI from 'openai'
import {
  createProviderClient,
  platformProviderFromEnv,
  providerErrorResponse,
  ProviderError,
  redact,
  toProviderError,
  type ResolvedProvider,
} from '../_shared/ai-provider.ts'
import { authenticatorFromEnv, type Authenticate, type UserClaims } from '../_shared/auth.ts'
import { corsHeaders } from '../_shared/cors.ts'
import { dbFromEnv } from '../_shared/db.ts'
import { embedOne } from '../_shared/embedding-request.ts'
import { errorResponse, HttpError, jsonResponse, readJsonBody } from '../_shared/errors.ts'
import { assembleContext, type Budget, type ContextPlan, type PassageInfo } from './context.ts'
import { clientIp, limitsFor, rateLimitsFromEnv, type ChatRateLimits, DEFAULT_RATE_LIMITS } from './limits.ts'
import { ChatRequestSchema, describeIssue, SELECTION_ACTIONS, type ChatRequest } from '../../../app/modules/ai/chat-request.ts'
import { SSE_HEADERS, sseEvent } from './sse.ts'
import { createSqlChatStore, type ChatStore, type Loaded } from './store.ts'
import { estimateTokens } from './tokens.ts'

export type ChatDeps = {
  authenticate: Authenticate
  store: ChatStore
  client?: (provider: ResolvedProvider) => OpenAI
  rateLimits?: ChatRateLimits
  budget?: Budget
  /** No chunk from the provider for this long ends the stream with an error (default 30 s). */
  idleTimeoutMs?: number
  log?: (line: string) => void
}

export type ConnInfo = { remoteAddr?: { hostname?: string } }
export type ChatHandler = (req: Request, info?: ConnInfo) => Promise<Response>

/** The whole request: a 20,000-character selection and 12 turns of 8,000 fit with room to spare. */
const MAX_BODY_BYTES = 512 * 1024
const PASSAGES = 8
/** Actions that retrieve passages of the book (the question, or the text being critiqued). */
const RETRIEVES = new Set(['ask', 'critique'])

type Usage = { promptTokens: number; completionTokens: number; costUsd: number; estimated: boolean }

export function createChatHandler(deps: ChatDeps): ChatHandler {
  const { store } = deps
  const log = deps.log ?? ((line: string) => console.log(line))
  const client = deps.client ?? ((provider: ResolvedProvider) => createProviderClient(provider, { maxRetries: 0, timeoutMs: 60_000 }))
  const rateLimits = deps.rateLimits ?? DEFAULT_RATE_LIMITS
  const idleTimeoutMs = deps.idleTimeoutMs ?? 30_000

  async function handle(req: Request, connectionIp: string | null): Promise<Response> {
    if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'chat only answers POST requests.')
    const claims = await deps.authenticate(req)
    const parsed = ChatRequestSchema.safeParse(await readJsonBody(req, MAX_BODY_BYTES, { code: 'invalid_request', message: 'The request body must be JSON.' }))
    if (!parsed.success) throw new HttpError(400, 'invalid_request', describeIssue(parsed.error))
    const request = parsed.data

    const loaded = await store.load(claims, request)
    if (!loaded.role) throw new HttpError(403, 'not_member', 'You are not a member of this workspace.')
    if (!loaded.book) throw new HttpError(404, 'not_found', 'This book does not exist in this workspace, or it is in the trash.')
    if (request.chapterId && !loaded.chapter) {
      throw new HttpError(404, 'not_found', 'This chapter does not exist in this book, or it is in the trash.')
    }

    const who = { workspaceId: request.workspaceId, userId: claims.sub, ip: clientIp(req, connectionIp) }
    const wait = await store.hitRateLimits(limitsFor(rateLimits, who, request.preview === true))
    if (wait > 0) {
      return jsonResponse(
        { code: 'rate_limited', message: `Too many AI requests. Try again in ${wait} seconds.` },
        429,
        { 'retry-after': String(wait) },
      )
    }

    const provider = await store.resolveProvider(loaded.book.tenantId, 'chat')
    const passages = RETRIEVES.has(request.action) ? await retrieve(claims, request, loaded, req.signal) : []
    const plan = assembleContext({ request, book: loaded.book, chapter: loaded.chapter, summaries: loaded.summaries, passages, budget: deps.budget })
    const costUsd = await store.estimateCost(provider.model, plan.promptTokens, plan.maxCompletionTokens)
    const contextAnswer = {
      model: provider.model,
      source: provider.source,
      context: plan.context,
      sources: plan.sources,
      estimate: { promptTokens: plan.promptTokens, maxCompletionTokens: plan.maxCompletionTokens, costUsd },
    }
    if (request.preview) return jsonResponse(contextAnswer)
    return await generate(req, claims, request, loaded, provider, plan, contextAnswer)
  }

  // Passages of the book for the question (ask) or the text under critique, under the
  // caller's RLS. The query is embedded with the workspace's embedding model when it has one
  // (the same request parameters and padding as `embed`); without one, or when the embedding
  // call fails, the search is full-text only rather than no answer at all.
  // A preview spends nothing: the panel previews after every pause in typing, and embedding
  // each draft of the question was a paid call and a usage row per keystroke pause. So a
  // preview searches full-text only; the real call searches hybrid, and its `context` event
  // tells the panel which passages were actually sent.
  async function retrieve(claims: UserClaims, request: ChatRequest, loaded: Loaded, signal: AbortSignal): Promise<PassageInfo[]> {
    const book = loaded.book!
    const query = (request.question ?? request.selection?.text ?? loaded.chapter?.plainText.slice(0, 2_000) ?? '').slice(0, 2_000).trim()
    if (!query) return []
    let embedding: number[] | null = null
    let embedModel: string | null = null
    if (!request.preview) {
      try {
        const embedder = await store.resolveProvider(book.tenantId, 'embed')
        const { vector, tokens } = await embedOne(client(embedder), embedder, query, signal)
        if (tokens > 0) {
          await store.logUsage({
            tenantId: book.tenantId, userId: claims.sub, bookId: book.id, action: 'embed',
            source: embedder.source, model: embedder.model, promptTokens: tokens, completionTokens: 0,
          })
        }
        embedding = vector
        embedModel = embedder.model
      } catch (error) {
        if (!(error instanceof HttpError)) throw error
        log(`chat: question not embedded (${error.code}); full-text search only`)
      }
    }
    const passages = await store.search(claims, book.id, query, embedding, embedModel, PASSAGES + 4)
    // The chapter being worked on is already in the prompt: its own passages would repeat it.
    const own = request.action === 'critique' ? loaded.chapter?.id : undefined
    return passages.filter((p) => p.chapterId !== own).slice(0, PASSAGES)
  }

  async function generate(
    req: Request,
    claims: UserClaims,
    request: ChatRequest,
    loaded: Loaded,
    provider: ResolvedProvider,
    plan: ContextPlan,
    contextAnswer: unknown,
  ): Promise<Response> {
    const book = loaded.book!
    // Gone before the provider was called (Stop while the question was embedded or the
    // context assembled): nothing is sent, so nothing is spent or logged.
    if (req.signal.aborted) return new Response(null, { status: 499 })
    const upstream = new AbortController()
    let clientGone = false
    const onClientGone = () => {
      clientGone = true
      upstream.abort()
    }
    req.signal.addEventListener('abort', onClientGone, { once: true })

    let stream: AsyncIterable<OpenAI.ChatCompletionChunk>
    try {
      stream = await client(provider).chat.completions.create(
        {
          model: provider.model,
          messages: plan.messages,
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: plan.maxCompletionTokens,
        },
        { signal: upstream.signal },
      )
    } catch (error) {
      req.signal.removeEventListener('abort', onClientGone)
      // No stream, no row. Refused before generating (bad key, unknown model, 429, unreachable,
      // the SSRF guard) spends nothing. Stopped before the provider answered: whether it had
      // accepted the request cannot be told apart from a refusal racing the Stop (a 401 whose
      // body was still arriving, a connection that was failing, the guard's lookup), and an
      // estimated row for a refused request is a charge for nothing. So a row is written only
      // once the provider has accepted the request and begun streaming (below).
      if (clientGone) return new Response(null, { status: 499 })
      throw contractStatus(toProviderError(error, provider.model))
    }

    let text = ''
    let reported: OpenAI.CompletionUsage | null = null
    let finishReason: string | null = null
    let completed = false
    let failure: ProviderError | null = null
    let timedOut = false
    let idle: ReturnType<typeof setTimeout> | undefined
    const armIdle = () => {
      clearTimeout(idle)
      idle = setTimeout(() => {
        timedOut = true
        upstream.abort()
      }, idleTimeoutMs)
    }

    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (bytes: Uint8Array) => {
          if (clientGone) return
          try {
            controller.enqueue(bytes)
          } catch {
            clientGone = true
          }
        }
        void (async () => {
          send(sseEvent('context', contextAnswer))
          armIdle()
          try {
            for await (const chunk of stream) {
              armIdle()
              if (chunk.usage) reported = chunk.usage
              finishReason = chunk.choices[0]?.finish_reason ?? finishReason
              const delta = chunk.choices[0]?.delta?.content
              if (delta) {
                text += delta
                send(sseEvent('delta', { text: delta }))
              }
            }
            completed = !clientGone && !timedOut
            if (timedOut) failure = timeoutError()
            // Cut by max_tokens: a proposal (rewrite/expand/shorten) would replace the whole
            // selection with half a text, and a summary would be stored half written. Both end
            // as an error (the panel then offers nothing to accept); other answers are shown.
            else if (completed && finishReason === 'length' && (SELECTION_ACTIONS.has(request.action) || request.action === 'summarize')) {
              completed = false
              failure = tooLongError()
            }
          } catch (error) {
            if (timedOut) failure = timeoutError()
            else if (!clientGone) failure = cutError(error, provider.model)
          } finally {
            clearTimeout(idle)
            req.signal.removeEventListener('abort', onClientGone)
          }

          const usage = await logUsage(claims, request, book.tenantId, book.id, provider, plan, text, reported)
          let summary: { chapterId: string; chapterVersion: number } | undefined
          // Only a summary of some text: of an empty chapter the model can only invent one,
          // and stored it would be fed to every other action as book memory.
          if (completed && request.action === 'summarize' && loaded.chapter?.plainText.trim() && text.trim()) {
            try {
              await store.saveSummary({
                chapterId: loaded.chapter.id, tenantId: book.tenantId, bookId: book.id,
                summary: text.trim().slice(0, 20_000), chapterVersion: loaded.chapter.version, model: provider.model,
              })
              summary = { chapterId: loaded.chapter.id, chapterVersion: loaded.chapter.version }
            } catch (error) {
              log(`chat: summary of chapter ${loaded.chapter.id} not stored: ${safeMessage(error, provider)}`)
            }
          }
          if (failure) send(sseEvent('error', { code: failure.code, message: failure.message }))
          else send(sseEvent('done', { usage, ...(summary ? { summary } : {}) }))
          if (!clientGone) {
            try {
              controller.close()
            } catch {
              // Already closed by a cancel.
            }
          }
        })()
      },
      cancel() {
        onClientGone()
      },
    })
    return new Response(body, { status: 200, headers: SSE_HEADERS })
  }

  // One row for what the call spent: the provider's own count when its usage chunk arrived;
  // otherwise the prompt estimate plus the tokens of the text streamed so far.
  async function logUsage(
    claims: UserClaims, request: ChatRequest, tenantId: string, bookId: string, provider: ResolvedProvider,
    plan: ContextPlan, text: string, reported: OpenAI.CompletionUsage | null,
  ): Promise<Usage> {
    const usage = reported
      ? { promptTokens: reported.prompt_tokens, completionTokens: reported.completion_tokens, estimated: false }
      : { promptTokens: plan.promptTokens, completionTokens: estimateTokens(text), estimated: true }
    let costUsd = 0
    try {
      costUsd = await store.logUsage({
        tenantId, userId: claims.sub, bookId, action: request.action, source: provider.source, model: provider.model,
        promptTokens: usage.promptTokens, completionTokens: usage.completionTokens,
      })
    } catch (error) {
      log(`chat: usage row not written: ${safeMessage(error, provider)}`)
    }
    return { ...usage, costUsd }
  }

  function safeMessage(error: unknown, provider: ResolvedProvider): string {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    return redact(text, [provider.apiKey]).slice(0, 300)
  }

  return async (req, info) => {
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: corsHeaders })
    let response: Response
    try {
      response = await handle(req, info?.remoteAddr?.hostname ?? null)
    } catch (error) {
      if (error instanceof ProviderError) response = providerErrorResponse(error)
      else if (error instanceof HttpError) response = errorResponse(error)
      else {
        log(`chat: unexpected error: ${redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error), [])}`)
        response = jsonResponse({ code: 'internal_error', message: 'Something went wrong on our side. Please try again.' }, 500)
      }
    }
    for (const [name, value] of Object.entries(corsHeaders)) if (!response.headers.has(name)) response.headers.set(name, value)
    return response
  }
}

// The contract answers a refused key with 401 and an unknown model with 404 (the shared
// mapping uses 502 for both, which `embed` and `ai-models` keep).
function contractStatus(error: ProviderError): ProviderError {
  const status = error.code === 'invalid_key' ? 401 : error.code === 'model_not_found' ? 404 : error.status
  return status === error.status ? error : new ProviderError(status, error.code, error.message, error.retryAfter)
}

function tooLongError(): ProviderError {
  return new ProviderError(
    502,
    'answer_too_long',
    'The answer reached its length limit before it ended, so it is not offered. Select a shorter passage and try again.',
  )
}

function timeoutError(): ProviderError {
  return new ProviderError(504, 'provider_unreachable', 'The AI provider stopped answering halfway. What arrived is shown; try again.')
}

// After the stream started, a failure is most often the connection dropping; a provider
// error sent mid-stream keeps its own code.
function cutError(error: unknown, model: string): ProviderError {
  const mapped = toProviderError(error, model)
  if (mapped.code !== 'provider_error') return mapped
  return new ProviderError(502, 'provider_unreachable', "The AI provider's answer was cut off halfway. What arrived is shown; try again.")
}

export function chatDepsFromEnv(): ChatDeps {
  const get = (name: string) => Deno.env.get(name)?.trim() || undefined
  return {
    authenticate: authenticatorFromEnv(),
    store: createSqlChatStore(dbFromEnv(), platformProviderFromEnv()),
    rateLimits: rateLimitsFromEnv(get),
    idleTimeoutMs: Number(get('CHAT_IDLE_TIMEOUT_MS')) || undefined,
  }
}
