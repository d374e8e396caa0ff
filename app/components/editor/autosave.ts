// Autosave that never loses a word. Every edit is written to the browser's storage within a
// quarter of a second — at once when the page is hidden or closed — and stays there until the
// server confirms it; saves are debounced and carry the chapter
// version they were based on; an unreachable server means "offline — changes kept" and a
// retry with backoff; a stale version comes back as a conflict (the server keeps this text
// as a version, so both survive) and the writer is told. After a reload, an unconfirmed
// draft is found in storage and sent again.
// An edit may be given as a function that produces the document: serialising a 20,000-word
// chapter takes milliseconds, so it is done once per storage write or save, never per keystroke.
import type { ManuscriptDoc } from '~/modules/manuscript/schema.ts'

export type SaveResult = { status: 'saved'; version: number } | { status: 'conflict'; version: number }
export type SaveFn = (request: { expectedVersion: number; content: ManuscriptDoc }) => Promise<SaveResult>
export type AutosaveState = 'saved' | 'unsaved' | 'saving' | 'offline' | 'conflict' | 'rejected'
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export type StoredDraft = { baseVersion: number; content: ManuscriptDoc; changedAt: number }

export const draftKey = (chapterId: string) => `flowstory:draft:${chapterId}`

/** An edit the server has not confirmed, left by a closed tab or a lost connection. */
export function findUnsavedDraft(storage: DraftStorage, chapterId: string): StoredDraft | null {
  try {
    const raw = storage.getItem(draftKey(chapterId))
    return raw ? (JSON.parse(raw) as StoredDraft) : null
  } catch {
    return null
  }
}

/** Thrown by a SaveFn when the server refused the content itself (4xx): retrying cannot help. */
export class SaveRejected extends Error {}

type Options = {
  chapterId: string
  version: number
  save: SaveFn
  storage: DraftStorage
  onChange: (state: AutosaveState, version: number) => void
  debounceMs?: number
  /** How long an edit may stay only in memory while typing goes on (bounded, not debounced). */
  draftDelayMs?: number
  retryDelaysMs?: number[]
  now?: () => number
}

export class ChapterAutosave {
  private version: number
  private pending: (() => ManuscriptDoc) | null = null
  private draft: { baseVersion: number; changedAt: number } | null = null
  private inFlight = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private draftTimer: ReturnType<typeof setTimeout> | null = null
  private retries = 0
  private state: AutosaveState = 'saved'
  private readonly options: Required<Omit<Options, 'version'>>

  constructor(options: Options) {
    this.version = options.version
    this.options = { debounceMs: 800, draftDelayMs: 250, retryDelaysMs: [1_000, 2_000, 5_000, 10_000], now: Date.now, ...options }
  }

  get currentState() {
    return this.state
  }

  /** Records an edit: kept in storage within draftDelayMs, sent after a pause in typing. */
  edit(content: ManuscriptDoc | (() => ManuscriptDoc), baseVersion = this.version) {
    this.pending = once(typeof content === 'function' ? content : () => content)
    this.draft = { baseVersion, changedAt: this.options.now() }
    this.draftTimer ??= setTimeout(() => this.persistDraft(), this.options.draftDelayMs)
    if (this.state !== 'offline' && this.state !== 'conflict') this.setState('unsaved')
    this.schedule(this.options.debounceMs)
  }

  /** Writes the latest unconfirmed edit to storage now (e.g. the page is being hidden or closed). */
  persistDraft() {
    if (this.draftTimer) clearTimeout(this.draftTimer)
    this.draftTimer = null
    if (!this.pending || !this.draft) return
    const stored: StoredDraft = { ...this.draft, content: this.pending() }
    this.draft = null
    try {
      this.options.storage.setItem(draftKey(this.options.chapterId), JSON.stringify(stored))
    } catch {
      // Storage full or disabled: the in-memory copy still goes to the server.
    }
  }

  /** Sends what is pending now (e.g. before leaving the page or when the network returns). */
  async flush(): Promise<void> {
    this.clearTimer()
    if (this.inFlight || !this.pending) return
    // In storage before it leaves: if the save fails, the draft is what survives a reload.
    this.persistDraft()
    const content = this.pending()
    this.pending = null
    this.inFlight = true
    this.setState('saving')
    try {
      const result = await this.options.save({ expectedVersion: this.version, content })
      this.retries = 0
      if (result.status === 'conflict') {
        // The server kept this text as a version. This tab keeps its stale version on
        // purpose: its later saves are kept as versions too, never written over the other
        // tab's text, until the writer reloads the latest.
        this.setState('conflict')
      } else {
        this.version = result.version
      }
      if (result.status === 'saved' && !this.pending) {
        this.setState('saved')
      }
      if (!this.pending) this.options.storage.removeItem(draftKey(this.options.chapterId))
    } catch (error) {
      // Put it back unless newer text arrived meanwhile; the draft is still in storage.
      this.pending ??= () => content
      if (error instanceof SaveRejected) {
        this.setState('rejected')
        this.pending = null
        return
      }
      this.setState('offline')
      const delays = this.options.retryDelaysMs
      this.schedule(delays[Math.min(this.retries++, delays.length - 1)])
      return
    } finally {
      this.inFlight = false
    }
    if (this.pending) this.schedule(this.options.debounceMs)
  }

  /** After a conflict the writer chose to continue from the server's latest text. */
  acknowledgeConflict(latestVersion: number) {
    this.version = latestVersion
    this.setState(this.pending ? 'unsaved' : 'saved')
  }

  get hasUnsavedChanges() {
    return this.pending !== null || this.inFlight || this.state === 'offline'
  }

  dispose() {
    this.persistDraft()
    this.clearTimer()
  }

  private schedule(delay: number) {
    this.clearTimer()
    this.timer = setTimeout(() => void this.flush(), delay)
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private setState(state: AutosaveState) {
    this.state = state
    this.options.onChange(state, this.version)
  }
}

function once<T>(produce: () => T): () => T {
  let produced: { value: T } | null = null
  return () => (produced ??= { value: produce() }).value
}
