import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { AppShell } from '~/components/app-shell.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { NAME_MAX } from '~/modules/auth/schema.ts'
import { WorkspaceFormSchema } from '~/modules/workspaces/schema.ts'
import { createWorkspace, listWorkspaces } from '~/modules/workspaces/workspaces.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { readFormData } from '~/utils/request-body.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { parseForm } from '~/utils/forms.ts'
import { useT } from '~/utils/i18n.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaces = await withUser(claims, (tx) => listWorkspaces({ tx }))
  return json({ workspaces }, { headers })
}

export async function action({ request }: ActionFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const form = parseForm(WorkspaceFormSchema, await readFormData(request))
  if (!form.ok) return json({ error: form.fieldErrors.name ?? form.fieldErrors.form, values: form.values }, { status: 400, headers })
  const id = await withUser(claims, (tx) => createWorkspace({ tx, name: form.data.name }))
  throw redirect(`/w/${id}?notice=created`, { headers })
}

export default function NewWorkspace() {
  const t = useT()
  const { workspaces } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <AppShell workspaces={workspaces}>
      <div className="max-w-xl space-y-6">
        <div>
          <h1 className="font-serif text-3xl font-semibold">{t('workspace.new.title')}</h1>
          <p className="mt-2 text-sm text-slate-600">{t('workspace.new.body')}</p>
        </div>
        <Form method="post" className="space-y-4 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200" noValidate>
          <Field
            label={t('workspace.new.name')}
            name="name"
            maxLength={NAME_MAX}
            defaultValue={result?.values?.name}
            error={result?.error ? t(result.error, { max: NAME_MAX }) : undefined}
            required
          />
          <Button type="submit" disabled={busy}>
            {t('workspace.new.submit')}
          </Button>
        </Form>
      </div>
    </AppShell>
  )
}
