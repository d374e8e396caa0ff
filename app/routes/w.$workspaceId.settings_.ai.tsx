// Settings → AI provider (owners and admins): the workspace's own OpenAI or OpenAI-compatible
// provider, its write-only key (only "•••• 1234" ever comes back), delete with confirmation,
// and the change log. Writers see whether AI is available and why they cannot change it.
// The key passes through this action once and goes straight to Vault; it is never put in a
// response, not even when the form is refused. "Test connection" (intent=test) asks the
// ai-models Edge Function, as the signed-in user, for the models of the SAVED provider: the
// key is only decrypted there, the app server never calls the provider (decision 013).
// See docs/decisions/015-ai-providers.md.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import type { SupabaseClient } from '@supabase/supabase-js'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { ApiKeyField, BaseUrlField, ProviderKindField } from '~/components/ai/provider-fields.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { testProviderConnection, type TestResult } from '~/modules/ai/test-connection.server.ts'
import { AiProviderError, deleteProvider, getAiSettings, saveProvider, type AiSettings, type AuditEntry } from '~/modules/ai/providers.server.ts'
import { DEFAULT_CHAT_MODEL, DEFAULT_EMBED_MODEL, MODEL_MAX, ProviderFormSchema, type ProviderKind } from '~/modules/ai/schema.ts'
import { canManageWorkspace, WorkspaceIdSchema } from '~/modules/workspaces/schema.ts'
import { getWorkspace } from '~/modules/workspaces/workspaces.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { parseForm, type FieldErrors } from '~/utils/forms.ts'
import { useLocale, useT, type MessageKey, type Translate } from '~/utils/i18n.ts'
import { readFormData } from '~/utils/request-body.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  const settings = await withUser(claims, async (tx) => {
    if (!(await getWorkspace({ tx, workspaceId: workspaceId.data }))) return null
    return getAiSettings({ tx, workspaceId: workspaceId.data })
  })
  if (!settings) throw new Response('Not found', { status: 404, headers })
  return json({ settings }, { headers })
}

type ActionResult =
  | { status: 'tested'; test: TestResult; keyLast4: null; error: null; fieldErrors: null; values: null }
  | { status: 'saved'; keyLast4: string | null; error: null; fieldErrors: null; values: null }
  | { status: 'deleted'; keyLast4: null; error: null; fieldErrors: null; values: null }
  | { status: 'invalid'; keyLast4: null; error: MessageKey | null; fieldErrors: FieldErrors | null; values: Record<string, string> | null }

function refused(status: number, error: MessageKey, headers: Headers, fieldErrors: FieldErrors | null = null, values: Record<string, string> | null = null) {
  return json<ActionResult>({ status: 'invalid', keyLast4: null, error, fieldErrors, values }, { status, headers })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const auth = await requireUser(request)
  const { claims, headers } = auth
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  const formData = await readFormData(request)
  const workspace = await withUser(claims, (tx) => getWorkspace({ tx, workspaceId: workspaceId.data }))
  if (!workspace) throw new Response('Not found', { status: 404, headers })
  if (!canManageWorkspace(workspace.role)) return refused(403, 'workspace.error.forbidden', headers)

  if (formData.get('intent') === 'test') return testConnection(auth.supabase, workspace.id, headers)

  try {
    if (formData.get('intent') === 'delete') {
      const deleted = await withUser(claims, (tx) => deleteProvider({ tx, workspaceId: workspace.id }))
      if (!deleted) return refused(404, 'ai.providers.error.noProvider', headers)
      return json<ActionResult>({ status: 'deleted', keyLast4: null, error: null, fieldErrors: null, values: null }, { headers })
    }

    const form = parseForm(ProviderFormSchema, formData)
    if (!form.ok) {
      // The typed values come back to fill the form again — except the key, which never does.
      const { apiKey: _key, ...values } = form.values
      return refused(400, 'validation.invalidForm', headers, form.fieldErrors, values)
    }
    const { keyLast4 } = await saveProvider({ claims, workspaceId: workspace.id, form: form.data })
    return json<ActionResult>({ status: 'saved', keyLast4, error: null, fieldErrors: null, values: null }, { headers })
  } catch (error) {
    if (error instanceof AiProviderError) return refused(error.status, error.messageKey, headers)
    throw error
  }
}

async function testConnection(supabase: SupabaseClient, workspaceId: string, headers: Headers) {
  const outcome = await testProviderConnection(supabase, workspaceId)
  if (!outcome.ok) return refused(outcome.status, outcome.error, headers)
  return json<ActionResult>({ status: 'tested', test: outcome.test, keyLast4: null, error: null, fieldErrors: null, values: null }, { headers })
}

export default function AiProviderSettings() {
  const t = useT()
  const { settings } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="max-w-2xl space-y-8">
      <div>
        <p className="text-sm">
          <Link to=".." relative="path" className="text-violet-brand hover:underline">
            ← {t('workspace.settings.title')}
          </Link>
        </p>
        <h1 className="mt-2 font-serif text-3xl font-semibold text-indigo-brand">{t('ai.providers.title')}</h1>
        <p className="mt-2 text-sm leading-6 text-slate-600">{t('ai.providers.intro')}</p>
      </div>
      {result?.status === 'saved' ? (
        <Notice tone="success">{result.keyLast4 ? t('ai.providers.keySaved', { last4: result.keyLast4 }) : t('ai.providers.saved')}</Notice>
      ) : null}
      {result?.status === 'deleted' ? <Notice tone="success">{t('ai.providers.deleted')}</Notice> : null}
      {result?.status === 'tested' ? <TestOutcome test={result.test} settings={settings} /> : null}
      {result?.status === 'invalid' && result.error ? <Notice tone="error">{t(result.error)}</Notice> : null}
      <StatusNotice settings={settings} t={t} />
      {settings.canManage ? <ManageProvider settings={settings} result={result} busy={busy} /> : <Notice>{t('ai.providers.onlyAdmins')}</Notice>}
    </div>
  )
}

function StatusNotice({ settings, t }: { settings: AiSettings; t: Translate }) {
  const status = settings.status
  if (!status) return null
  const message: MessageKey = status.hasOwnProvider
    ? status.ownKeySet
      ? 'ai.providers.status.own'
      : 'ai.providers.status.ownNoKey'
    : status.platformAllowed
      ? 'ai.providers.status.platform'
      : 'ai.providers.status.none'
  return <p className="text-sm font-medium text-indigo-brand">{t(message)}</p>
}

function ManageProvider({ settings, result, busy }: { settings: AiSettings; result: ActionResult | undefined; busy: boolean }) {
  const t = useT()
  const provider = settings.provider
  const errors = result?.status === 'invalid' ? result.fieldErrors : null
  const values = result?.status === 'invalid' ? result.values : null
  const [kind, setKind] = useState<ProviderKind>((values?.kind as ProviderKind | undefined) ?? provider?.kind ?? 'openai')
  const fieldError = (name: string) => (errors?.[name] ? t(errors[name]) : undefined)
  const testing = useNavigation().formData?.get('intent') === 'test'
  // After a successful test the model fields suggest the models the key can use.
  const models = result?.status === 'tested' ? result.test.models : null
  return (
    <>
      <Form method="post" noValidate className="grid gap-4 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2" key={provider?.updatedAt ?? 'new'}>
        <ProviderKindField kind={kind} onChange={setKind} className="sm:col-span-2" />
        <BaseUrlField kind={kind} defaultValue={values?.baseUrl ?? provider?.baseUrl ?? ''} error={fieldError('baseUrl')} className="sm:col-span-2" />
        <Field
          label={t('ai.providers.chatModel')}
          name="chatModel"
          defaultValue={values?.chatModel ?? provider?.chatModel ?? DEFAULT_CHAT_MODEL}
          placeholder="gpt-4o-mini"
          maxLength={MODEL_MAX}
          list={models ? MODELS_LIST_ID : undefined}
          autoComplete="off"
          error={fieldError('chatModel')}
          required
        />
        <Field
          label={t('ai.providers.embedModel')}
          name="embedModel"
          defaultValue={values?.embedModel ?? provider?.embedModel ?? DEFAULT_EMBED_MODEL}
          placeholder="text-embedding-3-small"
          maxLength={MODEL_MAX}
          list={models ? MODELS_LIST_ID : undefined}
          autoComplete="off"
          error={fieldError('embedModel')}
          required
        />
        <div className="sm:col-span-2">
          <p className="text-sm text-slate-600" data-testid="stored-key">
            {provider?.keyLast4 ? t('ai.providers.key.stored', { last4: provider.keyLast4 }) : t('ai.providers.key.none')}
          </p>
          <ApiKeyField keyLast4={provider?.keyLast4} error={fieldError('apiKey')} className="mt-2" />
        </div>
        <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
          <Button type="submit" disabled={busy}>
            {t('ai.providers.save')}
          </Button>
          {/* Tests the SAVED provider through the ai-models Edge Function (decision 013: the
              key is only decrypted there); the app server never calls the provider. */}
          {provider?.keyLast4 ? (
            <>
              <button
                type="submit"
                name="intent"
                value="test"
                disabled={busy}
                className="rounded-lg px-4 py-2.5 text-sm font-semibold text-indigo-brand ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-60"
              >
                {testing ? t('ai.test.testing') : t('ai.providers.testConnection')}
              </button>
              <span className="text-xs text-slate-500">{t('ai.test.hint')}</span>
            </>
          ) : null}
        </div>
        {models ? (
          <datalist id={MODELS_LIST_ID}>
            {models.map((id) => (
              <option key={id} value={id} />
            ))}
          </datalist>
        ) : null}
      </Form>

      {provider ? (
        <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-rose-200">
          <details className="group">
            <summary className="inline-flex cursor-pointer list-none rounded-lg px-3 py-2 text-sm font-semibold text-rose-700 ring-1 ring-inset ring-rose-200 hover:bg-rose-50 [&::-webkit-details-marker]:hidden">
              {t('ai.providers.delete.ask')}
            </summary>
            <p className="mt-3 text-sm leading-6 text-slate-600">{t('ai.providers.delete.body')}</p>
            <Form method="post" className="mt-3">
              <input type="hidden" name="intent" value="delete" />
              <button type="submit" disabled={busy} className="rounded-lg bg-rose-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-rose-700 disabled:opacity-60">
                {t('ai.providers.delete.confirm')}
              </button>
            </Form>
          </details>
        </section>
      ) : null}

      <AuditLog entries={settings.audit} />
    </>
  )
}

const MODELS_LIST_ID = 'ai-provider-models'

function TestOutcome({ test, settings }: { test: TestResult; settings: AiSettings }) {
  const t = useT()
  const chatModel = settings.provider?.chatModel
  const embedModel = settings.provider?.embedModel
  const missing: string[] = []
  if (chatModel && !test.chatModelFound) missing.push(t('ai.test.chatMissing', { model: chatModel }))
  if (embedModel && !test.embedModelFound) missing.push(t('ai.test.embedMissing', { model: embedModel }))
  return (
    <div className="space-y-3" data-testid="test-connection">
      <Notice tone="success">{test.models.length ? t('ai.test.ok', { count: String(test.models.length) }) : t('ai.test.empty')}</Notice>
      {missing.length ? (
        <Notice tone="info">
          {missing.map((line) => (
            <span key={line} className="block">
              {line}
            </span>
          ))}
          <span className="mt-1 block text-slate-600">{t('ai.test.pickHint')}</span>
        </Notice>
      ) : null}
      {test.models.length ? (
        <details className="rounded-2xl bg-white p-4 text-sm shadow-sm ring-1 ring-slate-200" open={test.models.length <= 30}>
          <summary className="cursor-pointer font-medium text-indigo-brand">
            {t('ai.test.models')} ({test.models.length})
          </summary>
          <ul className="mt-2 flex max-h-64 flex-wrap gap-2 overflow-y-auto">
            {test.models.map((id) => (
              <li key={id} className={`rounded-md px-2 py-1 font-mono text-xs ring-1 ring-inset ${id === chatModel || id === embedModel ? 'bg-emerald-50 text-emerald-900 ring-emerald-200' : 'bg-slate-50 text-slate-700 ring-slate-200'}`}>
                {id}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  )
}

function AuditLog({ entries }: { entries: AuditEntry[] }) {
  const t = useT()
  const locale = useLocale()
  const when = (date: string) =>
    new Date(date).toLocaleString(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' })
  return (
    <section className="space-y-3">
      <h2 className="font-serif text-xl font-semibold text-indigo-brand">{t('ai.providers.audit.title')}</h2>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600">{t('ai.providers.audit.empty')}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-2xl bg-white text-sm shadow-sm ring-1 ring-slate-200">
          {entries.map((entry) => (
            <li key={entry.id} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3">
              <span>
                <span className="font-medium text-indigo-brand">{entry.actorName ?? t('ai.providers.audit.someone')}</span>{' '}
                {t(`ai.providers.audit.${entry.action}`, { last4: entry.keyLast4 ?? '' })}
                {entry.changed.length ? <span className="text-slate-500">: {entry.changed.map(fieldLabel(t)).join(', ')}</span> : null}
              </span>
              <time dateTime={entry.createdAt} className="text-xs text-slate-500">
                {when(entry.createdAt)}
              </time>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

const FIELD_LABELS: Record<string, MessageKey> = {
  kind: 'ai.providers.kind',
  base_url: 'ai.providers.baseUrl',
  chat_model: 'ai.providers.chatModel',
  embed_model: 'ai.providers.embedModel',
}

const fieldLabel = (t: Translate) => (field: string) => (FIELD_LABELS[field] ? t(FIELD_LABELS[field]) : field)

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
