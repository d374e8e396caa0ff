import type { ActionFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { AuthLayout } from '~/components/auth-layout.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { describeAuthError } from '~/modules/auth/auth-errors.ts'
import { EmailOnlySchema } from '~/modules/auth/schema.ts'
import { getRequestAuth } from '~/utils/auth.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { parseForm } from '~/utils/forms.ts'
import { useT, type MessageKey } from '~/utils/i18n.ts'

export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(EmailOnlySchema, await readFormData(request))
  if (!form.ok) return json({ status: 'invalid' as const, error: form.fieldErrors.email ?? form.fieldErrors.form }, { status: 400 })
  const { supabase, headers } = await getRequestAuth(request)
  const { error } = await supabase.auth.resetPasswordForEmail(form.data.email, {
    redirectTo: `${new URL(request.url).origin}/auth/confirm`,
  })
  if (error && describeAuthError(error).status === 429) {
    return json({ status: 'invalid' as const, error: 'auth.error.rateLimited' as MessageKey }, { status: 429, headers })
  }
  return json({ status: 'sent' as const, email: form.data.email }, { headers })
}

export default function ForgotPassword() {
  const t = useT()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <AuthLayout title={t('auth.forgot.title')} subtitle={t('auth.forgot.body')}>
      {result?.status === 'sent' ? (
        <Notice tone="success">{t('auth.forgot.sent', { email: result.email })}</Notice>
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          <Field label={t('auth.email')} name="email" type="email" autoComplete="email" error={result?.status === 'invalid' && result.error ? t(result.error) : undefined} required />
          <Button type="submit" className="w-full" disabled={busy}>
            {t('auth.forgot.submit')}
          </Button>
        </Form>
      )}
      <p className="mt-6 text-center text-sm">
        <Link to="/login" className="font-semibold text-violet-brand hover:underline">
          {t('auth.forgot.back')}
        </Link>
      </p>
    </AuthLayout>
  )
}
