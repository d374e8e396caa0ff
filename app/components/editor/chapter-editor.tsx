// The chapter editor: TipTap with the manuscript extensions, a toolbar, word and character
// counts, focus mode, a shortcuts dialog and the autosave status the writer can trust.
import { Link } from '@remix-run/react'
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react'
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { ManuscriptDoc } from '~/modules/manuscript/schema.ts'
import { useT, type MessageKey } from '~/utils/i18n.ts'
import { ChapterAutosave, findOrphanDrafts, sameDoc, type AutosaveState, type LatestFn, type SaveFn } from './autosave.ts'
import { chapterExtensions } from './extensions.ts'
import { openWordCount, publishWordCount } from './live-word-count.ts'
import { plainTextMap } from './plain-text-positions.ts'
import { createDocumentCounter } from './word-count.ts'
import { holdTabPresence, isTabOpen, newTabId } from './tab-presence.ts'

type Props = {
  chapterId: string
  content: ManuscriptDoc
  version: number
  save: SaveFn
  latest: LatestFn
  /** A range of the chapter's plain text to select and scroll to (a citation's passage). */
  passage?: { start: number; end: number } | null
  /** A side panel working on this editor (the AI panel); rendered once the editor exists. */
  sidePanel?: (handle: EditorHandle) => ReactNode
}

export type EditorHandle = {
  editor: Editor
  /** Saves what was typed now; false when the chapter cannot be saved (offline, conflict, refused). */
  saveNow: () => Promise<boolean>
}

const STATUS: Record<AutosaveState, { key: MessageKey; tone: string }> = {
  saved: { key: 'editor.status.saved', tone: 'text-emerald-700' },
  unsaved: { key: 'editor.status.unsaved', tone: 'text-slate-500' },
  saving: { key: 'editor.status.saving', tone: 'text-slate-500' },
  offline: { key: 'editor.status.offline', tone: 'text-amber-700' },
  conflict: { key: 'editor.status.conflict', tone: 'text-rose-700' },
  rejected: { key: 'editor.status.rejected', tone: 'text-rose-700' },
}

/** After a conflict: the writer's choice is on its way, done, or could not reach the server. */
type Resolution = 'idle' | 'loading' | 'done' | 'failed'

export function ChapterEditor({ chapterId, content, version, save, latest, passage, sidePanel }: Props) {
  const t = useT()
  const [state, setState] = useState<AutosaveState>('saved')
  const [recovered, setRecovered] = useState(false)
  const [focusMode, setFocusMode] = useState(false)
  const [showShortcuts, setShowShortcuts] = useState(false)
  const [resolution, setResolution] = useState<Resolution>('idle')
  const saveRef = useRef(save)
  saveRef.current = save
  const latestRef = useRef(latest)
  latestRef.current = latest

  const autosave = useMemo(
    () =>
      typeof window === 'undefined'
        ? null
        : new ChapterAutosave({
            chapterId,
            tabId: newTabId(),
            version,
            save: (r) => saveRef.current(r),
            latest: () => latestRef.current(),
            storage: window.localStorage,
            onChange: (s) => {
              setState(s)
              if (s === 'conflict') setResolution('idle')
            },
          }),
    // One autosave per chapter page; the version only seeds it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [chapterId],
  )

  const editor = useEditor({
    extensions: chapterExtensions({ placeholder: t('editor.placeholder') }),
    content,
    immediatelyRender: false,
    editorProps: { attributes: { 'aria-label': t('editor.placeholder'), spellcheck: 'true' } },
    // The document is serialised when the draft is stored or sent, not on every keystroke.
    onUpdate: ({ editor }) => {
      const doc = editor.state.doc
      autosave?.edit(() => doc.toJSON() as ManuscriptDoc)
    },
  })

  // While this page lives, its draft is its own: other tabs leave it alone.
  useEffect(() => (autosave ? holdTabPresence(autosave.tabId) : undefined), [autosave])

  // An edit the server never confirmed (closed tab, crash, lost connection) comes back and is
  // resent with the version it was based on. Drafts of tabs still open are theirs to send.
  useEffect(() => {
    if (!editor || !autosave) return
    let cancelled = false
    void findOrphanDrafts(window.localStorage, chapterId, isTabOpen).then(([draft]) => {
      // Never replace what the writer already typed here; the draft waits for the next visit.
      if (cancelled || !draft || autosave.hasUnsavedChanges || autosave.currentState !== 'saved') return
      if (sameDoc(draft.content, content)) {
        window.localStorage.removeItem(draft.key)
        return
      }
      editor.commands.setContent(draft.content, { emitUpdate: false })
      autosave.recover(draft)
      setRecovered(true)
    })
    return () => {
      cancelled = true
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor, autosave])

  // A citation opened this chapter at a passage: select it (the offsets are in the same plain
  // text the chat function cited from) and bring it into view.
  const passageStart = passage?.start
  const passageEnd = passage?.end
  useEffect(() => {
    if (!editor || passageStart === undefined || passageEnd === undefined) return
    const map = plainTextMap(editor.state.doc)
    const from = map.toPos(Math.min(passageStart, map.text.length))
    const to = map.toPos(Math.min(passageEnd, map.text.length), 'end')
    if (to <= from) return
    editor.chain().focus().setTextSelection({ from, to }).scrollIntoView().run()
  }, [editor, passageStart, passageEnd])

  const handle = useMemo<EditorHandle | null>(
    () => (editor && autosave ? { editor, saveNow: () => autosave.saveNow() } : null),
    [editor, autosave],
  )

  async function loadLatest() {
    if (!editor || !autosave) return
    setResolution('loading')
    // Read only meanwhile, and without an update event: that would count as an edit.
    editor.setEditable(false, false)
    try {
      const current = await autosave.resolveConflict()
      editor.commands.setContent(current.content, { emitUpdate: false })
      setRecovered(false)
      setResolution('done')
    } catch {
      setResolution('failed')
    } finally {
      editor.setEditable(true, false)
    }
  }

  useEffect(() => {
    if (!autosave) return
    const online = () => void autosave.flush()
    // Leaving the page or the app: whatever was typed goes to storage at once.
    const hidden = () => {
      if (document.visibilityState === 'hidden') autosave.persistDraft()
    }
    const pageHide = () => autosave.persistDraft()
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (!autosave.hasUnsavedChanges) return
      // Stored even when nothing is sent (edits held after a conflict).
      autosave.persistDraft()
      void autosave.flush()
      event.preventDefault()
    }
    window.addEventListener('online', online)
    window.addEventListener('beforeunload', beforeUnload)
    window.addEventListener('pagehide', pageHide)
    document.addEventListener('visibilitychange', hidden)
    return () => {
      window.removeEventListener('online', online)
      window.removeEventListener('beforeunload', beforeUnload)
      window.removeEventListener('pagehide', pageHide)
      document.removeEventListener('visibilitychange', hidden)
      void autosave.flush()
      autosave.dispose()
    }
  }, [autosave])

  // The outline in the sidebar shows this chapter's count as it changes (see EditorCounts).
  useEffect(() => openWordCount(chapterId), [chapterId])

  return (
    <div className={`chapter-editor ${focusMode ? 'focus-mode' : ''}`}>
      <div className="sticky top-0 z-10 -mx-2 flex flex-wrap items-center gap-1 border-b border-slate-200 bg-paper/95 px-2 py-2 backdrop-blur">
        {editor ? <Toolbar editor={editor} /> : null}
        <button type="button" onClick={() => setFocusMode((f) => !f)} aria-pressed={focusMode} className={toolClass(focusMode)}>
          {t('editor.focusMode')}
        </button>
        <button type="button" onClick={() => setShowShortcuts(true)} className={toolClass(false)} aria-haspopup="dialog">
          ?<span className="sr-only">{t('editor.shortcuts')}</span>
        </button>
        {/* Takes the row's remaining width and never wraps on its own: a status switching
            between "Saved" and "Unsaved" while the writer types must not push the text
            down a line and back (with the AI panel open the row is narrow): every state asks for
            the same room (5rem at least, the rest of the row at most). Long states are
            cut with an ellipsis here and said in full by the title and to screen readers. */}
        <p
          role="status"
          aria-live="polite"
          title={t(STATUS[state].key)}
          className={`ml-auto min-w-20 flex-[1_1_0%] truncate text-right text-sm ${STATUS[state].tone}`}
          data-autosave-state={state}
        >
          {t(STATUS[state].key)}
        </p>
      </div>
      {recovered ? <p className="mt-3 rounded-lg bg-violet-50 px-3 py-2 text-sm text-indigo-brand">{t('editor.recovered')}</p> : null}
      {state === 'conflict' ? (
        <div role="alert" className="mt-3 rounded-lg border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-900">
          <p className="font-semibold">{t('editor.conflict.title')}</p>
          <p className="mt-1">{t('editor.conflict.body')}</p>
          {resolution === 'failed' ? <p className="mt-1 font-medium">{t('editor.conflict.failed')}</p> : null}
          <div className="mt-3 flex flex-wrap items-center gap-3">
            <button
              type="button"
              onClick={() => void loadLatest()}
              disabled={resolution === 'loading'}
              className="rounded-lg bg-indigo-brand px-3 py-2 font-semibold text-white hover:bg-violet-brand disabled:opacity-60"
            >
              {resolution === 'loading' ? t('editor.conflict.loading') : t('editor.conflict.loadLatest')}
            </button>
            <Link to="history" relative="path" className="font-medium text-violet-brand hover:underline">
              {t('editor.conflict.history')}
            </Link>
          </div>
        </div>
      ) : null}
      {resolution === 'done' && state !== 'conflict' ? (
        <p className="mt-3 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          {t('editor.conflict.resolved')}{' '}
          <Link to="history" relative="path" className="font-medium text-violet-brand hover:underline">
            {t('editor.conflict.history')}
          </Link>
        </p>
      ) : null}
      <div className="mx-auto max-w-[68ch] py-8">
        <EditorContent editor={editor} />
      </div>
      {editor ? <EditorCounts editor={editor} chapterId={chapterId} /> : null}
      {showShortcuts ? <ShortcutsDialog onClose={() => setShowShortcuts(false)} /> : null}
      {handle && sidePanel ? sidePanel(handle) : null}
    </div>
  )
}

/**
 * The footer's counts, in their own component so a keystroke re-renders only this line.
 * Cached per block: a keystroke recounts one paragraph. It also hands the word count to the
 * outline in the sidebar.
 */
function EditorCounts({ editor, chapterId }: { editor: Editor; chapterId: string }) {
  const t = useT()
  const countDocument = useMemo(() => createDocumentCounter(), [])
  const counts = useEditorState({
    editor,
    selector: ({ editor: e }) => countDocument(e.state.doc),
    equalityFn: (a, b) => a.words === b?.words && a.characters === b?.characters,
  })
  useEffect(() => {
    publishWordCount(chapterId, counts.words)
  }, [chapterId, counts.words])
  return (
    <p className="border-t border-slate-200 pt-2 text-sm text-slate-500">
      {t('editor.words', { count: counts.words.toLocaleString() })} · {t('editor.characters', { count: counts.characters.toLocaleString() })}
    </p>
  )
}

const toolClass = (active: boolean) =>
  `rounded-md px-2 py-1 text-sm ${active ? 'bg-indigo-brand text-white' : 'text-indigo-brand hover:bg-slate-100'} disabled:opacity-40`

function Toolbar({ editor }: { editor: Editor }) {
  const t = useT()
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      underline: e.isActive('underline'),
      h1: e.isActive('heading', { level: 1 }),
      h2: e.isActive('heading', { level: 2 }),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      blockquote: e.isActive('blockquote'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  })
  const tools: { label: string; text: string; active?: boolean; disabled?: boolean; run: () => void; className?: string }[] = [
    { label: t('editor.bold'), text: 'B', active: active.bold, run: () => editor.chain().focus().toggleBold().run(), className: 'font-bold' },
    { label: t('editor.italic'), text: 'I', active: active.italic, run: () => editor.chain().focus().toggleItalic().run(), className: 'italic font-serif' },
    { label: t('editor.underline'), text: 'U', active: active.underline, run: () => editor.chain().focus().toggleUnderline().run(), className: 'underline' },
    { label: t('editor.heading', { level: 1 }), text: 'H1', active: active.h1, run: () => editor.chain().focus().toggleHeading({ level: 1 }).run() },
    { label: t('editor.heading', { level: 2 }), text: 'H2', active: active.h2, run: () => editor.chain().focus().toggleHeading({ level: 2 }).run() },
    { label: t('editor.bulletList'), text: '•', active: active.bulletList, run: () => editor.chain().focus().toggleBulletList().run() },
    { label: t('editor.orderedList'), text: '1.', active: active.orderedList, run: () => editor.chain().focus().toggleOrderedList().run() },
    { label: t('editor.blockquote'), text: '“ ”', active: active.blockquote, run: () => editor.chain().focus().toggleBlockquote().run() },
    { label: t('editor.sceneBreak'), text: '* * *', run: () => editor.chain().focus().insertSceneBreak().run() },
    { label: t('editor.undo'), text: '↶', disabled: !active.canUndo, run: () => editor.chain().focus().undo().run() },
    { label: t('editor.redo'), text: '↷', disabled: !active.canRedo, run: () => editor.chain().focus().redo().run() },
  ]
  return (
    <div role="toolbar" aria-label={t('editor.toolbar')} className="flex flex-wrap items-center gap-1">
      {tools.map((tool) => (
        <button
          key={tool.label}
          type="button"
          title={tool.label}
          aria-label={tool.label}
          aria-pressed={tool.active ?? undefined}
          disabled={tool.disabled}
          onMouseDown={(e) => e.preventDefault()}
          onClick={tool.run}
          className={`${toolClass(Boolean(tool.active))} min-w-8 ${tool.className ?? ''}`}
        >
          {tool.text}
        </button>
      ))}
    </div>
  )
}

const SHORTCUTS: { keys: string; label: MessageKey; params?: Record<string, number> }[] = [
  { keys: 'Ctrl/⌘ + B', label: 'editor.bold' },
  { keys: 'Ctrl/⌘ + I', label: 'editor.italic' },
  { keys: 'Ctrl/⌘ + U', label: 'editor.underline' },
  { keys: 'Ctrl/⌘ + Alt + 1', label: 'editor.heading', params: { level: 1 } },
  { keys: 'Ctrl/⌘ + Alt + 2', label: 'editor.heading', params: { level: 2 } },
  { keys: 'Ctrl/⌘ + Shift + 8', label: 'editor.bulletList' },
  { keys: 'Ctrl/⌘ + Shift + 7', label: 'editor.orderedList' },
  { keys: 'Ctrl/⌘ + Shift + B', label: 'editor.blockquote' },
  { keys: 'Ctrl/⌘ + Alt + Enter', label: 'editor.sceneBreak' },
  { keys: 'Ctrl/⌘ + Z', label: 'editor.undo' },
  { keys: 'Ctrl/⌘ + Shift + Z', label: 'editor.redo' },
]

function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const t = useT()
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])
  return (
    <dialog ref={ref} onClose={onClose} className="w-full max-w-md rounded-2xl p-6 shadow-xl backdrop:bg-indigo-brand/30" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title" className="font-serif text-xl font-semibold text-indigo-brand">
        {t('editor.shortcuts')}
      </h2>
      <dl className="mt-4 divide-y divide-slate-100 text-sm">
        {SHORTCUTS.map((s) => (
          <div key={s.keys} className="flex justify-between gap-4 py-2">
            <dt className="text-slate-600">{t(s.label, s.params)}</dt>
            <dd>
              <kbd className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">{s.keys}</kbd>
            </dd>
          </div>
        ))}
      </dl>
      <form method="dialog" className="mt-4 text-right">
        <button className="rounded-lg px-3 py-2 text-sm font-semibold text-violet-brand hover:bg-slate-50">{t('editor.shortcutsClose')}</button>
      </form>
    </dialog>
  )
}
