// The editor's AI side panel: Suggest next steps, Critique, Summarize, Ask the book and
// Rewrite / Expand / Shorten a selection. Choosing an action saves the chapter (the function
// reads the saved text) and loads a preview of what will be sent and what it may cost; one
// click sends it; the answer streams in with a Stop button, then shows the real tokens.
// Nothing is ever written into the chapter except a proposal the writer accepts — in one
// undoable transaction. See docs/decisions/020-ai-panel.md.
import { Link, useRevalidator } from '@remix-run/react'
import { useEditorState, type Editor } from '@tiptap/react'
import { closeHistory } from '@tiptap/pm/history'
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react'
import {
  HISTORY_ITEM_MAX,
  HISTORY_MAX_ITEMS,
  isProposalAction,
  maxSelectionChars,
  PROPOSAL_ACTIONS,
  PROPOSAL_SELECTION_MAX,
  QUESTION_MAX,
  SELECTION_MAX,
  citationHref,
  CONTEXT_KINDS,
  type ChatAction,
  type ChatRequest,
  type ChatTurn,
  type Done,
  type Preview,
  type Source,
} from '~/modules/ai/chat-contract.ts'
import { describeChatError, type ChatFailure } from '~/modules/ai/chat-errors.ts'
import type { PanelInfo } from '~/modules/ai/panel.server.ts'
import { plainTextMap, textToParagraphs } from '~/components/editor/plain-text-positions.ts'
import { useLocale, useT, type Locale, type MessageKey } from '~/utils/i18n.ts'
import { Markdown } from './markdown.tsx'
import { followPreview, previewChat, streamChat, type PreviewOutcome } from './chat-client.ts'

export type AiPanelProps = {
  editor: Editor
  /** Saves what the writer typed; false when the chapter cannot be saved now. */
  saveNow: () => Promise<boolean>
  workspaceId: string
  bookId: string
  chapterId: string
  info: PanelInfo
  onClose: () => void
}

type Phase = 'preview' | 'ready' | 'saving' | 'streaming' | 'done' | 'stopped' | 'failed'
type Captured = { text: string; start: number; end: number }
type Run = {
  action: ChatAction
  request: Omit<ChatRequest, 'preview'>
  phase: Phase
  preview: Preview | null
  previewFailure: ChatFailure | null
  text: string
  usage: Done['usage'] | null
  summaryStored: boolean
  failure: ChatFailure | null
  selection: Captured | null
  proposal: 'pending' | 'accepted' | 'rejected' | 'changed'
}
type Turn = ChatTurn & { sources: Source[]; usage: Done['usage'] | null; failure: ChatFailure | null; stopped: boolean; streaming: boolean }

const ACTIONS: { action: ChatAction; hint: MessageKey }[] = [
  { action: 'suggest', hint: 'aiPanel.hint.suggest' },
  { action: 'critique', hint: 'aiPanel.hint.critique' },
  { action: 'summarize', hint: 'aiPanel.hint.summarize' },
  { action: 'ask', hint: 'aiPanel.hint.ask' },
]

export function AiPanel({ editor, saveNow, workspaceId, bookId, chapterId, info, onClose }: AiPanelProps) {
  const t = useT()
  const locale = useLocale()
  const url = `/w/${workspaceId}/b/${bookId}/ai`
  const headingId = useId()
  const [view, setView] = useState<'actions' | 'run' | 'ask'>('actions')
  const [run, setRun] = useState<Run | null>(null)
  const controller = useRef<AbortController | null>(null)
  const firstAction = useRef<HTMLButtonElement>(null)
  // The selection's range, kept in step with every edit while a proposal waits for a decision.
  const range = useRef<{ from: number; to: number } | null>(null)

  const selection = useEditorState({
    editor,
    // Typing moves an empty selection on every keystroke: that must not re-render the panel.
    selector: ({ editor: e }) => {
      const { from, to, empty } = e.state.selection
      return empty ? { from: 0, to: 0, empty } : { from, to, empty }
    },
    equalityFn: (a, b) => a.from === b?.from && a.to === b?.to,
  })

  // Back from a citation in another chapter: the panel reopens on the conversation.
  const askOpenKey = `flowstory:ask-open:${url}`
  useEffect(() => {
    try {
      if (window.sessionStorage.getItem(askOpenKey) === '1') setView('ask')
    } catch {
      // Storage disabled: the panel opens on its actions.
    }
  }, [askOpenKey])
  useEffect(() => {
    try {
      if (view === 'ask') window.sessionStorage.setItem(askOpenKey, '1')
      else window.sessionStorage.removeItem(askOpenKey)
    } catch {
      // Not remembered.
    }
  }, [view, askOpenKey])

  useEffect(() => {
    document.documentElement.classList.add('ai-panel-open')
    firstAction.current?.focus()
    return () => document.documentElement.classList.remove('ai-panel-open')
  }, [])
  // "Back to actions" disappears with the view it belongs to: keep the keyboard in the panel.
  useEffect(() => {
    if (view === 'actions' && focusWasLost()) firstAction.current?.focus()
  }, [view])

  useEffect(() => {
    const onTransaction = ({ transaction }: { transaction: { mapping: { map: (pos: number, assoc?: number) => number } } }) => {
      if (range.current) range.current = { from: transaction.mapping.map(range.current.from, 1), to: transaction.mapping.map(range.current.to, -1) }
    }
    editor.on('transaction', onTransaction)
    return () => {
      editor.off('transaction', onTransaction)
    }
  }, [editor])

  // Leaving the panel or the chapter stops whatever is running.
  useEffect(() => () => controller.current?.abort(), [])

  const revalidator = useRevalidator()
  const update = useCallback((patch: Partial<Run>) => setRun((r) => (r ? { ...r, ...patch } : r)), [])

  function currentSelection(): Captured | null {
    const { from, to, empty } = editor.state.selection
    if (empty) return null
    const map = plainTextMap(editor.state.doc)
    const start = map.toOffset(from)
    const end = map.toOffset(to)
    const text = map.text.slice(start, end)
    return end > start && text.trim() !== '' ? { text, start, end } : null
  }

  function cursorOffset(): number {
    return plainTextMap(editor.state.doc).toOffset(editor.state.selection.head)
  }

  async function choose(action: ChatAction) {
    controller.current?.abort()
    const captured = currentSelection()
    const useSelection = isProposalAction(action) || (action === 'critique' && captured)
    // Nothing (or too much) selected: back to the actions, where the selection box says what to do.
    if ((isProposalAction(action) && !captured) || (captured && useSelection && captured.text.length > maxSelectionChars(action))) {
      back()
      return
    }
    const request: Omit<ChatRequest, 'preview'> = { action, chapterId, cursor: cursorOffset(), ...(useSelection && captured ? { selection: captured } : {}) }
    range.current = useSelection ? { from: editor.state.selection.from, to: editor.state.selection.to } : null
    setRun({ action, request, phase: 'preview', preview: null, previewFailure: null, text: '', usage: null, summaryStored: false, failure: null, selection: useSelection ? captured : null, proposal: 'pending' })
    setView('run')
    const abort = new AbortController()
    controller.current = abort
    if (!(await saveNow())) {
      if (!abort.signal.aborted) update({ phase: 'failed', failure: { kind: 'save_failed' } })
      return
    }
    const outcome = await previewChat(url, request, abort.signal)
    if (abort.signal.aborted) return
    if (outcome.ok) update({ phase: 'ready', preview: outcome.preview })
    else if ('failure' in outcome) update({ phase: 'ready', previewFailure: outcome.failure })
  }

  async function send() {
    if (!run) return
    controller.current?.abort()
    const abort = new AbortController()
    controller.current = abort
    update({ phase: 'saving', failure: null, text: '', usage: null })
    if (!(await saveNow())) {
      if (!abort.signal.aborted) update({ phase: 'failed', failure: { kind: 'save_failed' } })
      return
    }
    update({ phase: 'streaming' })
    let text = ''
    const outcome = await streamChat(url, run.request, {
      signal: abort.signal,
      onContext: (preview) => update({ preview, previewFailure: null }),
      onDelta: (delta) => {
        text += delta
        update({ text })
      },
    })
    if (outcome.status === 'done') {
      update({ phase: 'done', usage: outcome.done.usage, summaryStored: Boolean(outcome.done.summary) })
      // The stored summary comes back through the loader (the editor keeps its own state).
      if (outcome.done.summary) revalidator.revalidate()
    }
    else if (outcome.status === 'stopped') update({ phase: 'stopped' })
    else update({ phase: 'failed', failure: outcome.failure })
  }

  function stop() {
    controller.current?.abort()
  }

  function back() {
    controller.current?.abort()
    range.current = null
    setRun(null)
    setView('actions')
  }

  function accept() {
    if (!run?.selection || !range.current) return
    const { from, to } = range.current
    const map = plainTextMap(editor.state.doc)
    // Replace exactly what was sent: if the writer changed the passage meanwhile, nothing is replaced.
    if (map.text.slice(map.toOffset(from), map.toOffset(to)) !== run.selection.text) {
      update({ proposal: 'changed' })
      return
    }
    const paragraphs = textToParagraphs(run.text)
    if (paragraphs.length === 0) return
    // One paragraph goes in as text (the surrounding paragraph stays whole); several as paragraphs.
    const content = paragraphs.length === 1 ? (paragraphs[0].content ?? []) : paragraphs
    editor
      .chain()
      .command(({ tr }) => {
        // Its own undo step: Ctrl+Z brings back exactly the original passage.
        closeHistory(tr)
        return true
      })
      .insertContentAt({ from, to }, content)
      .run()
    editor.view.dispatch(closeHistory(editor.state.tr))
    editor.commands.focus()
    range.current = null
    update({ proposal: 'accepted' })
  }

  function reject() {
    range.current = null
    update({ proposal: 'rejected' })
  }

  const selectionLength = selection.empty ? 0 : plainTextMap(editor.state.doc).toOffset(selection.to) - plainTextMap(editor.state.doc).toOffset(selection.from)
  // Each action has its own maximum (chat-limits.ts): a proposal's answer is capped, so its
  // selection is shorter than what a critique reads.
  const selectionTooLong = selectionLength > PROPOSAL_SELECTION_MAX
  const tooLongForCritique = selectionLength > SELECTION_MAX
  const tooLong = (max: number) => t('aiPanel.selection.tooLong', { max: max.toLocaleString(locale) })

  return (
    <aside
      id="ai-panel"
      aria-labelledby={headingId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault()
          onClose()
        }
      }}
      className="fixed inset-y-0 right-0 z-30 flex w-full flex-col border-l border-slate-200 bg-white shadow-xl sm:w-[20rem] lg:shadow-none"
    >
      <header className="flex items-center gap-2 border-b border-slate-200 px-4 py-3">
        {view !== 'actions' ? (
          <button type="button" onClick={back} className="rounded-md px-1.5 py-1 text-sm text-violet-brand hover:bg-slate-100" aria-label={t('aiPanel.back')} title={t('aiPanel.back')}>
            ←
          </button>
        ) : null}
        <h2 id={headingId} className="flex-1 font-serif text-lg font-semibold text-indigo-brand">
          {view === 'actions' ? t('aiPanel.title') : t(`aiPanel.action.${view === 'ask' ? 'ask' : (run?.action ?? 'suggest')}`)}
        </h2>
        <button type="button" onClick={onClose} className="rounded-md px-2 py-1 text-lg leading-none text-slate-500 hover:bg-slate-100" aria-label={t('aiPanel.close')} title={t('aiPanel.close')}>
          ×
        </button>
      </header>
      <div className="flex-1 overflow-y-auto px-4 py-4">
        {!info.available ? <Unavailable info={info} workspaceId={workspaceId} /> : null}
        {view === 'actions' ? (
          <div className="space-y-4">
            <ul className="space-y-2">
              {ACTIONS.map(({ action, hint }, i) => (
                <li key={action}>
                  <button
                    ref={i === 0 ? firstAction : undefined}
                    type="button"
                    disabled={!info.available || (action === 'critique' && tooLongForCritique)}
                    onClick={() => (action === 'ask' ? setView('ask') : void choose(action))}
                    className="w-full rounded-xl px-3 py-2.5 text-left ring-1 ring-slate-200 hover:bg-violet-50 hover:ring-violet-brand/40 disabled:opacity-50 disabled:hover:bg-transparent"
                  >
                    <span className="block text-sm font-semibold text-indigo-brand">{t(`aiPanel.action.${action}`)}</span>
                    <span className="mt-0.5 block text-xs text-slate-500">{action === 'critique' && tooLongForCritique ? tooLong(SELECTION_MAX) : action === 'critique' && !selection.empty ? t('aiPanel.hint.critiqueSelection') : t(hint)}</span>
                  </button>
                </li>
              ))}
            </ul>
            <section aria-label={t('aiPanel.selection.label')} className="rounded-xl bg-slate-50 p-3">
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t('aiPanel.selection.label')}</h3>
              <p className="mt-1 text-xs text-slate-500">
                {selection.empty ? t('aiPanel.selection.none') : selectionTooLong ? tooLong(PROPOSAL_SELECTION_MAX) : t('aiPanel.selection.count', { count: selectionLength })}
              </p>
              <div className="mt-2 flex flex-wrap gap-2">
                {PROPOSAL_ACTIONS.map((action) => (
                  <button
                    key={action}
                    type="button"
                    disabled={!info.available || selection.empty || selectionTooLong}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => void choose(action)}
                    className="rounded-lg bg-white px-3 py-1.5 text-sm font-medium text-indigo-brand ring-1 ring-slate-200 hover:bg-violet-50 disabled:opacity-50 disabled:hover:bg-white"
                  >
                    {t(`aiPanel.action.${action}`)}
                  </button>
                ))}
              </div>
            </section>
            {info.summary ? <StoredSummaryCard summary={info.summary} /> : null}
          </div>
        ) : null}
        {view === 'run' && run ? (
          <RunView run={run} locale={locale} workspaceId={workspaceId} bookId={bookId} canManage={info.canManage} onSend={() => void send()} onStop={stop} onAccept={accept} onReject={reject} onAgain={() => void choose(run.action)} storedSummary={run.action === 'summarize' ? info.summary : null} />
        ) : null}
        {view === 'ask' ? <AskView url={url} chapterId={chapterId} saveNow={saveNow} workspaceId={workspaceId} bookId={bookId} canManage={info.canManage} /> : null}
      </div>
    </aside>
  )
}

function Unavailable({ info, workspaceId }: { info: PanelInfo; workspaceId: string }) {
  const t = useT()
  return (
    <div role="status" className="mb-4 rounded-xl bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
      {info.canManage ? (
        <>
          {t('aiPanel.unavailable.manager')} <SettingsLink workspaceId={workspaceId} />
        </>
      ) : (
        t('aiPanel.unavailable.writer')
      )}
    </div>
  )
}

function SettingsLink({ workspaceId }: { workspaceId: string }) {
  const t = useT()
  return (
    <Link to={`/w/${workspaceId}/settings/ai`} className="font-semibold text-violet-brand underline">
      {t('aiPanel.settingsLink')}
    </Link>
  )
}

function StoredSummaryCard({ summary }: { summary: NonNullable<PanelInfo['summary']> }) {
  const t = useT()
  return (
    <section className="rounded-xl bg-violet-50/60 p-3 ring-1 ring-inset ring-violet-100">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-violet-brand">{t('aiPanel.summary.stored')}</h3>
      <div className="mt-2">
        <Markdown text={summary.summary} />
      </div>
      <p className="mt-2 text-xs text-slate-500">{t('aiPanel.summary.model', { model: summary.model })}</p>
    </section>
  )
}

function ErrorNotice({ failure, canManage, workspaceId, action }: { failure: ChatFailure; canManage: boolean; workspaceId: string; action?: ChatAction }) {
  const t = useT()
  const view = describeChatError(failure, { canManage, action })
  return (
    <p role="alert" className="rounded-xl bg-rose-50 px-3 py-2.5 text-sm text-rose-900 ring-1 ring-inset ring-rose-200">
      {t(view.key, view.params)}
      {view.settingsLink ? (
        <>
          {' '}
          <SettingsLink workspaceId={workspaceId} />.
        </>
      ) : null}
    </p>
  )
}

function formatUsd(locale: Locale, value: number) {
  const small = value > 0 && value < 0.01
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', ...(small ? { maximumSignificantDigits: 2 } : { minimumFractionDigits: 2, maximumFractionDigits: 2 }) }).format(value)
}

const KINDS: ReadonlySet<string> = new Set(CONTEXT_KINDS)

export function PreviewBox({ preview, loading, locale, sent = false }: { preview: Preview | null; loading: boolean; locale: Locale; sent?: boolean }) {
  const t = useT()
  if (!preview) return loading ? <p className="text-sm text-slate-500" role="status">{t('aiPanel.preview.loading')}</p> : null
  const n = (x: number) => x.toLocaleString(locale)
  return (
    <section aria-label={t('aiPanel.preview.title')} className="rounded-xl bg-slate-50 p-3 text-sm" data-testid="ai-preview">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t(sent ? 'aiPanel.preview.sent' : 'aiPanel.preview.title')}</h3>
      <ul className="mt-2 max-h-48 space-y-1 overflow-y-auto">
        {preview.context.map((item, i) => {
          const kind = t(KINDS.has(item.kind) ? (`aiPanel.kind.${item.kind}` as MessageKey) : 'aiPanel.kind.other')
          return (
          <li key={i} className="flex items-baseline gap-2">
            <span className="shrink-0 rounded bg-white px-1.5 text-xs font-medium text-slate-600 ring-1 ring-slate-200">{kind}</span>
            <span className="min-w-0 flex-1 truncate text-slate-700" title={item.label}>
              {item.label.trim().toLowerCase() === kind.toLowerCase() ? '' : item.label}
            </span>
            <span className="shrink-0 text-xs tabular-nums text-slate-500">{t('aiPanel.tokens', { count: n(item.tokens) })}</span>
          </li>
          )
        })}
      </ul>
      <p className="mt-2 text-xs text-slate-600">
        {t('aiPanel.estimate', { prompt: n(preview.estimate.promptTokens), completion: n(preview.estimate.maxCompletionTokens), cost: formatUsd(locale, preview.estimate.costUsd) })}
      </p>
      <p className="mt-1 text-xs text-slate-500">{t('aiPanel.preview.model', { model: preview.model, source: t(`aiPanel.source.${preview.source}`) })}</p>
    </section>
  )
}

function UsageLine({ usage, locale }: { usage: Done['usage']; locale: Locale }) {
  const t = useT()
  const params = { prompt: usage.promptTokens.toLocaleString(locale), completion: usage.completionTokens.toLocaleString(locale), cost: formatUsd(locale, usage.costUsd) }
  return (
    <p className="text-xs text-slate-500" data-testid="ai-usage">
      {t(usage.estimated ? 'aiPanel.usageEstimated' : 'aiPanel.usage', params)}
    </p>
  )
}

function citationRenderer({ sources, workspaceId, bookId }: { sources: Source[]; workspaceId: string; bookId: string }) {
  return (n: number): ReactNode | null => {
    const source = sources.find((s) => s.n === n)
    if (!source) return null
    return <CitationLink source={source} workspaceId={workspaceId} bookId={bookId} />
  }
}

function CitationLink({ source, workspaceId, bookId }: { source: Source; workspaceId: string; bookId: string }) {
  const t = useT()
  return (
    <Link
      to={citationHref({ workspaceId, bookId, source })}
      title={t('aiPanel.citation', { chapter: source.chapterTitle })}
      aria-label={`[${source.n}] ${t('aiPanel.citation', { chapter: source.chapterTitle })}`}
      className="rounded px-0.5 font-semibold text-violet-brand underline decoration-violet-brand/40 hover:bg-violet-50"
    >
      [{source.n}]
    </Link>
  )
}

function SourcesList({ sources, workspaceId, bookId }: { sources: Source[]; workspaceId: string; bookId: string }) {
  const t = useT()
  if (sources.length === 0) return null
  return (
    <details className="text-xs text-slate-600">
      <summary className="cursor-pointer font-semibold text-slate-500">{t('aiPanel.sources')}</summary>
      <ol className="mt-1 space-y-1">
        {sources.map((s) => (
          <li key={s.n}>
            <CitationLink source={s} workspaceId={workspaceId} bookId={bookId} /> <span className="font-medium">{s.chapterTitle}</span> — <span className="italic">{s.excerpt}</span>
          </li>
        ))}
      </ol>
    </details>
  )
}

type RunViewProps = {
  run: Run
  locale: Locale
  workspaceId: string
  bookId: string
  canManage: boolean
  storedSummary: PanelInfo['summary']
  onSend: () => void
  onStop: () => void
  onAccept: () => void
  onReject: () => void
  onAgain: () => void
}

function RunView({ run, locale, workspaceId, bookId, canManage, storedSummary, onSend, onStop, onAccept, onReject, onAgain }: RunViewProps) {
  const t = useT()
  const proposal = isProposalAction(run.action)
  const busy = run.phase === 'saving' || run.phase === 'streaming'
  const started = busy || run.phase === 'done' || run.phase === 'stopped' || (run.phase === 'failed' && run.text !== '')
  const hint: MessageKey = proposal ? 'aiPanel.hint.proposal' : run.action === 'critique' && run.selection ? 'aiPanel.hint.critiqueSelection' : (`aiPanel.hint.${run.action}` as MessageKey)
  const citation = citationRenderer({ sources: run.preview?.sources ?? [], workspaceId, bookId })
  // A proposal that did not finish is not a proposal: say so above it and show what arrived muted.
  const unfinished = proposal && (run.phase === 'failed' || run.phase === 'stopped')
  const root = useRef<HTMLDivElement>(null)
  // The button a keyboard user just pressed (Send, Stop, Reject) goes away as the run moves on;
  // without this their focus would fall back to the top of the page.
  useEffect(() => {
    if (focusWasLost()) root.current?.querySelector<HTMLElement>('[data-refocus]')?.focus()
  }, [run.phase, run.proposal])
  return (
    <div ref={root} className="space-y-4">
      <p className="text-sm text-slate-600">{t(hint)}</p>
      {storedSummary && !started ? <StoredSummaryCard summary={storedSummary} /> : null}
      {run.selection && !proposal ? <p className="line-clamp-3 rounded-lg border-l-4 border-violet-brand/30 bg-slate-50 px-3 py-2 text-xs italic text-slate-600">{run.selection.text}</p> : null}
      <PreviewBox preview={run.preview} loading={run.phase === 'preview'} locale={locale} sent={started} />
      {run.previewFailure && !started ? <ErrorNotice failure={run.previewFailure} canManage={canManage} workspaceId={workspaceId} /> : null}
      {!started && run.phase !== 'failed' ? (
        <button type="button" onClick={onSend} data-refocus className="w-full rounded-lg bg-indigo-brand px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-violet-brand">
          {t('aiPanel.run')} — {t(`aiPanel.action.${run.action}`)}
        </button>
      ) : null}
      {run.phase === 'saving' ? <p role="status" className="text-sm text-slate-500">{t('aiPanel.saving')}</p> : null}
      {proposal && run.phase === 'failed' && run.failure ? <ErrorNotice failure={run.failure} canManage={canManage} workspaceId={workspaceId} action={run.action} /> : null}
      {started ? (
        proposal ? (
          <div className="space-y-3">
            <div>
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t('aiPanel.proposal.original')}</h3>
              <p className="mt-1 max-h-40 overflow-y-auto whitespace-pre-wrap rounded-lg bg-slate-50 px-3 py-2 font-serif text-sm text-slate-600 line-through decoration-rose-300/70">{run.selection?.text}</p>
            </div>
            <div>
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t('aiPanel.proposal.proposed')}</h3>
              <p className={`mt-1 whitespace-pre-wrap rounded-lg px-3 py-2 font-serif text-sm ring-1 ring-inset ${unfinished ? 'max-h-40 overflow-y-auto bg-slate-50 text-slate-500 ring-slate-200' : 'bg-emerald-50/60 text-slate-800 ring-emerald-100'}`} data-testid="ai-answer" aria-live="polite" aria-busy={busy}>
                {run.text}
                {busy ? <Caret /> : null}
              </p>
            </div>
          </div>
        ) : (
          <div data-testid="ai-answer" aria-live="polite" aria-busy={busy}>
            <Markdown text={run.text} options={{ citation }} />
            {busy ? <Caret /> : null}
          </div>
        )
      ) : null}
      {run.phase === 'streaming' ? (
        <div className="flex items-center gap-3">
          <span role="status" className="flex-1 text-sm text-slate-500">{t('aiPanel.streaming')}</span>
          <button type="button" onClick={onStop} data-refocus className="rounded-lg bg-white px-4 py-2 text-sm font-semibold text-rose-700 ring-1 ring-rose-200 hover:bg-rose-50">
            {t('aiPanel.stop')}
          </button>
        </div>
      ) : null}
      {run.phase === 'stopped' ? <p role="status" className="rounded-xl bg-slate-100 px-3 py-2.5 text-sm text-slate-700">{t('aiPanel.stopped')}</p> : null}
      {!proposal && run.phase === 'failed' && run.failure ? <ErrorNotice failure={run.failure} canManage={canManage} workspaceId={workspaceId} action={run.action} /> : null}
      {run.phase === 'done' && run.text.trim() === '' ? <p className="text-sm text-slate-600">{t('aiPanel.empty')}</p> : null}
      {run.phase === 'done' && run.summaryStored ? <p role="status" className="rounded-xl bg-emerald-50 px-3 py-2.5 text-sm text-emerald-900">{t('aiPanel.summary.saved')}</p> : null}
      {run.phase === 'done' && proposal && run.text.trim() !== '' ? (
        run.proposal === 'pending' ? (
          <div className="flex gap-2">
            <button type="button" onClick={onAccept} data-refocus className="flex-1 rounded-lg bg-indigo-brand px-4 py-2 text-sm font-semibold text-white hover:bg-violet-brand">
              {t('aiPanel.proposal.accept')}
            </button>
            <button type="button" onClick={onReject} className="flex-1 rounded-lg bg-white px-4 py-2 text-sm font-semibold text-indigo-brand ring-1 ring-slate-200 hover:bg-slate-50">
              {t('aiPanel.proposal.reject')}
            </button>
          </div>
        ) : (
          <p role="status" className={`rounded-xl px-3 py-2.5 text-sm ${run.proposal === 'changed' ? 'bg-amber-50 text-amber-900' : 'bg-slate-100 text-slate-700'}`}>
            {t(`aiPanel.proposal.${run.proposal}`)}
          </p>
        )
      ) : null}
      {run.usage ? <UsageLine usage={run.usage} locale={locale} /> : null}
      {run.phase === 'done' || run.phase === 'stopped' || run.phase === 'failed' ? (
        <button type="button" onClick={onAgain} data-refocus className="text-sm font-medium text-violet-brand hover:underline">
          {t('aiPanel.again')}
        </button>
      ) : null}
    </div>
  )
}

/** True when nothing has focus because the focused control was removed from the page (Chromium
 * may still report the detached element as active until its blur event runs). */
function focusWasLost(): boolean {
  const active = document.activeElement
  return active === null || active === document.body || !active.isConnected
}

function Caret() {
  return <span aria-hidden className="ml-0.5 inline-block h-4 w-1.5 animate-pulse bg-violet-brand/60 align-middle" />
}

type AskViewProps = { url: string; chapterId: string; saveNow: () => Promise<boolean>; workspaceId: string; bookId: string; canManage: boolean }

function AskView({ url, chapterId, saveNow, workspaceId, bookId, canManage }: AskViewProps) {
  const t = useT()
  const locale = useLocale()
  const [question, setQuestion] = useState('')
  const [turns, setTurns] = useState<Turn[]>([])
  // The conversation outlives the page: a citation opens another chapter, and the writer
  // comes back to the same conversation (this tab only, this book only).
  const storageKey = `flowstory:ask:${url}`
  useEffect(() => {
    try {
      const saved = window.sessionStorage.getItem(storageKey)
      if (saved) setTurns((JSON.parse(saved) as Turn[]).map((turn) => ({ ...turn, streaming: false })))
    } catch {
      // Nothing kept: a new conversation.
    }
  }, [storageKey])
  useEffect(() => {
    if (turns.some((turn) => turn.streaming)) return
    try {
      if (turns.length === 0) window.sessionStorage.removeItem(storageKey)
      else window.sessionStorage.setItem(storageKey, JSON.stringify(turns))
    } catch {
      // Storage full or disabled: the conversation lasts as long as the page.
    }
  }, [turns, storageKey])
  const [preview, setPreview] = useState<{ question: string; preview: Preview | null; loading: boolean; failure: ChatFailure | null }>({ question: '', preview: null, loading: false, failure: null })
  const [saveFailed, setSaveFailed] = useState(false)
  const controller = useRef<AbortController | null>(null)
  const inputId = useId()
  const streaming = turns.some((turn) => turn.streaming)
  const questionBox = useRef<HTMLTextAreaElement>(null)
  // Stop goes away when the answer ends: a keyboard user lands back in the question box.
  useEffect(() => {
    if (!streaming && focusWasLost()) questionBox.current?.focus()
  }, [streaming])

  const history = useCallback(
    (): ChatTurn[] =>
      turns
        .filter((turn) => !turn.streaming && turn.content.trim() !== '' && !turn.failure)
        .slice(-HISTORY_MAX_ITEMS)
        .map((turn) => ({ role: turn.role, content: turn.content.slice(0, HISTORY_ITEM_MAX) })),
    [turns],
  )

  // The preview follows the question as it is typed, after a pause; one request at a time,
  // and only the preview of the question in the box is ever shown (followPreview).
  const follower = useRef<ReturnType<typeof followPreview<PreviewOutcome>> | null>(null)
  const load = useRef<(question: string, signal: AbortSignal) => Promise<PreviewOutcome>>(async () => ({ ok: false, aborted: true }))
  load.current = (q, signal) => previewChat(url, { action: 'ask', chapterId, question: q, history: history() }, signal)
  if (!follower.current) {
    follower.current = followPreview<PreviewOutcome>({
      load: (q, signal) => load.current(q, signal),
      show: ({ question: q, loading, result }) =>
        setPreview({ question: q, loading, preview: result?.ok ? result.preview : null, failure: result && !result.ok && 'failure' in result ? result.failure : null }),
    })
  }
  useEffect(() => {
    follower.current?.follow(streaming ? '' : question.trim())
  }, [question, url, chapterId, history, streaming])
  useEffect(() => () => follower.current?.cancel(), [])

  useEffect(() => () => controller.current?.abort(), [])

  const previewIsCurrent = preview.question === question.trim()

  const patchLast = (patch: Partial<Turn>) => setTurns((all) => all.map((turn, i) => (i === all.length - 1 ? { ...turn, ...patch } : turn)))

  async function ask() {
    const q = question.trim()
    if (!q || streaming) return
    follower.current?.cancel()
    setSaveFailed(false)
    const abort = new AbortController()
    controller.current = abort
    if (!(await saveNow())) {
      setSaveFailed(true)
      return
    }
    const request = { action: 'ask' as const, chapterId, question: q.slice(0, QUESTION_MAX), history: history() }
    setTurns((all) => [
      ...all,
      { role: 'user', content: q, sources: [], usage: null, failure: null, stopped: false, streaming: false },
      { role: 'assistant', content: '', sources: [], usage: null, failure: null, stopped: false, streaming: true },
    ])
    setQuestion('')
    let text = ''
    const outcome = await streamChat(url, request, {
      signal: abort.signal,
      onContext: (p) => patchLast({ sources: p.sources }),
      onDelta: (delta) => {
        text += delta
        patchLast({ content: text })
      },
    })
    if (outcome.status === 'done') patchLast({ streaming: false, usage: outcome.done.usage })
    else if (outcome.status === 'stopped') patchLast({ streaming: false, stopped: true })
    else patchLast({ streaming: false, failure: outcome.failure })
  }

  return (
    <div className="flex min-h-full flex-col gap-4">
      <div className="flex items-start gap-3">
        <p className="flex-1 text-sm text-slate-600">{t('aiPanel.hint.ask')}</p>
        {turns.length > 0 && !streaming ? (
          <button type="button" onClick={() => setTurns([])} className="shrink-0 text-sm font-medium text-violet-brand hover:underline">
            {t('aiPanel.ask.newConversation')}
          </button>
        ) : null}
      </div>
      <ol className="space-y-3">
        {turns.map((turn, i) => (
          <li key={i} className={turn.role === 'user' ? 'ml-6 rounded-xl bg-violet-50 px-3 py-2 text-sm text-indigo-brand' : 'space-y-2'}>
            <span className="sr-only">{t(turn.role === 'user' ? 'aiPanel.ask.you' : 'aiPanel.ask.assistant')}: </span>
            {turn.role === 'user' ? (
              <p className="whitespace-pre-wrap">{turn.content}</p>
            ) : (
              <>
                <div data-testid="ai-answer" aria-live="polite" aria-busy={turn.streaming}>
                  <Markdown text={turn.content} options={{ citation: citationRenderer({ sources: turn.sources, workspaceId, bookId }) }} />
                  {turn.streaming ? <Caret /> : null}
                </div>
                <SourcesList sources={turn.sources} workspaceId={workspaceId} bookId={bookId} />
                {turn.stopped ? <p className="text-xs text-slate-500">{t('aiPanel.stopped')}</p> : null}
                {turn.failure ? <ErrorNotice failure={turn.failure} canManage={canManage} workspaceId={workspaceId} /> : null}
                {turn.usage ? <UsageLine usage={turn.usage} locale={locale} /> : null}
              </>
            )}
          </li>
        ))}
      </ol>
      {saveFailed ? <ErrorNotice failure={{ kind: 'save_failed' }} canManage={canManage} workspaceId={workspaceId} /> : null}
      <form
        className="mt-auto space-y-2"
        onSubmit={(e) => {
          e.preventDefault()
          void ask()
        }}
      >
        <label htmlFor={inputId} className="text-xs font-semibold uppercase tracking-wide text-slate-500">
          {t('aiPanel.ask.label')}
        </label>
        <textarea
          id={inputId}
          ref={questionBox}
          value={question}
          maxLength={QUESTION_MAX}
          rows={3}
          placeholder={t('aiPanel.ask.placeholder')}
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault()
              void ask()
            }
          }}
          className="w-full resize-y rounded-lg border-0 px-3 py-2 text-sm ring-1 ring-slate-300 focus:ring-2 focus:ring-violet-brand"
        />
        {question.trim() ? <PreviewBox preview={previewIsCurrent ? preview.preview : null} loading={!previewIsCurrent || preview.loading} locale={locale} /> : null}
        {preview.failure && previewIsCurrent && question.trim() ? <ErrorNotice failure={preview.failure} canManage={canManage} workspaceId={workspaceId} /> : null}
        <div className="flex items-center gap-2">
          {streaming ? (
            // Keys: two distinct buttons, so focus on Stop is not carried over to a disabled Send.
            <button key="stop" type="button" onClick={() => controller.current?.abort()} className="rounded-lg bg-white px-4 py-2 text-sm font-semibold text-rose-700 ring-1 ring-rose-200 hover:bg-rose-50">
              {t('aiPanel.stop')}
            </button>
          ) : (
            <button key="send" type="submit" disabled={!question.trim()} className="rounded-lg bg-indigo-brand px-4 py-2 text-sm font-semibold text-white hover:bg-violet-brand disabled:opacity-50">
              {t('aiPanel.ask.send')}
            </button>
          )}
          <span className="ml-auto text-right text-[11px] leading-4 text-slate-400">{t('aiPanel.ask.enterHint')}</span>
        </div>
      </form>
    </div>
  )
}
