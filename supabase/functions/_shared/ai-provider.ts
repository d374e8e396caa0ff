// Which AI provider a workspace's calls go to, and how its failures read (decisions 013, 015,
// 017). Shared by `embed` and (later) `chat`:
//   1. the workspace's own provider, when it has a key: its row in public.ai_providers and
//      the key from private.provider_api_key over the function's own database connection as
//      the service role (never PostgREST; `private` is not exposed);
//   2. else the platform provider from the environment (OPENAI_API_BASE, OPENAI_API_KEY,
//      OPENAI_MODEL, OPENAI_EMBED_MODEL) when tenants.plan is pro or team;
//   3. else `no_provider`, which the app turns into a link to Settings → AI providers.
// The key lives in the returned object and in the SDK client only. Nothing here puts it in a
// message: provider errors are replaced by our own sentences (the SDK's include the
// provider's text, and OpenAI's 401 quotes part of the key).
import OpenAI from 'openai'
import type { Tx } from './db.ts'
import { guardedFetch, privateBaseUrlsAllowed, UnsafeBaseUrlError, type ResolveHost } from './base-url-guard.ts'
import { HttpError, jsonResponse } from './errors.ts'

/** Where a provider without a base URL (kind `openai`) is reached. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1'

export type ProviderSource = 'own' | 'platform'
export type Purpose = 'embed' | 'chat'

export type ResolvedProvider = {
  source: ProviderSource
  /** public.ai_providers.id for the workspace's own provider, null for the platform. */
  providerId: string | null
  baseURL: string
  apiKey: string
  /** The model for the purpose asked for (embedding or chat model). */
  model: string
}

export type PlatformProvider = {
  baseURL?: string
  apiKey?: string
  chatModel?: string
  embedModel?: string
}

export function platformProviderFromEnv(): PlatformProvider {
  const get = (name: string) => Deno.env.get(name)?.trim() || undefined
  return {
    baseURL: get('OPENAI_API_BASE') ?? (get('OPENAI_API_KEY') ? OPENAI_BASE_URL : undefined),
    apiKey: get('OPENAI_API_KEY'),
    chatModel: get('OPENAI_MODEL'),
    embedModel: get('OPENAI_EMBED_MODEL'),
  }
}

const SETTINGS = 'Settings → AI providers'

type ProviderRow = {
  plan: string
  provider_id: string | null
  base_url: string | null
  chat_model: string | null
  embed_model: string | null
  has_key: boolean
}

/** The provider's API key from Vault; `tx` must be a service-role transaction. */
async function readProviderKey(tx: Tx, providerId: string): Promise<string | null> {
  const [{ key }] = await tx<{ key: string | null }[]>`select private.provider_api_key(${providerId}) as key`
  return key
}

export type OwnProvider = { providerId: string; baseURL: string; apiKey: string | null; chatModel: string | null; embedModel: string | null }

/** The workspace's own provider with its key (null when it has none); service-role `tx`. */
export async function readOwnProvider(tx: Tx, tenantId: string): Promise<OwnProvider | null> {
  const [row] = await tx<{ id: string; base_url: string | null; chat_model: string | null; embed_model: string | null; has_key: boolean }[]>`
    select id, base_url, chat_model, embed_model, key_secret_id is not null as has_key
    from public.ai_providers where tenant_id = ${tenantId}`
  if (!row) return null
  const apiKey = row.has_key ? await readProviderKey(tx, row.id) : null
  return { providerId: row.id, baseURL: row.base_url ?? OPENAI_BASE_URL, apiKey, chatModel: row.chat_model, embedModel: row.embed_model }
}

/**
 * The provider for a workspace's call. `tx` must be a service-role transaction (it reads the
 * key through private.provider_api_key); the caller has already checked that the person
 * asking belongs to the workspace.
 */
export async function resolveProvider(tx: Tx, tenantId: string, purpose: Purpose, platform: PlatformProvider): Promise<ResolvedProvider> {
  const [row] = await tx<ProviderRow[]>`
    select t.plan, p.id as provider_id, p.base_url, p.chat_model, p.embed_model, p.key_secret_id is not null as has_key
    from public.tenants t
    left join public.ai_providers p on p.tenant_id = t.id
    where t.id = ${tenantId}`
  if (!row) throw new HttpError(404, 'not_found', 'This workspace does not exist.')
  const what = purpose === 'embed' ? 'embedding model' : 'chat model'

  if (row.provider_id && row.has_key) {
    const model = purpose === 'embed' ? row.embed_model : row.chat_model
    if (!model) throw new HttpError(409, 'no_model', `Your AI provider has no ${what} chosen yet. Pick one in ${SETTINGS}.`)
    const key = await readProviderKey(tx, row.provider_id)
    if (!key) throw new HttpError(409, 'no_provider', `Your AI provider has no API key. Add one in ${SETTINGS}.`)
    return { source: 'own', providerId: row.provider_id, baseURL: row.base_url ?? OPENAI_BASE_URL, apiKey: key, model }
  }

  if (row.plan === 'pro' || row.plan === 'team') {
    const model = purpose === 'embed' ? platform.embedModel : platform.chatModel
    if (!platform.apiKey || !platform.baseURL || !model) {
      throw new HttpError(
        503,
        'no_provider',
        `FlowStory's own AI provider is not available right now. Add your own API key in ${SETTINGS}, or try again later.`,
      )
    }
    return { source: 'platform', providerId: null, baseURL: platform.baseURL, apiKey: platform.apiKey, model }
  }

  throw new HttpError(
    402,
    'no_provider',
    `This workspace has no AI provider. Add your own API key in ${SETTINGS} (the free plan needs one).`,
  )
}

export type ClientOptions = {
  timeoutMs?: number
  maxRetries?: number
  /** Call a workspace's own provider on a private or local address (default: AI_ALLOW_PRIVATE_BASE_URLS). */
  allowPrivateBaseUrls?: boolean
  /** How the SSRF guard resolves host names (tests). */
  resolveHost?: ResolveHost
}

/**
 * The SDK client for a provider: few retries (the queue retries later) and a timeout. A
 * workspace's own provider is reached through the SSRF guard (base-url-guard.ts): every
 * request to a private, loopback or link-local address is refused as `unsafe_base_url`.
 */
export function createProviderClient(provider: ResolvedProvider, options: ClientOptions = {}): OpenAI {
  const allowPrivate = options.allowPrivateBaseUrls ?? privateBaseUrlsAllowed()
  return new OpenAI({
    baseURL: provider.baseURL,
    apiKey: provider.apiKey,
    maxRetries: options.maxRetries ?? 1,
    timeout: options.timeoutMs ?? 30_000,
    ...(provider.source === 'own' && !allowPrivate ? { fetch: guardedFetch(options.resolveHost) } : {}),
  })
}

/** A provider failure as the caller sees it: our code and sentence, never the provider's text. */
export class ProviderError extends HttpError {
  /** Seconds (as the provider sent them) before trying again, for 429s. */
  readonly retryAfter: string | null
  constructor(status: number, code: string, message: string, retryAfter: string | null = null) {
    super(status, code, message)
    this.name = 'ProviderError'
    this.retryAfter = retryAfter
  }
}

/** Maps whatever the SDK threw to a ProviderError (unknown errors included: they may quote the request). */
export function toProviderError(error: unknown, model: string): ProviderError {
  if (error instanceof ProviderError) return error
  if (error instanceof UnsafeBaseUrlError || (error instanceof OpenAI.APIConnectionError && error.cause instanceof UnsafeBaseUrlError)) {
    return new ProviderError(422, 'unsafe_base_url', new UnsafeBaseUrlError().message)
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderError(504, 'provider_unreachable', 'The AI provider did not answer in time. Try again in a moment.')
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProviderError(
      502,
      'provider_unreachable',
      `The AI provider could not be reached. Check its base URL in ${SETTINGS}, or try again later.`,
    )
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0
    const code = typeof error.code === 'string' ? error.code : null
    if (status === 401 || status === 403) {
      return new ProviderError(502, 'invalid_key', `The AI provider refused the API key. Check or replace it in ${SETTINGS}.`)
    }
    if (status === 404 || code === 'model_not_found') {
      return new ProviderError(
        502,
        'model_not_found',
        `The AI provider does not offer the model "${model}" to this key. Pick another model in ${SETTINGS}.`,
      )
    }
    if (status === 429) {
      const retryAfter = error.headers?.get('retry-after') ?? null
      return new ProviderError(
        429,
        'provider_rate_limited',
        'The AI provider is receiving too many requests from this key. Try again in a moment.',
        retryAfter,
      )
    }
    if (status === 400) {
      return new ProviderError(502, 'provider_rejected', `The AI provider refused the request for the model "${model}".`)
    }
    return new ProviderError(502, 'provider_error', `The AI provider failed (HTTP ${status || 'error'}). Try again later.`)
  }
  return new ProviderError(502, 'provider_error', 'The call to the AI provider failed. Try again later.')
}

/** errorResponse for provider errors, keeping Retry-After on 429s. */
export function providerErrorResponse(error: ProviderError): Response {
  const headers: Record<string, string> = {}
  if (error.retryAfter) headers['retry-after'] = error.retryAfter
  return jsonResponse({ code: error.code, message: error.message }, error.status, headers)
}

/** Removes the secrets from a text meant for a log line or a stored error. */
export function redact(text: string, secrets: Array<string | null | undefined>): string {
  let out = text
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]')
  // Anything shaped like an API key (sk-…, sk-proj-…, bearer tokens) goes too.
  return out.replace(/\b(sk|rk|pk)-[A-Za-z0-9_-]{8,}/g, '[redacted]').replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
}
