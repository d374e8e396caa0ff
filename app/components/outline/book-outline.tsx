// The book outline in the sidebar: chapters in reading order with their live word counts
// and status, reorderable three ways that all end in the same post (see
// docs/decisions/012-outline-reorder.md):
// - drag a row and drop it where the line shows (native HTML5 drag and drop);
// - keyboard: focus a row's handle, Space/Enter picks it up, arrows move it, Space/Enter
//   drops it, Escape cancels; every step is announced in the writer's language;
// - Move up / Move down buttons, a plain form post that works before (or without) JavaScript.
// Moves show at once; when the server refuses (the list changed in another tab) the outline
// reloads and says so.
import { NavLink, useLocation, useParams, useRevalidator, useSearchParams } from '@remix-run/react'
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react'
import { useLiveWordCount, forgetClosedWordCounts } from '~/components/editor/live-word-count.ts'
import { indexForGap, moveBy, moveToIndex, sameOrder } from '~/modules/chapters/order.ts'
import type { ChapterStatus } from '~/modules/chapters/schema.ts'
import type { ReorderAnswer } from '~/routes/w.$workspaceId.b.$bookId.reorder.tsx'
import { useLocale, useT, type MessageKey } from '~/utils/i18n.ts'

export type OutlineChapter = { id: string; title: string; status: ChapterStatus; wordCount: number }

type Props = { workspaceId: string; bookId: string; chapters: OutlineChapter[] }

/** A keyboard move in progress: where the chapter was, and where it is now. */
type Lifted = { id: string; original: string[]; working: string[] }

const DRAG_TYPE = 'application/x-flowstory-chapter'
const FORM_ID = 'outline-reorder'
const HELP_ID = 'outline-reorder-help'

const REFUSALS: readonly MessageKey[] = [
  'outline.error.invalid',
  'outline.error.duplicate',
  'outline.error.mismatch',
  'outline.error.foreign',
  'outline.error.stale',
  'outline.error.failed',
]

export function BookOutline({ workspaceId, bookId, chapters }: Props) {
  const t = useT()
  const location = useLocation()
  const [searchParams] = useSearchParams()
  const revalidator = useRevalidator()
  const { chapterId: openChapterId } = useParams()
  const reorderPath = `/w/${workspaceId}/b/${bookId}/reorder`

  const [hydrated, setHydrated] = useState(false)
  useEffect(() => setHydrated(true), [])

  const byId = useMemo(() => new Map(chapters.map((c) => [c.id, c])), [chapters])
  const serverOrder = useMemo(() => chapters.map((c) => c.id), [chapters])
  /** The order a move asked for, shown until the server's own order comes back. */
  const [pending, setPending] = useState<string[] | null>(null)
  const [lifted, setLifted] = useState<Lifted | null>(null)
  const [dragId, setDragId] = useState<string | null>(null)
  const [dropGap, setDropGap] = useState<number | null>(null)
  const [announcement, setAnnouncement] = useState('')
  const [refusal, setRefusal] = useState<MessageKey | null>(null)

  const saved = pending ? reconcile(pending, serverOrder) : serverOrder
  const shown = lifted ? lifted.working : saved

  const inFlight = useRef(0)
  const queue = useRef<Promise<void>>(Promise.resolve())
  const handles = useRef(new Map<string, HTMLButtonElement>())
  const liftedRef = useRef(lifted)
  liftedRef.current = lifted
  /** After a move re-sorts the rows, focus goes back to what the writer was using. */
  const refocus = useRef<{ id: string; control: 'handle' | 'up' | 'down' } | null>(null)

  // Fresh rows from the server: they win over a settled move and over counts of closed editors.
  useEffect(() => {
    if (inFlight.current === 0) setPending(null)
    forgetClosedWordCounts()
  }, [chapters])

  useLayoutEffect(() => {
    const target = refocus.current
    if (!target) return
    const row = handles.current.get(target.id)?.closest('li')
    const button = target.control === 'handle' ? handles.current.get(target.id) : row?.querySelector<HTMLButtonElement>(`[data-move="${target.control}"]`)
    const focusable = button && !button.disabled ? button : handles.current.get(target.id)
    if (focusable && document.activeElement !== focusable) focusable.focus()
    if (!lifted) refocus.current = null
  }, [shown, lifted])

  const titleOf = (id: string) => byId.get(id)?.title ?? ''
  const announce = (message: string) => setAnnouncement(message)

  function submit(expected: string[], order: string[]) {
    setPending(order)
    setRefusal(null)
    inFlight.current += 1
    const body = new URLSearchParams()
    for (const id of expected) body.append('expected', id)
    for (const id of order) body.append('order', id)
    // One move at a time, in order: each names the order the previous one produced.
    queue.current = queue.current.then(async () => {
      let answer: ReorderAnswer | null = null
      try {
        const response = await fetch(reorderPath, { method: 'POST', body, headers: { accept: 'application/json' } })
        if ((response.headers.get('content-type') ?? '').includes('application/json')) answer = (await response.json()) as ReorderAnswer
      } catch {
        answer = null
      }
      inFlight.current -= 1
      if (!answer?.ok) {
        const error = answer?.error && REFUSALS.includes(answer.error) ? answer.error : 'outline.error.failed'
        setPending(null)
        setRefusal(error)
        announce(t(error))
      }
      if (inFlight.current === 0) revalidator.revalidate()
    })
  }

  function move(id: string, order: string[], from: string[]) {
    const position = order.indexOf(id) + 1
    if (sameOrder(order, from)) {
      announce(t('outline.unchanged', { title: titleOf(id), position }))
      return
    }
    submit(from, order)
    announce(t('outline.moved', { title: titleOf(id), position, total: order.length }))
  }

  // Keyboard ------------------------------------------------------------------------------

  function lift(id: string) {
    setLifted({ id, original: saved, working: saved })
    refocus.current = { id, control: 'handle' }
    announce(t('outline.lifted', { title: titleOf(id), position: saved.indexOf(id) + 1, total: saved.length }))
  }

  function drop() {
    if (!lifted) return
    setLifted(null)
    refocus.current = { id: lifted.id, control: 'handle' }
    move(lifted.id, lifted.working, lifted.original)
  }

  function cancel() {
    const current = liftedRef.current
    if (!current) return
    setLifted(null)
    announce(t('outline.cancelled', { title: titleOf(current.id), position: current.original.indexOf(current.id) + 1 }))
  }

  function onHandleClick(id: string) {
    // Enter and Space click a button, also for screen readers in browse mode.
    if (lifted?.id === id) drop()
    else {
      if (lifted) cancel()
      lift(id)
    }
  }

  function onHandleKeyDown(event: KeyboardEvent, id: string) {
    if (lifted?.id !== id) return
    const last = lifted.working.length - 1
    const to: Record<string, (from: number) => number> = { ArrowUp: (i) => i - 1, ArrowDown: (i) => i + 1, Home: () => 0, End: () => last }
    if (event.key in to) {
      event.preventDefault()
      const working = moveToIndex(lifted.working, id, to[event.key](lifted.working.indexOf(id)))
      setLifted({ ...lifted, working })
      announce(t('outline.moving', { title: titleOf(id), position: working.indexOf(id) + 1, total: working.length }))
    } else if (event.key === 'Escape') {
      event.preventDefault()
      cancel()
    }
  }

  function onHandleBlur() {
    // Re-sorting the rows blurs the handle for a moment; only leaving for good cancels.
    setTimeout(() => {
      const current = liftedRef.current
      if (current && document.activeElement !== handles.current.get(current.id)) cancel()
    }, 0)
  }

  // Drag and drop -------------------------------------------------------------------------

  function onDragStart(event: DragEvent, id: string) {
    event.dataTransfer.effectAllowed = 'move'
    event.dataTransfer.setData(DRAG_TYPE, id)
    if (lifted) cancel()
    setDragId(id)
  }

  function onDragOver(event: DragEvent<HTMLLIElement>, index: number) {
    if (!dragId) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'move'
    const box = event.currentTarget.getBoundingClientRect()
    const gap = event.clientY < box.top + box.height / 2 ? index : index + 1
    const from = saved.indexOf(dragId)
    // The gaps either side of the dragged row would leave the order as it is.
    setDropGap(gap === from || gap === from + 1 ? null : gap)
  }

  function onDrop(event: DragEvent) {
    event.preventDefault()
    if (dragId && dropGap !== null) move(dragId, moveToIndex(saved, dragId, indexForGap(saved, dragId, dropGap)), saved)
    setDragId(null)
    setDropGap(null)
  }

  function onDragEnd() {
    setDragId(null)
    setDropGap(null)
  }

  // Buttons -------------------------------------------------------------------------------

  function onStep(event: { preventDefault(): void }, id: string, step: -1 | 1) {
    // With JavaScript the move shows at once; without it the form post does the same.
    event.preventDefault()
    if (lifted) cancel()
    refocus.current = { id, control: step === -1 ? 'up' : 'down' }
    move(id, moveBy(saved, id, step), saved)
  }

  const plainRefusal = searchParams.get('outlineError') as MessageKey | null
  const shownRefusal = refusal ?? (plainRefusal && REFUSALS.includes(plainRefusal) ? plainRefusal : null)
  const back = `${location.pathname}${location.search}`

  return (
    <>
      <form id={FORM_ID} method="post" action={reorderPath} hidden>
        {serverOrder.map((id) => (
          <input key={id} type="hidden" name="expected" value={id} />
        ))}
        <input type="hidden" name="redirectTo" value={back} />
      </form>
      <p id={HELP_ID} hidden>
        {t('outline.handleHelp')}
      </p>
      {shownRefusal ? (
        <p role="alert" className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900 ring-1 ring-inset ring-amber-200">
          {t(shownRefusal)}
        </p>
      ) : null}
      <ol className="mt-2 space-y-0.5" onDragLeave={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && setDropGap(null)}>
        {shown.map((id, index) => {
          const chapter = byId.get(id)
          if (!chapter) return null
          return (
            <OutlineRow
              key={id}
              chapter={chapter}
              position={index + 1}
              total={shown.length}
              active={id === openChapterId}
              lifted={lifted?.id === id}
              dragging={dragId === id}
              dropBefore={dropGap === index}
              dropAfter={dropGap === shown.length && index === shown.length - 1}
              hydrated={hydrated}
              handleRef={(el) => (el ? handles.current.set(id, el) : handles.current.delete(id))}
              onHandleClick={() => onHandleClick(id)}
              onHandleKeyDown={(e) => onHandleKeyDown(e, id)}
              onHandleBlur={onHandleBlur}
              onDragStart={(e) => onDragStart(e, id)}
              onDragOver={(e) => onDragOver(e, index)}
              onDrop={onDrop}
              onDragEnd={onDragEnd}
              onStep={hydrated ? (e, step) => onStep(e, id, step) : undefined}
            />
          )
        })}
      </ol>
      {lifted ? (
        <p className="mt-2 whitespace-nowrap rounded-md bg-violet-50 px-2 py-1 text-center text-[11px] font-medium text-violet-brand" aria-hidden="true">
          {t('outline.liftedHint')}
        </p>
      ) : null}
      <p id="outline-announcer" aria-live="assertive" aria-atomic="true" className="sr-only">
        {announcement}
      </p>
    </>
  )
}

/** The pending order, minus chapters gone meanwhile, plus chapters that appeared (at the end). */
function reconcile(pending: string[], server: string[]): string[] {
  const present = new Set(server)
  const kept = pending.filter((id) => present.has(id))
  const listed = new Set(kept)
  return [...kept, ...server.filter((id) => !listed.has(id))]
}

type RowProps = {
  chapter: OutlineChapter
  position: number
  total: number
  active: boolean
  lifted: boolean
  dragging: boolean
  dropBefore: boolean
  dropAfter: boolean
  hydrated: boolean
  handleRef: (el: HTMLButtonElement | null) => void
  onHandleClick: () => void
  onHandleKeyDown: (event: KeyboardEvent) => void
  onHandleBlur: () => void
  onDragStart: (event: DragEvent) => void
  onDragOver: (event: DragEvent<HTMLLIElement>) => void
  onDrop: (event: DragEvent) => void
  onDragEnd: () => void
  onStep?: (event: { preventDefault(): void }, step: -1 | 1) => void
}

function OutlineRow(props: RowProps) {
  const { chapter, position, total, active, lifted, dragging, hydrated } = props
  const t = useT()
  const locale = useLocale()
  const words = useLiveWordCount(chapter.id) ?? chapter.wordCount
  const tone = lifted
    ? 'bg-violet-50 shadow-md ring-2 ring-violet-brand'
    : active
      ? 'bg-white shadow-sm ring-1 ring-slate-200'
      : 'hover:bg-white'
  return (
    <li
      className={`group relative flex items-stretch rounded-lg ${tone} ${dragging ? 'opacity-40' : ''}`}
      draggable={hydrated}
      data-chapter-id={chapter.id}
      data-lifted={lifted || undefined}
      onDragStart={props.onDragStart}
      onDragOver={props.onDragOver}
      onDrop={props.onDrop}
      onDragEnd={props.onDragEnd}
    >
      {props.dropBefore ? <DropLine edge="top" /> : null}
      {props.dropAfter ? <DropLine edge="bottom" /> : null}
      {hydrated ? (
        <button
          ref={props.handleRef}
          type="button"
          aria-label={t('outline.handle', { title: chapter.title })}
          aria-describedby={HELP_ID}
          aria-pressed={lifted}
          onClick={props.onHandleClick}
          onKeyDown={props.onHandleKeyDown}
          onBlur={props.onHandleBlur}
          className={`flex w-5 shrink-0 cursor-grab items-center justify-center rounded-l-lg focus-visible:outline-none active:cursor-grabbing ${lifted ? 'text-violet-brand' : 'text-slate-300 hover:text-indigo-brand group-hover:text-slate-400 focus-visible:text-violet-brand focus-visible:ring-2 focus-visible:ring-violet-brand'}`}
        >
          <GripIcon />
        </button>
      ) : (
        <span className="w-5 shrink-0" />
      )}
      <NavLink
        to={`c/${chapter.id}`}
        draggable={false}
        className={`flex min-w-0 flex-1 gap-1.5 py-1.5 pr-1 text-sm ${active ? 'font-semibold text-indigo-brand' : 'text-slate-700'}`}
      >
        <span aria-hidden="true" className="w-5 shrink-0 pt-px text-right text-xs font-normal tabular-nums text-slate-400" data-position={position}>
          {position}
        </span>
        <span className="min-w-0">
          <span className="block truncate">{chapter.title}</span>
          <span className="text-xs font-normal text-slate-500" data-word-count={words}>
            {t('chapter.words', { count: words.toLocaleString(locale) })} · {t(`chapter.status.${chapter.status}`)}
          </span>
        </span>
      </NavLink>
      <span className={`flex shrink-0 flex-col justify-center pr-1 ${lifted || dragging ? 'invisible' : 'opacity-0 focus-within:opacity-100 group-hover:opacity-100'}`}>
        <StepButton direction="up" title={chapter.title} id={chapter.id} disabled={position === 1} onStep={props.onStep} />
        <StepButton direction="down" title={chapter.title} id={chapter.id} disabled={position === total} onStep={props.onStep} />
      </span>
    </li>
  )
}

function StepButton({
  direction,
  title,
  id,
  disabled,
  onStep,
}: {
  direction: 'up' | 'down'
  title: string
  id: string
  disabled: boolean
  onStep?: RowProps['onStep']
}) {
  const t = useT()
  const label = t(direction === 'up' ? 'outline.moveUp' : 'outline.moveDown', { title })
  return (
    <button
      type="submit"
      form={FORM_ID}
      name="move"
      value={`${id}:${direction}`}
      disabled={disabled}
      data-move={direction}
      title={label}
      aria-label={label}
      onClick={onStep ? (event) => onStep(event, direction === 'up' ? -1 : 1) : undefined}
      className="flex h-4 w-5 items-center justify-center rounded text-slate-400 hover:bg-slate-100 hover:text-indigo-brand focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-violet-brand disabled:invisible"
    >
      <svg viewBox="0 0 10 6" className={`h-1.5 w-2.5 ${direction === 'down' ? 'rotate-180' : ''}`} aria-hidden="true">
        <path d="M1 5l4-4 4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  )
}

function DropLine({ edge }: { edge: 'top' | 'bottom' }) {
  return (
    <span
      aria-hidden="true"
      data-drop-indicator={edge}
      className={`pointer-events-none absolute inset-x-0 z-10 flex items-center ${edge === 'top' ? '-top-[3px]' : '-bottom-[3px]'}`}
    >
      <span className="h-2 w-2 rounded-full border-2 border-violet-brand bg-paper" />
      <span className="h-0.5 flex-1 rounded bg-violet-brand" />
    </span>
  )
}

function GripIcon() {
  return (
    <svg viewBox="0 0 6 10" className="h-3 w-2" aria-hidden="true" fill="currentColor">
      {[1, 5, 9].flatMap((y) => [<circle key={`a${y}`} cx="1" cy={y} r="1" />, <circle key={`b${y}`} cx="5" cy={y} r="1" />])}
    </svg>
  )
}
