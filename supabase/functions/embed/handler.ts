// embed: a chapter's plain text → chunks with embeddings in public.chunks (decisions 016, 017).
//   POST { "chapterId": uuid }            a signed-in member of the chapter's workspace;
//   POST { "drain": true, "batch"?: n }   the service role: claims queued chapters and embeds them.
// Only chunks whose hash has no embedding from the model yet are sent to the provider;
// private.replace_chapter_chunks gives the others their old vector back. The provider is
// called before anything is written, and the chunks are replaced in one transaction, so a
// failure leaves the previous chunks whole (and, on a drain, the queue entry failed with a
// backoff). usage_logs gets the tokens the provider reported, also when a later step fails.
import OpenAI from 'openai'
import { z } from 'zod'
import { chunkChapter } from '../../../app/modules/ai/chunking.ts'
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
import { withCors, type Handler } from '../_shared/cors.ts'
import { dbFromEnv } from '../_shared/db.ts'
import { embeddingParams, storedVector } from '../_shared/embedding-request.ts'
import { errorResponse, HttpError, jsonResponse, readJsonBody } from '../_shared/errors.ts'
import { serviceRoleCheckFromEnv, type IsServiceRole } from './service-role.ts'
import { ChunksChangedError, createSqlEmbedStore, type ChapterText, type EmbedStore, type StoredChunk } from './store.ts'

export type EmbedDeps = {
  authenticate: Authenticate
  isServiceRole: IsServiceRole
  store: EmbedStore
  client?: (provider: ResolvedProvider) => OpenAI
  log?: (line: string) => void
}

/** Inputs per embeddings request (OpenAI accepts 2048; ~400-token chunks stay far under its per-request token cap). */
export const INPUTS_PER_REQUEST = 64
export const DEFAULT_DRAIN_BATCH = 10
const MAX_BODY_BYTES = 4096

const BodySchema = z.union([
  z.strictObject({ chapterId: z.uuid() }),
  z.strictObject({ drain: z.literal(true), batch: z.int().min(1).max(100).optional() }),
])

export type ChapterOutcome = {
  chapterId: string
  chunks: number
  embedded: number
  reused: number
  provider: 'own' | 'platform' | null
  model: string | null
  promptTokens: number
}

// Provider failures that say nothing about one chapter but about the workspace's provider.
const WORKSPACE_WIDE = new Set(['no_provider', 'no_model', 'invalid_key', 'model_not_found', 'provider_rate_limited', 'provider_unreachable', 'embedding_dimensions'])

const LOCALES: Record<string, string> = { 'pt-BR': 'pt-BR', en: 'en' }

export function createEmbedHandler(deps: EmbedDeps): Handler {
  const { store } = deps
  const log = deps.log ?? ((line: string) => console.log(line))
  const client = deps.client ?? ((provider: ResolvedProvider) => createProviderClient(provider))

  // Embeds the chunks the model has no vector for yet, in order. `spent` counts the tokens
  // the provider charged as they are charged, so a failure halfway still reports them.
  async function embedMissing(provider: ResolvedProvider, texts: string[], spent: { tokens: number }): Promise<number[][]> {
    const openai = client(provider)
    const vectors: number[][] = []
    for (let from = 0; from < texts.length; from += INPUTS_PER_REQUEST) {
      const input = texts.slice(from, from + INPUTS_PER_REQUEST)
      let response: OpenAI.CreateEmbeddingResponse
      try {
        response = await openai.embeddings.create({ ...embeddingParams(provider.model), input })
      } catch (error) {
        throw toProviderError(error, provider.model)
      }
      spent.tokens += response.usage?.prompt_tokens ?? 0
      const data = [...response.data].sort((a, b) => a.index - b.index)
      if (data.length !== input.length) {
        throw new ProviderError(502, 'provider_error', `The AI provider answered ${data.length} embeddings for ${input.length} passages.`)
      }
      for (const item of data) vectors.push(storedVector(item.embedding, provider.model))
    }
    return vectors
  }

  // Once more if another run changed the chunks between reading the known hashes and
  // writing (the vectors it removed are embedded this time).
  async function embedChapter(chapter: ChapterText, revision: number | null, userId: string | null): Promise<ChapterOutcome> {
    try {
      return await embedChapterOnce(chapter, revision, userId)
    } catch (error) {
      if (!(error instanceof ChunksChangedError)) throw error
      log(`embed: chapter ${chapter.chapterId} changed while embedding; trying once more`)
      try {
        return await embedChapterOnce(chapter, revision, userId)
      } catch (again) {
        if (again instanceof ChunksChangedError) {
          throw new HttpError(409, 'chunks_changed', 'This chapter changed while it was being embedded. Try again.')
        }
        throw again
      }
    }
  }

  async function embedChapterOnce(chapter: ChapterText, revision: number | null, userId: string | null): Promise<ChapterOutcome> {
    const nothing = { chapterId: chapter.chapterId, chunks: 0, embedded: 0, reused: 0, provider: null, model: null, promptTokens: 0 }
    // A trashed chapter keeps its chunks (search hides them, restoring costs nothing).
    if (chapter.trashed) {
      if (revision !== null) await store.finish(chapter.chapterId, revision)
      return nothing
    }
    const provider = await store.resolveProvider(chapter.tenantId)
    const chunks = await chunkChapter(chapter.plainText, { locale: LOCALES[chapter.language] })
    const known = await store.embeddedHashes(chapter.chapterId, provider.model)
    const toEmbed = [...new Set(chunks.map((c) => c.contentHash).filter((hash) => !known.has(hash)))]
    const contentOf = new Map(chunks.map((c) => [c.contentHash, c.content]))

    let vectors: number[][] = []
    const spent = { tokens: 0 }
    if (toEmbed.length > 0) {
      try {
        vectors = await embedMissing(provider, toEmbed.map((hash) => contentOf.get(hash)!), spent)
      } finally {
        // Logged before anything else can fail: what the provider charged is spent.
        if (spent.tokens > 0) await logUsage(chapter, userId, provider, spent.tokens)
      }
    }
    const vectorOf = new Map(toEmbed.map((hash, i) => [hash, vectors[i]]))
    const stored: StoredChunk[] = chunks.map((c) => ({
      ord: c.ord,
      content: c.content,
      content_hash: c.contentHash,
      char_start: c.start,
      char_end: c.end,
      embedding: vectorOf.get(c.contentHash) ?? null,
    }))
    const result = await store.replaceChunks(chapter.chapterId, provider.model, stored, revision)
    return {
      chapterId: chapter.chapterId,
      chunks: result.chunks,
      embedded: result.embedded,
      reused: result.reused,
      provider: provider.source,
      model: provider.model,
      promptTokens: spent.tokens,
    }
  }

  async function logUsage(chapter: ChapterText, userId: string | null, provider: ResolvedProvider, tokens: number) {
    await store.logUsage({
      tenantId: chapter.tenantId,
      userId,
      bookId: chapter.bookId,
      source: provider.source,
      model: provider.model,
      promptTokens: tokens,
    })
  }

  async function embedOne(claims: UserClaims, chapterId: string): Promise<Response> {
    const visible = await store.chapterForUser(claims, chapterId)
    if (!visible) throw new HttpError(404, 'not_found', 'Chapter not found, or you are not a member of its workspace.')
    const chapter = await store.chapter(chapterId)
    if (!chapter) throw new HttpError(404, 'not_found', 'Chapter not found, or you are not a member of its workspace.')
    const revision = await store.queuedRevision(chapterId)
    return jsonResponse(await embedChapter(chapter, revision, claims.sub))
  }

  async function drain(batch: number): Promise<Response> {
    const claims = await store.claimBatch(batch)
    const done: ChapterOutcome[] = []
    const failed: Array<{ chapterId: string; code: string; message: string }> = []
    // A workspace whose provider refused (no provider, bad key, rate limit, down) will refuse
    // its next chapters too: they fail with the same error without another call.
    const refusedTenants = new Map<string, HttpError>()
    for (const claim of claims) {
      try {
        const refused = refusedTenants.get(claim.tenantId)
        if (refused) throw refused
        const chapter = await store.chapter(claim.chapterId)
        if (!chapter) {
          // Purged between the claim and now: its queue entry went with it.
          continue
        }
        done.push(await embedChapter(chapter, claim.revision, null))
      } catch (error) {
        if (error instanceof HttpError && WORKSPACE_WIDE.has(error.code)) refusedTenants.set(claim.tenantId, error)
        const { code, message } = describe(error)
        failed.push({ chapterId: claim.chapterId, code, message })
        log(`embed: chapter ${claim.chapterId} failed (${code}): ${message}`)
        try {
          await store.fail(claim.chapterId, claim.revision, `${code}: ${message}`)
        } catch (failError) {
          log(`embed: could not record the failure of chapter ${claim.chapterId}: ${describe(failError).message}`)
        }
      }
    }
    return jsonResponse({ claimed: claims.length, done, failed })
  }

  return withCors(async (req) => {
    try {
      if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'embed only answers POST requests.')
      const body = BodySchema.safeParse(await readJsonBody(req, MAX_BODY_BYTES, { code: 'invalid_json', message: 'The request body must be JSON.' }))
      if (!body.success) {
        throw new HttpError(400, 'invalid_body', 'Send { "chapterId": "<uuid>" }, or { "drain": true, "batch": 1-100 } with the service role key.')
      }
      if ('drain' in body.data) {
        if (!(await deps.isServiceRole(req))) {
          throw new HttpError(403, 'service_role_only', 'Only the service role may drain the embedding queue.')
        }
        return await drain(body.data.batch ?? DEFAULT_DRAIN_BATCH)
      }
      const claims = await deps.authenticate(req)
      return await embedOne(claims, body.data.chapterId)
    } catch (error) {
      if (error instanceof ProviderError) return providerErrorResponse(error)
      if (error instanceof HttpError) return errorResponse(error)
      log(`embed: unexpected error: ${describe(error).message}`)
      return jsonResponse({ code: 'internal_error', message: 'Something went wrong on our side. Please try again.' }, 500)
    }
  })
}

// An error as a code and a key-free sentence: ours as they are (provider errors are already
// our own sentences), anything else (a database error) redacted of anything key-shaped.
function describe(error: unknown): { code: string; message: string } {
  if (error instanceof HttpError) return { code: error.code, message: error.message }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return { code: 'internal_error', message: redact(text, []).slice(0, 500) }
}

export function embedDepsFromEnv(): EmbedDeps {
  return {
    authenticate: authenticatorFromEnv(),
    isServiceRole: serviceRoleCheckFromEnv(),
    store: createSqlEmbedStore(dbFromEnv(), platformProviderFromEnv()),
  }
}
