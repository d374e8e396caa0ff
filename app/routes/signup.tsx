import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { AuthLayout } from '~/components/auth-layout.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { describeAuthError } from '~/modules/auth/auth-errors.ts'
import { PASSWORD_MAX, PASSWORD_MIN, SignupSchema } from '~/modules/auth/schema.ts'
import { getRequestAuth } from '~/utils/auth.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { parseForm } from '~/utils/forms.ts'
import { useT } from '~/utils/i18n.ts'
import { resolveLocale } from '~/utils/locale.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await getRequestAuth(request)
  if (claims) throw redirect('/app', { headers })
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(SignupSchema, await readFormData(request))
  if (!form.ok) return json({ status: 'invalid' as const, fieldErrors: form.fieldErrors, values: form.values }, { status: 400 })
  const { supabase, headers } = await getRequestAuth(request)
  const locale = await resolveLocale(request)
  const { error } = await supabase.auth.signUp({
    email: form.data.email,
    password: form.data.password,
    options: {
      emailRedirectTo: `${new URL(request.url).origin}/auth/confirm`,
      data: { display_name: form.data.displayName, locale },
    },
  })
  if (error) {
    const { message, status } = describeAuthError(error)
    const field = message === 'auth.error.weakPassword' ? 'password' : message === 'validation.email' ? 'email' : 'form'
    return json(
      { status: 'invalid' as const, fieldErrors: { [field]: message }, values: { displayName: form.data.displayName, email: form.data.email } },
      { status, headers },
    )
  }
  return json({ status: 'sent' as const, email: form.data.email }, { headers })
}

export default function Signup() {
  const t = useT()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  if (result?.status === 'sent') {
    return (
      <AuthLayout title={t('auth.signup.sentTitle')}>
        <Notice tone="success">{t('auth.signup.sentBody', { email: result.email })}</Notice>
        <p className="mt-6 text-sm">
          <Link to="/login" className="font-semibold text-violet-brand hover:underline">
            {t('nav.signIn')}
          </Link>
        </p>
      </AuthLayout>
    )
  }
  const errors: Record<string, string | undefined> = result?.status === 'invalid' ? result.fieldErrors : {}
  const values: Record<string, string | undefined> = result?.status === 'invalid' ? result.values : {}
  const tr = (key?: string) => (key ? t(key as never, { min: PASSWORD_MIN, max: PASSWORD_MAX }) : undefined)
  return (
    <AuthLayout title={t('auth.signup.title')} subtitle={t('auth.signup.subtitle')}>
      <Form method="post" className="space-y-4" noValidate>
        {errors.form ? <Notice tone="error">{tr(errors.form)}</Notice> : null}
        <Field label={t('auth.displayName')} name="displayName" autoComplete="name" defaultValue={values.displayName} error={tr(errors.displayName)} required />
        <Field label={t('auth.email')} name="email" type="email" autoComplete="email" defaultValue={values.email} error={tr(errors.email)} required />
        <Field
          label={t('auth.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={t('auth.passwordHint', { min: PASSWORD_MIN })}
          error={tr(errors.password)}
          required
        />
        <Button type="submit" className="w-full" disabled={busy}>
          {t('auth.signup.submit')}
        </Button>
      </Form>
      <p className="mt-6 text-center text-sm">
        <Link to="/login" className="font-semibold text-violet-brand hover:underline">
          {t('auth.signup.haveAccount')}
        </Link>
      </p>
    </AuthLayout>
  )
}
