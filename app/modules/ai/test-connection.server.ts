// "Test connection": asks the ai-models Edge Function, as the signed-in user, for the models
// of the workspace's SAVED provider. The key is only decrypted inside the function; the app
// server never calls the provider (decision 013). Shared by Settings → AI provider and the
// onboarding wizard. See docs/decisions/015-ai-providers.md.
import { FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js'
import type { MessageKey } from '~/utils/i18n.ts'

export type TestResult = { models: string[]; chatModelFound: boolean; embedModelFound: boolean }

export type TestOutcome = { ok: true; test: TestResult } | { ok: false; status: number; error: MessageKey }

// The codes the ai-models function answers with, each with a sentence in the writer's language.
const TEST_ERRORS: Record<string, MessageKey> = {
  invalid_key: 'ai.test.error.invalid_key',
  provider_unreachable: 'ai.test.error.provider_unreachable',
  provider_rate_limited: 'ai.test.error.provider_rate_limited',
  bad_base_url: 'ai.test.error.bad_base_url',
  unsafe_base_url: 'ai.test.error.unsafe_base_url',
  no_provider: 'ai.test.error.no_provider',
  provider_error: 'ai.test.error.provider_error',
}

export async function testProviderConnection(supabase: SupabaseClient, workspaceId: string): Promise<TestOutcome> {
  const { data, error } = await supabase.functions.invoke<TestResult>('ai-models', { body: { workspaceId } })
  if (error || !data) {
    let code: string | null = null
    let status = 502
    if (error instanceof FunctionsHttpError) {
      const response = error.context as Response
      status = response.status >= 400 && response.status < 600 ? response.status : 502
      code = await response.json().then((body: { code?: unknown }) => (typeof body?.code === 'string' ? body.code : null), () => null)
      // The app checked the role already; a 404 here is a function that is not deployed (or a
      // race with a membership change), which the writer can only retry.
      if (status === 404) status = 503
      if (status === 403) return { ok: false, status: 403, error: 'workspace.error.forbidden' }
    } else {
      // Only our own words in the log: the error's text is not ours to trust.
      console.error('ai-models could not be called:', error?.name ?? 'no data')
    }
    return { ok: false, status, error: (code && TEST_ERRORS[code]) || 'ai.test.error.unavailable' }
  }
  return { ok: true, test: { models: data.models, chatModelFound: data.chatModelFound, embedModelFound: data.embedModelFound } }
}
