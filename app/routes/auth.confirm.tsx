// Every email link lands here (confirmation, magic link, recovery, invitation, email
// change). The token is only spent when the person presses the button: link scanners in
// mail clients that prefetch URLs cannot burn it.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import type { EmailOtpType } from '@supabase/supabase-js'
import { z } from 'zod'
import { AuthLayout } from '~/components/auth-layout.tsx'
import { Button, buttonClass } from '~/components/ui/button.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { describeAuthError } from '~/modules/auth/auth-errors.ts'
import { getRequestAuth } from '~/utils/auth.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { useT, type MessageKey } from '~/utils/i18n.ts'

const LINK_TYPES = ['signup', 'magiclink', 'recovery', 'invite', 'email_change', 'email'] as const
const ConfirmSchema = z.object({ token_hash: z.string().min(8).max(200), type: z.enum(LINK_TYPES) })

const AFTER: Record<(typeof LINK_TYPES)[number], string> = {
  signup: '/app',
  email: '/app',
  magiclink: '/app',
  invite: '/app',
  recovery: '/reset-password',
  email_change: '/account',
}

export async function loader({ request }: LoaderFunctionArgs) {
  const parsed = ConfirmSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams))
  if (!parsed.success) return json({ link: null }, { status: 400 })
  return json({ link: parsed.data })
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = ConfirmSchema.safeParse(Object.fromEntries(await readFormData(request)))
  if (!parsed.success) return json({ error: 'auth.confirm.invalidLink' as MessageKey }, { status: 400 })
  const { supabase, headers } = await getRequestAuth(request)
  const { error } = await supabase.auth.verifyOtp({ token_hash: parsed.data.token_hash, type: parsed.data.type as EmailOtpType })
  if (error) {
    const { message, status } = describeAuthError(error)
    return json({ error: message }, { status, headers })
  }
  throw redirect(AFTER[parsed.data.type], { headers })
}

export default function ConfirmLink() {
  const t = useT()
  const { link } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state !== 'idle'
  if (!link) {
    return (
      <AuthLayout title={t('auth.confirm.title.signup')}>
        <Notice tone="error">{t('auth.confirm.invalidLink')}</Notice>
      </AuthLayout>
    )
  }
  const titleKey = `auth.confirm.title.${link.type === 'email' ? 'signup' : link.type}` as MessageKey
  return (
    <AuthLayout title={t(titleKey)} subtitle={result?.error ? undefined : t('auth.confirm.body')}>
      {result?.error ? (
        <div className="space-y-4">
          <Notice tone="error">{t(result.error)}</Notice>
          <div className="flex flex-col gap-2">
            <Link to="/login" className={buttonClass('secondary', 'w-full')}>
              {t('auth.login.magicTitle')}
            </Link>
            <Link to="/forgot-password" className={buttonClass('ghost', 'w-full')}>
              {t('auth.login.forgot')}
            </Link>
          </div>
        </div>
      ) : (
        <Form method="post">
          <input type="hidden" name="token_hash" value={link.token_hash} />
          <input type="hidden" name="type" value={link.type} />
          <Button type="submit" className="w-full" disabled={busy}>
            {t('auth.confirm.submit')}
          </Button>
        </Form>
      )}
    </AuthLayout>
  )
}
