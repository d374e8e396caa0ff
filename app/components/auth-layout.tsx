import type { ReactNode } from 'react'
import { LanguageSwitcher } from './ui/language-switcher.tsx'
import { Wordmark } from './ui/wordmark.tsx'

/** The frame of the sign-in, sign-up and recovery pages. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col bg-paper">
      <header className="mx-auto flex w-full max-w-5xl items-center justify-between px-6 py-5">
        <Wordmark />
        <LanguageSwitcher />
      </header>
      <main className="flex flex-1 items-start justify-center px-6 pb-16 pt-6 sm:pt-12">
        <div className="w-full max-w-md rounded-2xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
          <h1 className="font-serif text-2xl font-semibold text-indigo-brand">{title}</h1>
          {subtitle ? <p className="mt-1 text-sm text-slate-600">{subtitle}</p> : null}
          <div className="mt-6">{children}</div>
        </div>
      </main>
    </div>
  )
}
