import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { getOwnProfile } from '~/modules/profiles/profiles.server.ts'
import { getRequestAuth } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { DEFAULT_LOCALE, translator, type Locale } from '~/utils/i18n.ts'
import { resolveLocale } from '~/utils/locale.server.ts'
import stylesheet from './tailwind.css'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = translator(data?.locale ?? DEFAULT_LOCALE)
  return [{ title: t('meta.title') }, { name: 'description', content: t('meta.description') }]
}

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await getRequestAuth(request)
  const profile = auth.claims ? await withUser(auth.claims, (tx) => getOwnProfile({ tx })) : null
  const locale = await resolveLocale(request, profile?.locale)
  const user = auth.claims ? { email: auth.claims.email ?? '', displayName: profile?.displayName ?? auth.claims.email ?? '' } : null
  return json({ locale, user }, { headers: auth.headers })
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root')
  const locale: Locale = data?.locale ?? DEFAULT_LOCALE
  return (
    <html lang={locale} className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="h-full min-h-screen bg-paper font-sans">
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
