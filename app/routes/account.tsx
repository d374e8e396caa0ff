import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { AppShell } from '~/components/app-shell.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { NAME_MAX } from '~/modules/auth/schema.ts'
import { getOwnProfile, updateOwnProfile } from '~/modules/profiles/profiles.server.ts'
import { listWorkspaces } from '~/modules/workspaces/workspaces.server.ts'
import { AccountFormSchema } from '~/modules/profiles/schema.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { parseForm } from '~/utils/forms.ts'
import { LOCALES, useT } from '~/utils/i18n.ts'
import { syncEmailPreferences } from '~/modules/auth/email-preferences.server.ts'
import { localeCookie, resolveLocale } from '~/utils/locale.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const { workspaces, profile } = await withUser(claims, async (tx) => ({ workspaces: await listWorkspaces({ tx }), profile: await getOwnProfile({ tx }) }))
  return json({ user: { email: claims.email ?? '', displayName: profile?.displayName ?? claims.email ?? '' }, workspaces, locale: profile?.locale ?? null }, { headers })
}

export async function action({ request }: ActionFunctionArgs) {
  const { claims, headers, supabase } = await requireUser(request)
  const form = parseForm(AccountFormSchema, await readFormData(request))
  if (!form.ok) return json({ fieldErrors: form.fieldErrors }, { status: 400, headers })
  await withUser(claims, (tx) => updateOwnProfile({ tx, displayName: form.data.displayName, locale: form.data.locale }))
  await syncEmailPreferences(supabase, { display_name: form.data.displayName, locale: form.data.locale ?? (await resolveLocale(request)) })
  // Keep the visitor cookie in step so signed-out pages speak the same language.
  headers.append('Set-Cookie', await localeCookie.serialize(form.data.locale ?? '', form.data.locale ? undefined : { maxAge: 0 }))
  throw redirect('/account?notice=saved', { headers })
}

export default function Account() {
  const t = useT()
  const { user, workspaces, locale } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const [params] = useSearchParams()
  const busy = useNavigation().state === 'submitting'
  const nameError = result?.fieldErrors.displayName
  return (
    <AppShell workspaces={workspaces}>
      <div className="max-w-xl space-y-6">
        <h1 className="font-serif text-3xl font-semibold">{t('account.title')}</h1>
        {params.get('notice') === 'saved' && !result ? <Notice tone="success">{t('account.saved')}</Notice> : null}
        <Form method="post" className="space-y-5 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200" noValidate>
          <div>
            <p className="text-sm font-medium">{t('account.email')}</p>
            <p className="mt-1 text-sm text-slate-600">{user.email}</p>
          </div>
          <Field
            label={t('account.displayName')}
            name="displayName"
            defaultValue={user.displayName}
            maxLength={NAME_MAX}
            error={nameError ? t(nameError, { max: NAME_MAX }) : undefined}
            required
          />
          <SelectField
            label={t('account.language')}
            name="locale"
            defaultValue={locale ?? ''}
            options={[{ value: '', label: t('account.languageBrowser') }, ...LOCALES.map((l) => ({ value: l, label: t(`lang.${l}`), lang: l }))]}
          />
          <Button type="submit" disabled={busy}>
            {t('account.submit')}
          </Button>
        </Form>
      </div>
    </AppShell>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
