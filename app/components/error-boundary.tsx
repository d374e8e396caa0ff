// One error page for every route: known HTTP errors get their own words (404, 403, 400);
// anything else a calm generic message. Never a stack trace in the browser.
import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import { useT } from '~/utils/i18n.ts'
import type { MessageKey } from '~/utils/i18n.ts'
import { buttonClass } from './ui/button.tsx'

const pages: Record<number, { title: MessageKey; body: MessageKey }> = {
  404: { title: 'error.notFound.title', body: 'error.notFound.body' },
  403: { title: 'error.forbidden.title', body: 'error.forbidden.body' },
  400: { title: 'error.badRequest.title', body: 'error.badRequest.body' },
  409: { title: 'error.conflict.title', body: 'error.conflict.body' },
  413: { title: 'error.tooLarge.title', body: 'error.tooLarge.body' },
  415: { title: 'error.badRequest.title', body: 'error.badRequest.body' },
}

export function GeneralErrorBoundary() {
  const error = useRouteError()
  const t = useT()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const page = pages[status] ?? { title: 'error.generic.title', body: 'error.generic.body' }
  if (status >= 500 && typeof document !== 'undefined') console.error(error)
  return (
    <div className="mx-auto flex max-w-lg flex-col items-start gap-4 px-6 py-20">
      <p className="text-sm font-semibold text-violet-brand">{status}</p>
      <h1 className="font-serif text-3xl font-semibold text-indigo-brand">{t(page.title)}</h1>
      <p className="text-slate-600">{t(page.body)}</p>
      <Link to="/" className={buttonClass('secondary')}>
        {t('error.backHome')}
      </Link>
    </div>
  )
}
