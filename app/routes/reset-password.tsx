import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useNavigation } from '@remix-run/react'
import { AuthLayout } from '~/components/auth-layout.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { describeAuthError } from '~/modules/auth/auth-errors.ts'
import { NewPasswordSchema, PASSWORD_MAX, PASSWORD_MIN } from '~/modules/auth/schema.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { parseForm } from '~/utils/forms.ts'
import { useT, type MessageKey } from '~/utils/i18n.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireUser(request)
  return json(null, { headers })
}

export async function action({ request }: ActionFunctionArgs) {
  const { supabase, headers } = await requireUser(request)
  const form = parseForm(NewPasswordSchema, await readFormData(request))
  if (!form.ok) return json({ error: form.fieldErrors.password ?? form.fieldErrors.form }, { status: 400, headers })
  const { error } = await supabase.auth.updateUser({ password: form.data.password })
  if (error) {
    const { message, status } = describeAuthError(error)
    return json({ error: message }, { status, headers })
  }
  throw redirect('/app?notice=passwordChanged', { headers })
}

export default function ResetPassword() {
  const t = useT()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const error = result?.error ? t(result.error as MessageKey, { min: PASSWORD_MIN, max: PASSWORD_MAX }) : undefined
  return (
    <AuthLayout title={t('auth.reset.title')}>
      <Form method="post" className="space-y-4" noValidate>
        {error && result?.error?.startsWith('auth.') ? <Notice tone="error">{error}</Notice> : null}
        <Field
          label={t('auth.newPassword')}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={t('auth.passwordHint', { min: PASSWORD_MIN })}
          error={result?.error?.startsWith('validation.') ? error : undefined}
          required
        />
        <Button type="submit" className="w-full" disabled={busy}>
          {t('auth.reset.submit')}
        </Button>
      </Form>
    </AuthLayout>
  )
}
