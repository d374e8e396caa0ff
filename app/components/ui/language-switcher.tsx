import { Form, useLocation } from '@remix-run/react'
import { LOCALES, useLocale, useT } from '~/utils/i18n.ts'

/** Visitors pick a language; the choice is kept in a cookie (signed-in users also save it). */
export function LanguageSwitcher() {
  const t = useT()
  const current = useLocale()
  const location = useLocation()
  return (
    <Form method="post" action="/locale" className="flex items-center gap-1 text-sm" aria-label={t('lang.switch')}>
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="submit"
          name="locale"
          value={locale}
          lang={locale}
          aria-pressed={locale === current}
          className={`rounded-md px-2 py-1 ${locale === current ? 'bg-indigo-brand text-white' : 'text-indigo-brand hover:bg-slate-100'}`}
        >
          <span className="sm:hidden" aria-hidden>
            {t(`lang.short.${locale}`)}
          </span>
          <span className="sr-only sm:not-sr-only">{t(`lang.${locale}`)}</span>
        </button>
      ))}
    </Form>
  )
}
