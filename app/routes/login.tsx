import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { AuthLayout } from '~/components/auth-layout.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { describeAuthError } from '~/modules/auth/auth-errors.ts'
import { EmailOnlySchema, LoginSchema, PASSWORD_MAX, PASSWORD_MIN } from '~/modules/auth/schema.ts'
import { getRequestAuth, safeRedirectPath } from '~/utils/auth.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { parseForm } from '~/utils/forms.ts'
import { useT, type MessageKey } from '~/utils/i18n.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await getRequestAuth(request)
  if (claims) throw redirect(safeRedirectPath(new URL(request.url).searchParams.get('redirectTo')), { headers })
  return null
}

type Result =
  | { status: 'invalid'; intent: string; fieldErrors: Record<string, MessageKey>; values: Record<string, string>; unconfirmed?: boolean }
  | { status: 'magicSent' | 'resent'; email: string }

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readFormData(request)
  const intent = String(formData.get('intent') ?? 'password')
  const { supabase, headers } = await getRequestAuth(request)
  const confirmUrl = `${new URL(request.url).origin}/auth/confirm`

  if (intent === 'magic' || intent === 'resend') {
    const form = parseForm(EmailOnlySchema, formData)
    if (!form.ok) return json<Result>({ status: 'invalid', intent, fieldErrors: form.fieldErrors, values: form.values }, { status: 400 })
    const { error } =
      intent === 'magic'
        ? await supabase.auth.signInWithOtp({ email: form.data.email, options: { shouldCreateUser: false, emailRedirectTo: confirmUrl } })
        : await supabase.auth.resend({ type: 'signup', email: form.data.email, options: { emailRedirectTo: confirmUrl } })
    // Whether the address has an account is not revealed; only throttling is reported.
    if (error && describeAuthError(error).status === 429) {
      return json<Result>({ status: 'invalid', intent, fieldErrors: { form: 'auth.error.rateLimited' }, values: { email: form.data.email } }, { status: 429, headers })
    }
    return json<Result>({ status: intent === 'magic' ? 'magicSent' : 'resent', email: form.data.email }, { headers })
  }

  const form = parseForm(LoginSchema, formData)
  if (!form.ok) return json<Result>({ status: 'invalid', intent, fieldErrors: form.fieldErrors, values: form.values }, { status: 400 })
  const { error } = await supabase.auth.signInWithPassword(form.data)
  if (error) {
    const { message, status } = describeAuthError(error)
    return json<Result>(
      { status: 'invalid', intent, fieldErrors: { form: message }, values: { email: form.data.email }, unconfirmed: error.code === 'email_not_confirmed' },
      { status, headers },
    )
  }
  throw redirect(safeRedirectPath(formData.get('redirectTo')), { headers })
}

export default function Login() {
  const t = useT()
  const [params] = useSearchParams()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const tr = (key?: string) => (key ? t(key as MessageKey, { min: PASSWORD_MIN, max: PASSWORD_MAX }) : undefined)
  const invalid = result?.status === 'invalid' ? result : null
  const passwordErrors = invalid && invalid.intent === 'password' ? invalid.fieldErrors : {}
  const emailErrors = invalid && invalid.intent !== 'password' ? invalid.fieldErrors : {}
  return (
    <AuthLayout title={t('auth.login.title')}>
      {result?.status === 'magicSent' ? <Notice tone="success">{t('auth.login.magicSent', { email: result.email })}</Notice> : null}
      {result?.status === 'resent' ? <Notice tone="success">{t('auth.login.resent', { email: result.email })}</Notice> : null}
      <Form method="post" className="mt-4 space-y-4" noValidate>
        <input type="hidden" name="intent" value="password" />
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/app'} />
        {passwordErrors.form ? <Notice tone="error">{tr(passwordErrors.form)}</Notice> : null}
        <Field label={t('auth.email')} name="email" type="email" autoComplete="email" defaultValue={invalid?.values.email} error={tr(passwordErrors.email)} required />
        <Field label={t('auth.password')} name="password" type="password" autoComplete="current-password" error={tr(passwordErrors.password)} required />
        <div className="flex items-center justify-between">
          <Link to="/forgot-password" className="text-sm font-medium text-violet-brand hover:underline">
            {t('auth.login.forgot')}
          </Link>
        </div>
        <Button type="submit" className="w-full" disabled={busy}>
          {t('auth.login.submit')}
        </Button>
      </Form>
      {invalid?.unconfirmed ? (
        <Form method="post" className="mt-3">
          <input type="hidden" name="intent" value="resend" />
          <input type="hidden" name="email" value={invalid.values.email ?? ''} />
          <Button type="submit" variant="secondary" className="w-full" disabled={busy}>
            {t('auth.login.resendConfirmation')}
          </Button>
        </Form>
      ) : null}
      <div className="my-6 flex items-center gap-3 text-xs uppercase tracking-wide text-slate-400">
        <span className="h-px flex-1 bg-slate-200" />
        {t('auth.login.or')}
        <span className="h-px flex-1 bg-slate-200" />
      </div>
      <Form method="post" className="space-y-3" noValidate>
        <input type="hidden" name="intent" value="magic" />
        <h2 className="text-sm font-semibold text-indigo-brand">{t('auth.login.magicTitle')}</h2>
        {emailErrors.form ? <Notice tone="error">{tr(emailErrors.form)}</Notice> : null}
        <Field label={t('auth.email')} name="email" type="email" autoComplete="email" error={tr(emailErrors.email)} required />
        <Button type="submit" variant="secondary" className="w-full" disabled={busy}>
          {t('auth.login.magicSubmit')}
        </Button>
      </Form>
      <p className="mt-6 text-center text-sm">
        <Link to="/signup" className="font-semibold text-violet-brand hover:underline">
          {t('auth.login.noAccount')}
        </Link>
      </p>
    </AuthLayout>
  )
}
