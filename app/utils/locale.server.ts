// Which language a request gets: the signed-in user's saved choice, else the language
// cookie a visitor picked, else the browser's Accept-Language, else Portuguese.
import { createCookie } from '@remix-run/node'
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './i18n.ts'

export const localeCookie = createCookie('flowstory_lang', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  secure: process.env.NODE_ENV === 'production',
  maxAge: 60 * 60 * 24 * 365,
})

export async function cookieLocale(request: Request): Promise<Locale | null> {
  const value = await localeCookie.parse(request.headers.get('Cookie'))
  return isLocale(value) ? value : null
}

export function acceptLanguageLocale(header: string | null): Locale | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 }
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q)
  for (const { tag } of ranked) {
    const exact = LOCALES.find((l) => l.toLowerCase() === tag)
    if (exact) return exact
    const primary = tag.split('-')[0]
    const byLanguage = LOCALES.find((l) => l.toLowerCase().split('-')[0] === primary)
    if (byLanguage) return byLanguage
  }
  return null
}

export async function resolveLocale(request: Request, saved?: string | null): Promise<Locale> {
  if (isLocale(saved)) return saved
  return (await cookieLocale(request)) ?? acceptLanguageLocale(request.headers.get('Accept-Language')) ?? DEFAULT_LOCALE
}
