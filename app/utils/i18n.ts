// Translation for server and browser: both catalogues are small and shipped together, so
// switching language never waits for a download.
import { useRouteLoaderData } from '@remix-run/react'
import { en } from '~/locales/en.ts'
import { ptBR, type MessageKey } from '~/locales/pt-BR.ts'

export const LOCALES = ['pt-BR', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'pt-BR'
export type { MessageKey }

const catalogues: Record<Locale, Record<MessageKey, string>> = { 'pt-BR': ptBR, en }

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/**
 * A key may have a `<key>.one` form, used when params.count is 1 ("1 palavra", not "1
 * palavras"); both languages here need only singular and plural.
 */
export function translator(locale: Locale): Translate {
  const messages: Record<string, string> = catalogues[locale]
  return (key, params) => {
    const singular = params && String(params.count) === '1' ? messages[`${key}.one`] : undefined
    const template = singular ?? messages[key]
    if (!params) return template
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
  }
}

/** The root loader decides the locale; every component translates with it. */
export function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale: Locale }>('root')
  return data?.locale ?? DEFAULT_LOCALE
}

export function useT(): Translate {
  return translator(useLocale())
}
