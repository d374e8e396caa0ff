import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useRouteLoaderData, useSearchParams } from '@remix-run/react'
import { buttonClass } from '~/components/ui/button.tsx'
import { LanguageSwitcher } from '~/components/ui/language-switcher.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { Wordmark } from '~/components/ui/wordmark.tsx'
import { useT, type MessageKey } from '~/utils/i18n.ts'
import type { loader as rootLoader } from '~/root.tsx'

export async function loader(_: LoaderFunctionArgs) {
  return null
}

const FEATURES: { title: MessageKey; body: MessageKey; accent: string }[] = [
  { title: 'landing.feature.memory.title', body: 'landing.feature.memory.body', accent: 'bg-violet-brand' },
  { title: 'landing.feature.lore.title', body: 'landing.feature.lore.body', accent: 'bg-mint-brand' },
  { title: 'landing.feature.arc.title', body: 'landing.feature.arc.body', accent: 'bg-indigo-brand' },
  { title: 'landing.feature.scene.title', body: 'landing.feature.scene.body', accent: 'bg-violet-brand' },
  { title: 'landing.feature.echo.title', body: 'landing.feature.echo.body', accent: 'bg-mint-brand' },
]

export default function Landing() {
  const t = useT()
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const [params] = useSearchParams()
  const signedIn = Boolean(root?.user)
  return (
    <div className="min-h-screen bg-paper">
      <header className="mx-auto flex max-w-6xl items-center justify-between px-6 py-5">
        <Wordmark />
        <nav className="flex items-center gap-3">
          <LanguageSwitcher />
          {signedIn ? (
            <Link to="/app" className={buttonClass('primary')}>
              {t('nav.openApp')}
            </Link>
          ) : (
            <>
              <Link to="/login" className={buttonClass('ghost')}>
                {t('nav.signIn')}
              </Link>
              <Link to="/signup" className={buttonClass('primary', 'hidden sm:inline-flex')}>
                {t('nav.startFree')}
              </Link>
            </>
          )}
        </nav>
      </header>
      <main>
        {params.get('notice') === 'signedOut' ? (
          <div className="mx-auto max-w-3xl px-6">
            <Notice tone="success">{t('auth.signedOut')}</Notice>
          </div>
        ) : null}
        <section className="mx-auto max-w-4xl px-6 pb-16 pt-16 text-center sm:pt-24">
          <h1 className="font-serif text-4xl font-semibold leading-tight tracking-tight text-indigo-brand sm:text-6xl">{t('landing.tagline')}</h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg leading-8 text-slate-600">{t('landing.hero')}</p>
          <div className="mt-10 flex flex-col items-center gap-3">
            <Link to={signedIn ? '/app' : '/signup'} className={buttonClass('primary', 'px-6 py-3 text-base')}>
              {signedIn ? t('nav.openApp') : t('landing.cta')}
            </Link>
            <p className="text-sm text-slate-500">{t('landing.ctaNote')}</p>
            {signedIn ? null : (
              <p className="text-sm text-slate-600">
                {t('landing.signInPrompt')}{' '}
                <Link to="/login" className="font-semibold text-violet-brand hover:underline">
                  {t('nav.signIn')}
                </Link>
              </p>
            )}
          </div>
        </section>
        <section className="mx-auto grid max-w-6xl gap-4 px-6 pb-20 sm:grid-cols-2 lg:grid-cols-5">
          {FEATURES.map((feature) => (
            <article key={feature.title} className="rounded-2xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
              <span aria-hidden className={`block h-1.5 w-8 rounded-full ${feature.accent}`} />
              <h2 className="mt-4 font-serif text-lg font-semibold text-indigo-brand">{t(feature.title)}</h2>
              <p className="mt-2 text-sm leading-6 text-slate-600">{t(feature.body)}</p>
            </article>
          ))}
        </section>
      </main>
      <footer className="border-t border-slate-200 py-8 text-center text-sm text-slate-500">
        <span className="font-serif font-semibold text-indigo-brand">flowstory</span> · {t('landing.footer')}
      </footer>
    </div>
  )
}
