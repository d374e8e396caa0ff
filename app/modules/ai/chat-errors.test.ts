// Every contract error code reaches the writer as a message in their language that says what
// to do — never the function's English text, never an unexplained failure.
import { translator, LOCALES } from '~/utils/i18n.ts'
import { describeChatError, retryAfterSeconds, type ChatFailure } from './chat-errors.ts'

const response = (status: number, code: string | null, retryAfter: string | null = null): ChatFailure => ({ kind: 'response', status, code, retryAfter })

const CONTRACT_CODES: [number, string][] = [
  [400, 'invalid_request'],
  [401, 'missing_authorization'],
  [401, 'invalid_jwt'],
  [403, 'not_member'],
  [404, 'not_found'],
  [409, 'no_model'],
  [402, 'no_provider'],
  [503, 'no_provider'],
  [429, 'rate_limited'],
  [401, 'invalid_key'],
  [404, 'model_not_found'],
  [429, 'provider_rate_limited'],
  [502, 'provider_unreachable'],
  [504, 'provider_unreachable'],
  [422, 'unsafe_base_url'],
  [502, 'functions_unreachable'],
]

describe('AI error messages', () => {
  it('gives every contract code its own message in both languages', () => {
    for (const [status, code] of CONTRACT_CODES) {
      const view = describeChatError(response(status, code, '7'), { canManage: false })
      expect(view.key, code).not.toBe('aiPanel.error.unknown')
      for (const locale of LOCALES) expect(translator(locale)(view.key, view.params)).not.toMatch(/\{|undefined/)
    }
  })

  it('sends owners and admins to the settings and tells writers to ask the owner', () => {
    for (const code of ['no_provider', 'invalid_key', 'model_not_found', 'no_model', 'unsafe_base_url']) {
      const manager = describeChatError(response(400, code), { canManage: true })
      const writer = describeChatError(response(400, code), { canManage: false })
      expect(manager.settingsLink, code).toBe(true)
      expect(writer.settingsLink, code).toBeUndefined()
    }
    expect(translator('en')(describeChatError(response(503, 'no_provider'), { canManage: false }).key)).toContain('Ask your workspace owner')
    // A provider that does not answer may be a wrong address: owners get the way to check it.
    const unreachable = describeChatError(response(502, 'provider_unreachable'), { canManage: true })
    expect(unreachable.settingsLink).toBe(true)
    expect(translator('pt-BR')(unreachable.key)).toContain('confira o endereço da API')
    expect(describeChatError(response(502, 'provider_unreachable'), { canManage: false }).settingsLink).toBeUndefined()
  })

  it('says how long to wait from Retry-After', () => {
    const t = translator('pt-BR')
    const view = describeChatError(response(429, 'rate_limited', '12'), { canManage: false })
    expect(t(view.key, view.params)).toBe('Muitos pedidos seguidos. Espere 12 segundos e tente de novo.')
    const one = describeChatError(response(429, 'provider_rate_limited', '1'), { canManage: false })
    expect(translator('en')(one.key, one.params)).toContain('Wait 1 second ')
    expect(describeChatError(response(429, 'rate_limited'), { canManage: false }).key).toBe('aiPanel.error.rateLimitedSoon')
    expect(retryAfterSeconds('Fri, 04 Dec 2026 20:00:30 GMT', Date.parse('Fri, 04 Dec 2026 20:00:00 GMT'))).toBe(30)
    expect(retryAfterSeconds('0')).toBe(1)
    expect(retryAfterSeconds('soon')).toBeNull()
  })

  it('tells the writer an interrupted answer changed nothing in the chapter', () => {
    expect(translator('en')(describeChatError({ kind: 'interrupted' }, { canManage: true }).key)).toBe(
      'The answer was interrupted. Nothing was changed in your chapter. Try again.',
    )
    expect(describeChatError({ kind: 'save_failed' }, { canManage: true }).key).toBe('aiPanel.error.saveFailed')
  })

  it('says an answer cut at its length limit changed nothing and what to do, in both languages', () => {
    const view = describeChatError({ kind: 'stream', code: 'answer_too_long' }, { canManage: false })
    expect(view.key).toBe('aiPanel.error.answerTooLong')
    expect(translator('pt-BR')(view.key)).toBe('A resposta ficou longa demais e foi cortada. Nada foi alterado no seu capítulo. Selecione um trecho menor e tente de novo.')
    expect(translator('en')(view.key)).toBe('The answer got too long and was cut off. Nothing was changed in your chapter. Select a shorter passage and try again.')
    // A summary has no selection to shorten.
    const summary = describeChatError({ kind: 'stream', code: 'answer_too_long' }, { canManage: false, action: 'summarize' })
    expect(translator('pt-BR')(summary.key)).toBe('O resumo ficou longo demais e foi cortado, por isso não foi guardado. Tente de novo.')
  })

  it('explains an error event with the same message as the error answered before the stream', () => {
    const stream = (code: string, canManage = false) => describeChatError({ kind: 'stream', code }, { canManage })
    expect(stream('provider_rate_limited').key).toBe('aiPanel.error.providerRateLimitedSoon')
    expect(stream('rate_limited').key).toBe('aiPanel.error.rateLimitedSoon')
    expect(stream('invalid_key', true)).toEqual({ key: 'aiPanel.error.invalidKey.manager', settingsLink: true })
    expect(stream('model_not_found').key).toBe('aiPanel.error.modelNotFound.writer')
    // The provider was reached and stopped halfway (cut, timeout): an interruption, not "unreachable".
    expect(stream('provider_unreachable').key).toBe('aiPanel.error.interrupted')
    expect(stream('something_new').key).toBe('aiPanel.error.interrupted')
  })

  it('falls back to a generic message for an unknown code and to "signed out" for a bare 401', () => {
    expect(describeChatError(response(500, null), { canManage: true }).key).toBe('aiPanel.error.unknown')
    expect(describeChatError(response(418, 'teapot'), { canManage: true }).key).toBe('aiPanel.error.unknown')
    expect(describeChatError(response(401, null), { canManage: true }).key).toBe('aiPanel.error.signedOut')
  })
})
