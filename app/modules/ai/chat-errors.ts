// Every way an AI call can fail, as the message the writer reads and what to do about it.
// The function's `message` is English and for developers; the writer sees the catalogue.
import type { ChatAction } from '~/modules/ai/chat-limits.ts'
import type { MessageKey } from '~/utils/i18n.ts'

export type ChatFailure =
  /** An error answered before the stream (JSON {code, message}), with its HTTP status. */
  | { kind: 'response'; status: number; code: string | null; retryAfter: string | null }
  /** The stream said `event: error` with this code (after the provider was called). */
  | { kind: 'stream'; code: string }
  /** The stream ended without `done`, broke mid-answer, or sent something malformed. */
  | { kind: 'interrupted' }
  /** The editor's autosave could not save the chapter: the function would read stale text. */
  | { kind: 'save_failed' }
  /** The request never reached the app (offline). */
  | { kind: 'network' }

export type ChatErrorView = {
  key: MessageKey
  params?: Record<string, string | number>
  /** Show a link to Settings → AI providers (owners and admins only). */
  settingsLink?: boolean
}

/** Seconds from a Retry-After header (seconds or an HTTP date); at least 1. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (!value) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Math.max(1, Number(trimmed))
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - now) / 1000))
}

export function describeChatError(failure: ChatFailure, { canManage, action }: { canManage: boolean; action?: ChatAction }): ChatErrorView {
  switch (failure.kind) {
    case 'stream':
      return describeStreamError(failure.code, { canManage, action })
    case 'interrupted':
      return { key: 'aiPanel.error.interrupted' }
    case 'save_failed':
      return { key: 'aiPanel.error.saveFailed' }
    case 'network':
      return { key: 'aiPanel.error.network' }
    case 'response':
      break
  }
  const seconds = retryAfterSeconds(failure.retryAfter)
  // Problems in the provider's settings: owners and admins get what to fix and the link there.
  const bySettings = (manager: MessageKey, writer: MessageKey): ChatErrorView => (canManage ? { key: manager, settingsLink: true } : { key: writer })
  switch (failure.code) {
    case 'no_provider':
      return bySettings('aiPanel.error.noProvider.manager', 'aiPanel.error.noProvider.writer')
    case 'no_model':
      return bySettings('aiPanel.error.noModel.manager', 'aiPanel.error.noModel.writer')
    case 'invalid_key':
      return bySettings('aiPanel.error.invalidKey.manager', 'aiPanel.error.invalidKey.writer')
    case 'model_not_found':
      return bySettings('aiPanel.error.modelNotFound.manager', 'aiPanel.error.modelNotFound.writer')
    case 'unsafe_base_url':
      return bySettings('aiPanel.error.unsafeBaseUrl.manager', 'aiPanel.error.unsafeBaseUrl.writer')
    case 'rate_limited':
      return seconds ? { key: 'aiPanel.error.rateLimited', params: { count: seconds } } : { key: 'aiPanel.error.rateLimitedSoon' }
    case 'provider_rate_limited':
      return seconds ? { key: 'aiPanel.error.providerRateLimited', params: { count: seconds } } : { key: 'aiPanel.error.providerRateLimitedSoon' }
    case 'provider_unreachable':
      // Down for a moment, or never reachable at the stored address: owners can check the latter.
      return bySettings('aiPanel.error.providerUnreachable.manager', 'aiPanel.error.providerUnreachable')
    case 'functions_unreachable':
      return { key: 'aiPanel.error.functionsUnreachable' }
    case 'not_found':
      return { key: 'aiPanel.error.notFound' }
    case 'not_member':
      return { key: 'aiPanel.error.notMember' }
    case 'missing_authorization':
    case 'invalid_jwt':
      return { key: 'aiPanel.error.signedOut' }
    case 'invalid_request':
      return { key: 'aiPanel.error.invalidRequest' }
  }
  if (failure.status === 401) return { key: 'aiPanel.error.signedOut' }
  if (failure.status === 413) return { key: 'aiPanel.error.invalidRequest' }
  return { key: 'aiPanel.error.unknown' }
}

/**
 * An `error` event: the provider was called and the answer stopped. Nothing was applied
 * (a proposal is offered only after `done`). Codes the function also answers before the
 * stream get the same message, without a wait time (an event has no Retry-After).
 */
function describeStreamError(code: string, { canManage, action }: { canManage: boolean; action?: ChatAction }): ChatErrorView {
  switch (code) {
    case 'answer_too_long':
      return { key: action === 'summarize' ? 'aiPanel.error.answerTooLong.summary' : 'aiPanel.error.answerTooLong' }
    // Reached, then stopped halfway (cut or timed out): "could not reach" would be wrong.
    case 'provider_unreachable':
      return { key: 'aiPanel.error.interrupted' }
  }
  const view = describeChatError({ kind: 'response', status: 0, code, retryAfter: null }, { canManage })
  return view.key === 'aiPanel.error.unknown' || view.key === 'aiPanel.error.invalidRequest' ? { key: 'aiPanel.error.interrupted' } : view
}
