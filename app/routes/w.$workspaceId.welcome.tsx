// The onboarding wizard for a new writer: 1. create a book → 2. add an AI key (or use the
// platform's, or skip) → 3. test the connection and choose the models → the book's first
// chapter. The step is derived on the server from public.onboarding_progress and what exists,
// so it resumes where it was left; finishing or "skip the setup" closes it for good.
// Step 1 is the workspace home's create-book logic, step 2 the AI settings' save logic and form
// pieces, step 3 the same Test connection (the ai-models Edge Function). Keys follow the
// settings page's rules: Vault only, never in a response. See docs/decisions/022-onboarding.md.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { ApiKeyField, BaseUrlField, ProviderKindField } from '~/components/ai/provider-fields.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { Button } from '~/components/ui/button.tsx'
import { Field } from '~/components/ui/field.tsx'
import { Notice } from '~/components/ui/notice.tsx'
import { SelectField } from '~/components/ui/select-field.tsx'
import { AiProviderError, getAiOverview, saveProvider, saveProviderFields } from '~/modules/ai/providers.server.ts'
import { DEFAULT_CHAT_MODEL, DEFAULT_EMBED_MODEL, ProviderFormSchema, type ProviderKind } from '~/modules/ai/schema.ts'
import { testProviderConnection, type TestResult } from '~/modules/ai/test-connection.server.ts'
import { createBook } from '~/modules/books/books.server.ts'
import { BOOK_LANGUAGES, BOOK_TITLE_MAX, BookFormSchema } from '~/modules/books/schema.ts'
import {
  dismissOnboarding,
  finishOnboarding,
  firstChapterId,
  getOnboardingState,
  lockOnboarding,
  recordBook,
  recordKeyStep,
  type OnboardingState,
} from '~/modules/onboarding/onboarding.server.ts'
import { WorkspaceIdSchema } from '~/modules/workspaces/schema.ts'
import { getWorkspace } from '~/modules/workspaces/workspaces.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'
import { parseForm, type FieldErrors } from '~/utils/forms.ts'
import { useLocale, useT, type MessageKey } from '~/utils/i18n.ts'
import { readFormData } from '~/utils/request-body.server.ts'


const wizardPath = (workspaceId: string) => `/w/${workspaceId}/welcome`

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  const data = await withUser(claims, async (tx) => {
    const workspace = await getWorkspace({ tx, workspaceId: workspaceId.data })
    if (!workspace) return null
    const state = await getOnboardingState({ tx, workspaceId: workspace.id })
    if (state.closed) return { closed: true as const, workspaceId: workspace.id }
    const ai = await getAiOverview({ tx, workspaceId: workspace.id })
    const provider = ai.provider
      ? { kind: ai.provider.kind, baseUrl: ai.provider.baseUrl, chatModel: ai.provider.chatModel, embedModel: ai.provider.embedModel, keyLast4: ai.provider.keyLast4 }
      : null
    return { closed: false as const, workspaceId: workspace.id, workspaceName: workspace.name, state, canManage: ai.canManage, provider, status: ai.status }
  })
  if (!data) throw new Response('Not found', { status: 404, headers })
  // Finished or dismissed: never shown again.
  if (data.closed) throw redirect(`/w/${data.workspaceId}`, { headers })
  return json(data, { headers })
}

type ActionResult =
  | { status: 'tested'; test: TestResult; error: null; fieldErrors: null; values: null }
  | { status: 'invalid'; error: MessageKey | null; fieldErrors: FieldErrors | null; values: Record<string, string> | null }

function refused(status: number, error: MessageKey | null, headers: Headers, fieldErrors: FieldErrors | null = null, values: Record<string, string> | null = null) {
  return json<ActionResult>({ status: 'invalid', error, fieldErrors, values }, { status, headers })
}

const INTENTS = ['book', 'key', 'platform', 'skip-key', 'test', 'models', 'finish', 'dismiss'] as const
type Intent = (typeof INTENTS)[number]
/** The step each intent belongs to: asking out of order is a 409, not a silent jump. */
const STEP_OF: Record<Exclude<Intent, 'dismiss'>, 1 | 2 | 3> = { book: 1, key: 2, platform: 2, 'skip-key': 2, test: 3, models: 3, finish: 3 }

export async function action({ request, params }: ActionFunctionArgs) {
  const auth = await requireUser(request)
  const { claims, headers } = auth
  const workspaceId = WorkspaceIdSchema.safeParse(params.workspaceId)
  if (!workspaceId.success) throw new Response('Not found', { status: 404, headers })
  const formData = await readFormData(request)
  const intent = formData.get('intent')
  if (typeof intent !== 'string' || !(INTENTS as readonly string[]).includes(intent)) return refused(400, 'onboarding.error.intent', headers)

  const context = await withUser(claims, async (tx) => {
    const workspace = await getWorkspace({ tx, workspaceId: workspaceId.data })
    if (!workspace) return null
    return { workspace, state: await getOnboardingState({ tx, workspaceId: workspace.id }), ai: await getAiOverview({ tx, workspaceId: workspace.id }) }
  })
  if (!context) throw new Response('Not found', { status: 404, headers })
  const { workspace, state, ai } = context
  const home = `/w/${workspace.id}`

  if (intent === 'dismiss') {
    await withUser(claims, (tx) => dismissOnboarding({ tx, workspaceId: workspace.id }))
    throw redirect(home, { headers })
  }
  if (state.closed) throw redirect(home, { headers })
  if (STEP_OF[intent as Exclude<Intent, 'dismiss'>] !== state.step) return refused(409, 'onboarding.error.order', headers)

  switch (intent as Exclude<Intent, 'dismiss'>) {
    case 'book': {
      const form = parseForm(BookFormSchema, formData)
      if (!form.ok) return refused(400, null, headers, form.fieldErrors, form.values)
      await withUser(claims, async (tx) => {
        // The same submission twice at once: the second finds step 1 done and just shows step 2.
        await lockOnboarding({ tx })
        const now = await getOnboardingState({ tx, workspaceId: workspace.id })
        if (now.closed || now.step !== 1) return
        const created = await createBook({ tx, workspaceId: workspace.id, input: form.data })
        await recordBook({ tx, workspaceId: workspace.id, bookId: created.bookId })
      })
      throw redirect(wizardPath(workspace.id), { headers })
    }
    case 'key': {
      if (!ai.canManage) return refused(403, 'onboarding.key.askOwner', headers)
      // The models are chosen in step 3; until then the provider keeps its own or the defaults.
      const withModels = new FormData()
      for (const name of ['kind', 'baseUrl', 'apiKey']) withModels.set(name, String(formData.get(name) ?? ''))
      withModels.set('chatModel', ai.provider?.chatModel ?? DEFAULT_CHAT_MODEL)
      withModels.set('embedModel', ai.provider?.embedModel ?? DEFAULT_EMBED_MODEL)
      const form = parseForm(ProviderFormSchema, withModels)
      const values = { kind: String(formData.get('kind') ?? ''), baseUrl: String(formData.get('baseUrl') ?? '') }
      if (!form.ok) return refused(400, null, headers, form.fieldErrors, values)
      // A key is what this step is for, unless one is stored already.
      if (form.data.apiKey === null && !ai.provider?.keyLast4) return refused(400, null, headers, { apiKey: 'ai.providers.error.keyRequired' }, values)
      try {
        await saveProvider({ claims, workspaceId: workspace.id, form: form.data })
      } catch (error) {
        if (error instanceof AiProviderError) return refused(error.status, error.messageKey, headers, null, values)
        throw error
      }
      await withUser(claims, (tx) => recordKeyStep({ tx, keyStep: 'saved' }))
      throw redirect(wizardPath(workspace.id), { headers })
    }
    case 'platform': {
      if (!ai.status?.platformAllowed) return refused(409, 'onboarding.platform.notAllowed', headers)
      await withUser(claims, (tx) => recordKeyStep({ tx, keyStep: 'platform' }))
      throw redirect(wizardPath(workspace.id), { headers })
    }
    case 'skip-key': {
      await withUser(claims, (tx) => recordKeyStep({ tx, keyStep: 'skipped' }))
      throw redirect(wizardPath(workspace.id), { headers })
    }
    case 'test': {
      if (!ai.canManage) return refused(403, 'workspace.error.forbidden', headers)
      const outcome = await testProviderConnection(auth.supabase, workspace.id)
      if (!outcome.ok) return refused(outcome.status, outcome.error, headers)
      return json<ActionResult>({ status: 'tested', test: outcome.test, error: null, fieldErrors: null, values: null }, { headers })
    }
    case 'models': {
      if (!ai.canManage) return refused(403, 'workspace.error.forbidden', headers)
      const provider = ai.provider
      if (!provider) return refused(409, 'ai.providers.error.noProvider', headers)
      const withConnection = new FormData()
      withConnection.set('kind', provider.kind)
      withConnection.set('baseUrl', provider.baseUrl)
      withConnection.set('chatModel', String(formData.get('chatModel') ?? ''))
      withConnection.set('embedModel', String(formData.get('embedModel') ?? ''))
      const form = parseForm(ProviderFormSchema, withConnection)
      if (!form.ok) return refused(400, null, headers, form.fieldErrors, { chatModel: String(formData.get('chatModel') ?? ''), embedModel: String(formData.get('embedModel') ?? '') })
      const { apiKey: _none, ...fields } = form.data
      await withUser(claims, (tx) => saveProviderFields({ tx, workspaceId: workspace.id, form: fields }))
      return finish(claims, workspace.id, state, headers)
    }
    case 'finish':
      return finish(claims, workspace.id, state, headers)
  }
}

async function finish(claims: Parameters<typeof withUser>[0], workspaceId: string, state: OnboardingState, headers: Headers): Promise<never> {
  const bookId = state.closed ? null : state.bookId
  const chapterId = await withUser(claims, async (tx) => {
    await finishOnboarding({ tx })
    return bookId ? firstChapterId({ tx, bookId }) : null
  })
  if (bookId && chapterId) throw redirect(`/w/${workspaceId}/b/${bookId}/c/${chapterId}`, { headers })
  throw redirect(`/w/${workspaceId}`, { headers })
}

type LoaderData = Extract<Awaited<ReturnType<Awaited<ReturnType<typeof loader>>['json']>>, { closed: false }>

export default function OnboardingWizard() {
  const t = useT()
  const data = useLoaderData<typeof loader>() as unknown as LoaderData
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const state = data.state as Extract<OnboardingState, { closed: false }>
  const steps: MessageKey[] = ['onboarding.step.book', 'onboarding.step.key', 'onboarding.step.model']
  return (
    <div className="mx-auto max-w-2xl space-y-8">
      <div>
        <p className="text-sm font-medium text-violet-brand">{t('onboarding.kicker')}</p>
        <h1 className="mt-1 font-serif text-3xl font-semibold text-indigo-brand">{t('onboarding.title')}</h1>
        <p className="mt-2 text-sm leading-6 text-slate-600">{t('onboarding.intro')}</p>
      </div>
      <ol className="grid grid-cols-3 gap-2" aria-label={t('onboarding.progress')}>
        {steps.map((key, index) => {
          const number = index + 1
          const done = number < state.step
          // A skipped key is behind the writer but not done: it says so instead of a check mark.
          const skipped = done && number === 2 && state.keyStep === 'skipped'
          const current = number === state.step
          return (
            <li key={key} aria-current={current ? 'step' : undefined} className="space-y-2">
              <span className={`block h-1.5 rounded-full ${done || current ? 'bg-violet-brand' : 'bg-slate-200'}`} aria-hidden />
              <span className={`flex items-center gap-2 text-sm ${current ? 'font-semibold text-indigo-brand' : done ? 'text-slate-700' : 'text-slate-500'}`}>
                <span
                  aria-hidden
                  className={`inline-flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${skipped ? 'bg-slate-200 text-slate-600' : done ? 'bg-mint-brand text-indigo-brand' : current ? 'bg-violet-brand text-white' : 'bg-slate-200 text-slate-600'}`}
                >
                  {skipped ? '–' : done ? '✓' : number}
                </span>
                <span>
                  {t(key)}
                  {skipped ? <span className="text-xs text-slate-500"> · {t('onboarding.progress.skipped')}</span> : null}
                  {done && !skipped ? <span className="sr-only"> ({t('onboarding.progress.done')})</span> : null}
                </span>
              </span>
            </li>
          )
        })}
      </ol>
      <section className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:p-8" aria-labelledby="wizard-step-title">
        <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t('onboarding.stepOf', { step: state.step, total: 3 })}</p>
        {result?.status === 'invalid' && result.error ? (
          <div className="mt-4">
            <Notice tone="error">{t(result.error)}</Notice>
          </div>
        ) : null}
        {state.step === 1 ? <BookStep result={result} busy={busy} /> : null}
        {state.step === 2 ? <KeyStep data={data} result={result} busy={busy} /> : null}
        {state.step === 3 ? <ModelStep data={data} state={state} result={result} busy={busy} /> : null}
      </section>
      <Form method="post" className="text-center">
        <input type="hidden" name="intent" value="dismiss" />
        <button type="submit" disabled={busy} className="text-sm text-slate-500 underline-offset-2 hover:text-indigo-brand hover:underline">
          {t('onboarding.dismiss')}
        </button>
        <p className="mt-1 text-xs text-slate-400">{t('onboarding.dismiss.hint')}</p>
      </Form>
    </div>
  )
}

type StepProps = { result: ActionResult | undefined; busy: boolean }

function BookStep({ result, busy }: StepProps) {
  const t = useT()
  const locale = useLocale()
  const errors = result?.status === 'invalid' ? result.fieldErrors : null
  const values = result?.status === 'invalid' ? result.values : null
  return (
    <Form method="post" noValidate className="mt-2 space-y-4">
      <h2 id="wizard-step-title" className="font-serif text-2xl font-semibold text-indigo-brand">
        {t('onboarding.book.title')}
      </h2>
      <p className="text-sm leading-6 text-slate-600">{t('onboarding.book.body')}</p>
      <input type="hidden" name="intent" value="book" />
      <Field label={t('book.field.title')} name="title" maxLength={BOOK_TITLE_MAX} defaultValue={values?.title} error={errors?.title ? t(errors.title, { max: BOOK_TITLE_MAX }) : undefined} required autoFocus />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField label={t('book.field.language')} name="language" defaultValue={values?.language ?? locale} options={BOOK_LANGUAGES.map((l) => ({ value: l, label: t(`book.language.${l}`) }))} />
        <Field label={t('book.field.genre')} name="genre" maxLength={80} defaultValue={values?.genre} error={errors?.genre ? t(errors.genre, { max: 80 }) : undefined} />
      </div>
      <Button type="submit" disabled={busy}>
        {t('onboarding.book.submit')}
      </Button>
    </Form>
  )
}

function KeyStep({ data, result, busy }: StepProps & { data: LoaderData }) {
  const t = useT()
  const errors = result?.status === 'invalid' ? result.fieldErrors : null
  const values = result?.status === 'invalid' ? result.values : null
  const [kind, setKind] = useState<ProviderKind>((values?.kind as ProviderKind | undefined) || data.provider?.kind || 'openai')
  const fieldError = (name: string) => (errors?.[name] ? t(errors[name]) : undefined)
  const platformAllowed = Boolean(data.status?.platformAllowed)
  const skip = (
    <Form method="post">
      <input type="hidden" name="intent" value="skip-key" />
      {/* For a writer who cannot add a key, going on is the main action. */}
      <Button type="submit" variant={data.canManage ? 'secondary' : 'primary'} disabled={busy}>
        {data.canManage ? t('onboarding.key.skip') : t('onboarding.key.continue')}
      </Button>
    </Form>
  )
  if (!data.canManage) {
    return (
      <div className="mt-2 space-y-4">
        <h2 id="wizard-step-title" className="font-serif text-2xl font-semibold text-indigo-brand">
          {t('onboarding.key.title')}
        </h2>
        <Notice>{t('onboarding.key.askOwner')}</Notice>
        <p className="text-sm leading-6 text-slate-600">{aiStatusLine(data, t)}</p>
        {skip}
      </div>
    )
  }
  return (
    <div className="mt-2 space-y-5">
      <h2 id="wizard-step-title" className="font-serif text-2xl font-semibold text-indigo-brand">
        {t('onboarding.key.title')}
      </h2>
      <p className="text-sm leading-6 text-slate-600">{t('onboarding.key.body')}</p>
      <Form method="post" noValidate className="grid gap-4 sm:grid-cols-2">
        <input type="hidden" name="intent" value="key" />
        <ProviderKindField kind={kind} onChange={setKind} className="sm:col-span-2" />
        <BaseUrlField kind={kind} defaultValue={values?.baseUrl ?? data.provider?.baseUrl ?? ''} error={fieldError('baseUrl')} className="sm:col-span-2" />
        <div className="sm:col-span-2">
          {data.provider?.keyLast4 ? (
            <p className="mb-2 text-sm text-slate-600" data-testid="stored-key">
              {t('onboarding.key.stored', { last4: data.provider.keyLast4 })}
            </p>
          ) : null}
          <ApiKeyField keyLast4={data.provider?.keyLast4} error={fieldError('apiKey')} />
        </div>
        <div className="sm:col-span-2">
          <Button type="submit" disabled={busy}>
            {t('onboarding.key.submit')}
          </Button>
        </div>
      </Form>
      {platformAllowed ? (
        <Form method="post" className="flex flex-wrap items-center justify-between gap-3 rounded-xl bg-violet-50 p-4 ring-1 ring-inset ring-violet-200">
          <input type="hidden" name="intent" value="platform" />
          <p className="text-sm leading-6 text-indigo-brand">{t('onboarding.platform.body', { plan: t(`workspace.plan.${data.status!.plan}`) })}</p>
          <Button type="submit" variant="secondary" disabled={busy}>
            {t('onboarding.platform.submit')}
          </Button>
        </Form>
      ) : null}
      <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
        {skip}
        <span className="text-xs text-slate-500">{t('onboarding.key.skipHint')}</span>
      </div>
    </div>
  )
}

function aiStatusLine(data: LoaderData, t: ReturnType<typeof useT>): string {
  const status = data.status
  if (status?.hasOwnProvider && status.ownKeySet) return t('ai.providers.status.own')
  if (status?.platformAllowed) return t('ai.providers.status.platform')
  return t('ai.providers.status.none')
}

/** Embedding models first for the embedding field, the others first for the chat field. */
function ordered(models: string[], embedding: boolean): string[] {
  const isEmbed = (id: string) => /embed/i.test(id)
  return [...models.filter((id) => isEmbed(id) === embedding), ...models.filter((id) => isEmbed(id) !== embedding)]
}

function ModelStep({ data, state, result, busy }: StepProps & { data: LoaderData; state: Extract<OnboardingState, { closed: false }> }) {
  const t = useT()
  const testing = useNavigation().formData?.get('intent') === 'test'
  const canChoose = data.canManage && state.keyStep === 'saved' && Boolean(data.provider)
  const test = result?.status === 'tested' ? result.test : null
  const errors = result?.status === 'invalid' ? result.fieldErrors : null
  const chatModel = data.provider?.chatModel ?? DEFAULT_CHAT_MODEL
  const embedModel = data.provider?.embedModel ?? DEFAULT_EMBED_MODEL
  const finishButton = (label: MessageKey, variant: 'primary' | 'secondary') => (
    <Form method="post">
      <input type="hidden" name="intent" value="finish" />
      <Button type="submit" variant={variant} disabled={busy}>
        {t(label, { title: state.bookTitle ?? '' })}
      </Button>
    </Form>
  )
  if (!canChoose) {
    const body: MessageKey = state.keyStep === 'platform' ? 'onboarding.model.platform' : !data.canManage ? 'onboarding.model.writer' : 'onboarding.model.skipped'
    return (
      <div className="mt-2 space-y-4">
        <h2 id="wizard-step-title" className="font-serif text-2xl font-semibold text-indigo-brand">
          {t('onboarding.model.title')}
        </h2>
        <p className="text-sm leading-6 text-slate-600">{t(body)}</p>
        {finishButton('onboarding.finish', 'primary')}
      </div>
    )
  }
  return (
    <div className="mt-2 space-y-5">
      <h2 id="wizard-step-title" className="font-serif text-2xl font-semibold text-indigo-brand">
        {t('onboarding.model.title')}
      </h2>
      <p className="text-sm leading-6 text-slate-600">{t('onboarding.model.body')}</p>
      <dl className="grid gap-3 rounded-xl bg-slate-50 p-4 text-sm ring-1 ring-inset ring-slate-200 sm:grid-cols-2">
        <div>
          <dt className="text-slate-500">{t('ai.providers.chatModel')}</dt>
          <dd className="font-mono text-indigo-brand">{chatModel}</dd>
        </div>
        <div>
          <dt className="text-slate-500">{t('ai.providers.embedModel')}</dt>
          <dd className="font-mono text-indigo-brand">{embedModel}</dd>
        </div>
      </dl>
      {test ? (
        <Form method="post" className="space-y-4" data-testid="choose-models">
          <Notice tone="success">{test.models.length ? t('ai.test.ok', { count: String(test.models.length) }) : t('ai.test.empty')}</Notice>
          {test.models.length ? (
            <>
              <input type="hidden" name="intent" value="models" />
              <div className="grid gap-4 sm:grid-cols-2">
                <SelectField label={t('ai.providers.chatModel')} name="chatModel" defaultValue={test.models.includes(chatModel) ? chatModel : undefined} options={ordered(test.models, false).map((id) => ({ value: id, label: id }))} />
                <SelectField label={t('ai.providers.embedModel')} name="embedModel" defaultValue={test.models.includes(embedModel) ? embedModel : undefined} options={ordered(test.models, true).map((id) => ({ value: id, label: id }))} />
              </div>
              <Button type="submit" disabled={busy}>
                {t('onboarding.model.save')}
              </Button>
            </>
          ) : null}
        </Form>
      ) : (
        <Form method="post" className="flex flex-wrap items-center gap-3">
          <input type="hidden" name="intent" value="test" />
          <Button type="submit" disabled={busy}>
            {testing ? t('ai.test.testing') : t('ai.providers.testConnection')}
          </Button>
          <span className="text-xs text-slate-500">{t('onboarding.model.testHint')}</span>
        </Form>
      )}
      {errors ? <Notice tone="error">{Object.values(errors).map((key) => t(key)).join(' ')}</Notice> : null}
      {result?.status === 'invalid' && result.error?.startsWith('ai.test.') ? <p className="text-sm text-slate-600">{t('onboarding.model.testFailedHint')}</p> : null}
      <div className="border-t border-slate-100 pt-4">{finishButton('onboarding.model.keep', 'secondary')}</div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

