// What a valid AI provider form is, mirroring the checks on public.ai_providers so a person
// gets a message about the field they typed instead of a generic refusal. The database stays
// the last line of defence. See docs/decisions/015-ai-providers.md.
import { z } from 'zod'

export const PROVIDER_KINDS = ['openai', 'openai_compatible'] as const
export type ProviderKind = (typeof PROVIDER_KINDS)[number]

export const OPENAI_BASE_URL = 'https://api.openai.com/v1'
export const BASE_URL_MAX = 2000
export const MODEL_MAX = 200
/** The models a new provider starts with until the writer picks others (wizard step 3, settings). */
export const DEFAULT_CHAT_MODEL = 'gpt-4o-mini'
export const DEFAULT_EMBED_MODEL = 'text-embedding-3-small'
export const KEY_MIN = 8
export const KEY_MAX = 500

/** http is accepted only to this machine (a local Ollama or vLLM); everything else is https. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

export function baseUrlProblem(value: string): 'ai.providers.error.baseUrl' | 'ai.providers.error.baseUrlHttp' | 'ai.providers.error.baseUrlParts' | null {
  if (value.length > BASE_URL_MAX || /[\s\p{Cc}]/u.test(value)) return 'ai.providers.error.baseUrl'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'ai.providers.error.baseUrl'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'ai.providers.error.baseUrl'
  // Credentials, a query or a fragment have no place in an API root; a key pasted there
  // would sit in a plain column.
  if (url.username || url.password || value.includes('?') || value.includes('#') || value.includes('@')) {
    return 'ai.providers.error.baseUrlParts'
  }
  if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname)) return 'ai.providers.error.baseUrlHttp'
  // What the database checks literally: the scheme followed by the host as typed.
  if (!/^https?:\/\/[^/]+(\/.*)?$/i.test(value)) return 'ai.providers.error.baseUrl'
  return null
}

const BaseUrlSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = baseUrlProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
  // One spelling for one endpoint: "…/v1/" and "…/v1" are the same root.
  .transform((value) => value.replace(/\/+$/, ''))

const ModelSchema = z
  .string()
  .trim()
  .min(1, 'ai.providers.error.modelRequired')
  .max(MODEL_MAX, 'ai.providers.error.modelMax')
  .regex(/^[^\s\p{Cc}]+$/u, 'ai.providers.error.modelChars')

/**
 * A key as pasted: surrounding spaces and line breaks (a copy from a terminal) are dropped,
 * anything inside is refused. Never echoed back in an error.
 */
export const ApiKeySchema = z
  .string()
  .trim()
  .min(1, 'ai.providers.error.keyRequired')
  .max(KEY_MAX, 'ai.providers.error.keyMax')
  .regex(/^[^\s\p{Cc}]*$/u, 'ai.providers.error.keyChars')
  .min(KEY_MIN, 'ai.providers.error.keyMin')

export const ProviderFormSchema = z
  .object({
    kind: z.enum(PROVIDER_KINDS, { message: 'ai.providers.error.kind' }),
    baseUrl: z.string().optional().default(''),
    chatModel: ModelSchema,
    embedModel: ModelSchema,
    // Empty: keep the key already stored.
    apiKey: z.string().optional().default(''),
  })
  .transform((form, ctx) => {
    // OpenAI needs no base URL typed; a compatible endpoint must say where it is.
    const rawBaseUrl = form.baseUrl.trim() === '' && form.kind === 'openai' ? OPENAI_BASE_URL : form.baseUrl
    const baseUrl = BaseUrlSchema.safeParse(rawBaseUrl)
    if (!baseUrl.success) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: rawBaseUrl.trim() === '' ? 'ai.providers.error.baseUrlRequired' : baseUrl.error.issues[0].message })
      return z.NEVER
    }
    let apiKey: string | null = null
    if (form.apiKey.trim() !== '') {
      const key = ApiKeySchema.safeParse(form.apiKey)
      if (!key.success) {
        ctx.addIssue({ code: 'custom', path: ['apiKey'], message: key.error.issues[0].message })
        return z.NEVER
      }
      apiKey = key.data
    }
    return { kind: form.kind, baseUrl: baseUrl.data, chatModel: form.chatModel, embedModel: form.embedModel, apiKey }
  })

export type ProviderForm = z.infer<typeof ProviderFormSchema>
