// The language switcher posts here: visitors keep the choice in a cookie; signed-in users
// also save it on their profile so every device follows it.
import type { ActionFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { z } from 'zod'
import { syncEmailPreferences } from '~/modules/auth/email-preferences.server.ts'
import { setOwnLocale } from '~/modules/profiles/profiles.server.ts'
import { getRequestAuth, safeRedirectPath } from '~/utils/auth.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { LOCALES } from '~/utils/i18n.ts'
import { localeCookie } from '~/utils/locale.server.ts'

const LocaleFormSchema = z.object({ locale: z.enum(LOCALES), redirectTo: z.string().optional() })

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = LocaleFormSchema.safeParse(Object.fromEntries(await readFormData(request)))
  if (!parsed.success) return json({ error: 'Unsupported language' }, { status: 400 })
  const { locale, redirectTo } = parsed.data
  const auth = await getRequestAuth(request)
  if (auth.claims) {
    await withUser(auth.claims, (tx) => setOwnLocale({ tx, locale }))
    await syncEmailPreferences(auth.supabase, { locale })
  }
  auth.headers.append('Set-Cookie', await localeCookie.serialize(locale))
  return redirect(safeRedirectPath(redirectTo, '/'), { headers: auth.headers })
}
