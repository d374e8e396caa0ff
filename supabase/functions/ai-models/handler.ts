// ai-models: "Test connection" on Settings → AI provider (decision 015).
//   POST { "workspaceId": uuid }   a signed-in owner or admin of that workspace.
// Lists the models the workspace's OWN provider offers to its key (never the platform's) and
// says whether the chosen chat and embedding models are among them. The role is read under
// the caller's RLS (not a member → 404, writer → 403); the key is read through
// private.provider_api_key as the service role and lives only in the SDK client. Provider
// failures become our own codes and sentences (toProviderError); nothing logged or answered
// carries the key.
import type OpenAI from 'openai'
import { z } from 'zod'
import { createProviderClient, providerErrorResponse, ProviderError, readOwnProvider, toProviderError, type OwnProvider, type ResolvedProvider } from '../_shared/ai-provider.ts'
import { authenticatorFromEnv, type Authenticate, type UserClaims } from '../_shared/auth.ts'
import { withCors, type Handler } from '../_shared/cors.ts'
import { dbFromEnv } from '../_shared/db.ts'
import { errorResponse, HttpError, jsonResponse } from '../_shared/errors.ts'

export type { OwnProvider }

export type AiModelsDeps = {
  authenticate: Authenticate
  /** The caller's role in the workspace, read under their RLS; null when they cannot see it. */
  roleOf: (claims: UserClaims, workspaceId: string) => Promise<string | null>
  /** The workspace's own provider with its key (service role), or null when it has none. */
  ownProvider: (workspaceId: string) => Promise<OwnProvider | null>
  client?: (provider: ResolvedProvider) => OpenAI
  log?: (line: string) => void
}

export type AiModelsBody = { models: string[]; chatModelFound: boolean; embedModelFound: boolean }

const BodySchema = z.strictObject({ workspaceId: z.uuid() })
const MAX_BODY_BYTES = 1024
/** Providers such as OpenRouter list hundreds of models; more than this is not a useful list. */
export const MAX_MODELS = 1000
const SETTINGS = 'Settings → AI providers'

export function createAiModelsHandler(deps: AiModelsDeps): Handler {
  const log = deps.log ?? ((line: string) => console.log(line))
  // A quick answer matters more than retries: the writer is waiting on the button.
  const client = deps.client ?? ((provider: ResolvedProvider) => createProviderClient(provider, { timeoutMs: 15_000, maxRetries: 0 }))

  return withCors(async (req) => {
    let workspaceId: string | null = null
    try {
      if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'ai-models only answers POST requests.')
      const claims = await deps.authenticate(req)
      const text = await req.text()
      if (text.length > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', 'The request body is too large.')
      let raw: unknown
      try {
        raw = JSON.parse(text)
      } catch {
        throw new HttpError(400, 'invalid_body', 'Send a JSON body: { "workspaceId": "<uuid>" }.')
      }
      const body = BodySchema.safeParse(raw)
      if (!body.success) throw new HttpError(400, 'invalid_body', 'Send a JSON body: { "workspaceId": "<uuid>" }.')
      workspaceId = body.data.workspaceId

      const role = await deps.roleOf(claims, workspaceId)
      if (!role) throw new HttpError(404, 'not_found', 'This workspace does not exist or you are not a member.')
      if (role !== 'owner' && role !== 'admin') {
        throw new HttpError(403, 'forbidden', 'Only the owners and admins of a workspace can test its AI provider.')
      }

      const own = await deps.ownProvider(workspaceId)
      if (!own || !own.apiKey) {
        throw new HttpError(409, 'no_provider', `This workspace has no AI provider with an API key. Add one in ${SETTINGS}.`)
      }
      const resolved: ResolvedProvider = { source: 'own', providerId: own.providerId, baseURL: own.baseURL, apiKey: own.apiKey, model: own.chatModel ?? '' }

      const ids = new Set<string>()
      try {
        for await (const model of client(resolved).models.list()) {
          if (typeof model.id === 'string' && model.id) ids.add(model.id)
          if (ids.size >= MAX_MODELS) break
        }
      } catch (error) {
        throw forListing(toProviderError(error, resolved.model))
      }
      const models = [...ids].sort((a, b) => a.localeCompare(b))
      const result: AiModelsBody = {
        models,
        chatModelFound: own.chatModel ? ids.has(own.chatModel) : false,
        embedModelFound: own.embedModel ? ids.has(own.embedModel) : false,
      }
      return jsonResponse(result)
    } catch (error) {
      if (error instanceof ProviderError) {
        // Our code only: the provider's text may quote the key.
        log(`ai-models: workspace ${workspaceId} provider failed: ${error.code}`)
        return providerErrorResponse(error)
      }
      return errorResponse(error)
    }
  })
}

// toProviderError speaks of one model; listing names none, so its model-specific answers
// become what they mean here (a 404 on /models is almost always a wrong base URL).
function forListing(error: ProviderError): ProviderError {
  if (error.code === 'model_not_found') {
    return new ProviderError(502, 'bad_base_url', `The address does not answer like an OpenAI-compatible API (no model list). Check the base URL in ${SETTINGS}.`)
  }
  if (error.code === 'provider_rejected') {
    return new ProviderError(502, 'provider_error', 'The AI provider refused to list its models. Try again later.')
  }
  return error
}

export function aiModelsDepsFromEnv(): AiModelsDeps {
  return {
    authenticate: authenticatorFromEnv(),
    roleOf: async (claims, workspaceId) => {
      const rows = await dbFromEnv().withUser(claims, (tx) =>
        tx<{ role: string }[]>`select role from public.memberships where tenant_id = ${workspaceId} and user_id = ${claims.sub}`
      )
      return rows[0]?.role ?? null
    },
    ownProvider: (workspaceId) => dbFromEnv().withServiceRole((tx) => readOwnProvider(tx, workspaceId)),
  }
}
