import { en } from '~/locales/en.ts'
import { ptBR } from '~/locales/pt-BR.ts'
import { translator } from './i18n.ts'
import { acceptLanguageLocale, resolveLocale } from './locale.server.ts'

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('message catalogue', () => {
  it('has every message in both languages, with the same placeholders and no blanks', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ptBR).sort())
    for (const key of Object.keys(ptBR) as (keyof typeof ptBR)[]) {
      expect(en[key].trim(), key).not.toBe('')
      expect(placeholders(en[key]), key).toEqual(placeholders(ptBR[key]))
    }
  })

  it('fills placeholders', () => {
    expect(translator('en')('workspace.plan', { plan: 'Free' })).toBe('Plan: Free')
    expect(translator('pt-BR')('auth.passwordHint', { min: 8 })).toBe('Pelo menos 8 caracteres.')
  })

  it('says "1 palavra", not "1 palavras", where a singular form exists', () => {
    expect(translator('pt-BR')('chapter.words', { count: '1' })).toBe('1 palavra')
    expect(translator('pt-BR')('chapter.words', { count: '2' })).toBe('2 palavras')
    expect(translator('en')('import.confirm', { count: 1 })).toBe('Import 1 chapter')
    expect(translator('en')('import.confirm', { count: 61 })).toBe('Import 61 chapters')
  })
})

describe('language of a request', () => {
  it('follows Accept-Language by quality, matching language families', () => {
    expect(acceptLanguageLocale('en-GB,en;q=0.9')).toBe('en')
    expect(acceptLanguageLocale('pt-PT,pt;q=0.8,en;q=0.5')).toBe('pt-BR')
    expect(acceptLanguageLocale('de-DE,de;q=0.9,en;q=0.4')).toBe('en')
    expect(acceptLanguageLocale('de-DE')).toBeNull()
    expect(acceptLanguageLocale(null)).toBeNull()
  })

  it('prefers the saved choice, then the cookie, then the browser, then Portuguese', async () => {
    const request = (headers: Record<string, string>) => new Request('http://localhost/', { headers })
    expect(await resolveLocale(request({ 'accept-language': 'en' }), 'pt-BR')).toBe('pt-BR')
    expect(await resolveLocale(request({ 'accept-language': 'pt-BR', cookie: `flowstory_lang=${btoa('"en"')}` }))).toBe('en')
    expect(await resolveLocale(request({ 'accept-language': 'en-US' }))).toBe('en')
    expect(await resolveLocale(request({}))).toBe('pt-BR')
  })
})
