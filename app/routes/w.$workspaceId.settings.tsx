import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useRouteLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { NAME_MAX } from '~/modules/auth/schema.ts'
import { canManageWorkspace, WorkspaceFormSchema, WorkspaceIdSchema } from '~/modules/workspaces/schema.ts'
import { renameWorkspace } from '~/modules/workspaces/workspaces.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { parseForm } from '~/utils/forms.ts'
import { useT, type MessageKey } from '~/utils/i18n.ts'
import type { loader as workspaceLoader } from './w.$workspaceId.tsx'

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireUser(request)
  return json(null, { headers })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  const form = parseForm(WorkspaceFormSchema, await readFormData(request))
  if (!form.ok) return json({ status: 'invalid' as const, error: form.fieldErrors.name ?? form.fieldErrors.form }, { status: 400, headers })
  const renamed = await withUser(claims, (tx) => renameWorkspace({ tx, workspaceId: workspaceId.data, name: form.data.name }))
  if (!renamed) return json({ status: 'invalid' as const, error: 'workspace.error.forbidden' as MessageKey }, { status: 403, headers })
  return json({ status: 'saved' as const, error: null }, { headers })
}

export default function WorkspaceSettings() {
  const t = useT()
  const parent = useRouteLoaderData<typeof workspaceLoader>('routes/w.$workspaceId')
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  if (!parent) return null
  const { workspace } = parent
  const allowed = canManageWorkspace(workspace.role)
  return (
    <div className="max-w-xl space-y-6">
      <h1 className="font-serif text-3xl font-semibold">{t('workspace.settings.title')}</h1>
      {result?.status === 'saved' ? <Notice tone="success">{t('workspace.settings.saved')}</Notice> : null}
      {result?.error === 'workspace.error.forbidden' ? <Notice tone="error">{t(result.error)}</Notice> : null}
      {allowed ? null : <Notice>{t('workspace.settings.onlyAdmins')}</Notice>}
      <Form method="post" className="space-y-4 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200" noValidate>
        <Field
          label={t('workspace.settings.name')}
          name="name"
          defaultValue={workspace.name}
          maxLength={NAME_MAX}
          disabled={!allowed}
          error={result?.error && result.error.startsWith('validation.') ? t(result.error, { max: NAME_MAX }) : undefined}
          required
        />
        <Button type="submit" disabled={!allowed || busy}>
          {t('workspace.settings.submit')}
        </Button>
      </Form>
      <p className="text-sm">
        <Link to="ai" className="font-semibold text-violet-brand hover:underline">
          {t('ai.providers.link')} →
        </Link>
      </p>
      <p className="text-sm">
        <Link to="../usage" relative="path" className="font-semibold text-violet-brand hover:underline">
          {t('usage.nav')} →
        </Link>
      </p>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
