// Autosave that never loses a word. Every edit is written to the browser's storage at once
// and stays there until the server confirms it; saves are debounced and carry the chapter
// version they were based on; an unreachable server means "offline — changes kept" and a
// retry with backoff; a stale version comes back as a conflict (the server keeps this text
// as a version, so both survive) and the writer is told. After a reload, an unconfirmed
// draft is found in storage and sent again.
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
  retryDelaysMs?: number[]
  now?: () => number
}

export class ChapterAutosave {
  private version: number
  private pending: ManuscriptDoc | null = null
  private inFlight = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private retries = 0
  private state: AutosaveState = 'saved'
  private readonly options: Required<Omit<Options, 'version'>>

  constructor(options: Options) {
    this.version = options.version
    this.options = { debounceMs: 800, retryDelaysMs: [1_000, 2_000, 5_000, 10_000], now: Date.now, ...options }
  }

  get currentState() {
    return this.state
  }

  /** Records an edit: kept in storage immediately, sent after a pause in typing. */
  edit(content: ManuscriptDoc, baseVersion = this.version) {
    this.pending = content
    const draft: StoredDraft = { baseVersion, content, changedAt: this.options.now() }
    try {
      this.options.storage.setItem(draftKey(this.options.chapterId), JSON.stringify(draft))
    } catch {
      // Storage full or disabled: the in-memory copy still goes to the server.
    }
    if (this.state !== 'offline' && this.state !== 'conflict') this.setState('unsaved')
    this.schedule(this.options.debounceMs)
  }

  /** Sends what is pending now (e.g. before leaving the page or when the network returns). */
  async flush(): Promise<void> {
    this.clearTimer()
    if (this.inFlight || !this.pending) return
    const content = this.pending
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
      this.pending ??= content
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
