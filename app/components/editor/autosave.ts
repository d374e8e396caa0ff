// Autosave that never loses a word. Every edit is written to the browser's storage within a
// quarter of a second — at once when the page is hidden or closed and before every save —
// (one draft per tab) and stays there until the server confirms it; saves are debounced but
// never starved by steady typing, and carry the chapter version they were based on; an
// unreachable server means "offline — changes kept" and a retry with backoff; a save whose
// answer was lost (the server died after writing it) is recognised instead of reported as a
// conflict; a stale version comes back as a conflict (the server keeps this text as a
// version, so both survive), the writer is told, and the tab holds its further edits until
// the writer loads the latest text. After a reload or a crash, a draft no open tab owns is
// found in storage and sent again with the version it was based on.
// An edit may be given as a function that produces the document: serialising a 20,000-word
// chapter takes milliseconds, so it is done once per storage write or save, never per keystroke.
import type { ManuscriptDoc } from '~/modules/manuscript/schema.ts'

export type SaveResult = { status: 'saved'; version: number } | { status: 'conflict'; version: number }
export type SaveFn = (request: { expectedVersion: number; content: ManuscriptDoc }) => Promise<SaveResult>
export type LatestChapter = { version: number; content: ManuscriptDoc }
/** The chapter as the server has it now. */
export type LatestFn = () => Promise<LatestChapter>
export type AutosaveState = 'saved' | 'unsaved' | 'saving' | 'offline' | 'conflict' | 'rejected'
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>

export type StoredDraft = { baseVersion: number; content: ManuscriptDoc; changedAt: number }
export type FoundDraft = StoredDraft & { key: string }

const DRAFT_PREFIX = 'flowstory:draft:'

/** Each tab keeps its own draft, so two tabs on one chapter never remove each other's. */
export const draftKey = (chapterId: string, tabId: string) => `${DRAFT_PREFIX}${chapterId}:${tabId}`

/**
 * Drafts of this chapter the server never confirmed and no open tab is working on (a closed
 * tab, a crash, a reload), newest first. Drafts written before drafts were per tab have no
 * tab id and are always orphans.
 */
export async function findOrphanDrafts(storage: DraftStorage, chapterId: string, isTabOpen: (tabId: string) => Promise<boolean>): Promise<FoundDraft[]> {
  const prefix = `${DRAFT_PREFIX}${chapterId}`
  const found: FoundDraft[] = []
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i)
      if (!key || (key !== prefix && !key.startsWith(`${prefix}:`))) continue
      const tabId = key.slice(prefix.length + 1)
      if (tabId && (await isTabOpen(tabId))) continue
      const raw = storage.getItem(key)
      if (raw) found.push({ ...(JSON.parse(raw) as StoredDraft), key })
    }
  } catch {
    // Storage disabled or a draft unreadable: nothing to recover from it.
  }
  return found.sort((a, b) => b.changedAt - a.changedAt)
}

/** Same document, whatever the key order (jsonb does not keep the editor's order). */
export function sameDoc(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

/** Thrown by a SaveFn when the server refused the content itself (4xx): retrying cannot help. */
export class SaveRejected extends Error {}

type Options = {
  chapterId: string
  tabId: string
  version: number
  save: SaveFn
  latest: LatestFn
  storage: DraftStorage
  onChange: (state: AutosaveState, version: number) => void
  debounceMs?: number
  /** Steady typing never pauses long enough for the debounce: save at least this often. */
  maxWaitMs?: number
  /** How long an edit may stay only in memory while typing goes on (bounded, not debounced). */
  draftDelayMs?: number
  retryDelaysMs?: number[]
  now?: () => number
}

export class ChapterAutosave {
  private version: number
  /** The edit not yet sent, produced (serialised) at most once. */
  private pending: (() => ManuscriptDoc) | null = null
  /** Set while the pending edit is newer than the draft in storage. */
  private draft: { baseVersion: number; changedAt: number } | null = null
  /** When the oldest edit not yet sent was made. */
  private pendingSince: number | null = null
  /** Texts sent with the current version whose answer never came: one may have been written. */
  private unconfirmed: ManuscriptDoc[] = []
  private inFlight = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private draftTimer: ReturnType<typeof setTimeout> | null = null
  private retries = 0
  private state: AutosaveState = 'saved'
  private readonly options: Required<Omit<Options, 'version'>>

  constructor(options: Options) {
    this.version = options.version
    this.options = { debounceMs: 800, maxWaitMs: 3_000, draftDelayMs: 250, retryDelaysMs: [1_000, 2_000, 5_000, 10_000], now: Date.now, ...options }
  }

  get currentState() {
    return this.state
  }

  get tabId() {
    return this.options.tabId
  }

  private get key() {
    return draftKey(this.options.chapterId, this.options.tabId)
  }

  /** Records an edit: kept in storage within draftDelayMs, sent after a pause in typing. */
  edit(content: ManuscriptDoc | (() => ManuscriptDoc)) {
    const now = this.options.now()
    this.pending = once(typeof content === 'function' ? content : () => content)
    this.pendingSince ??= now
    this.draft = { baseVersion: this.version, changedAt: now }
    this.draftTimer ??= setTimeout(() => this.persistDraft(), this.options.draftDelayMs)
    // After a conflict the tab holds its edits (kept in storage) until the writer decides.
    if (this.state === 'conflict') return
    if (this.state !== 'offline') this.setState('unsaved')
    const untilMaxWait = this.pendingSince + this.options.maxWaitMs - now
    this.schedule(Math.max(0, Math.min(this.options.debounceMs, untilMaxWait)))
  }

  /**
   * Takes over a draft a closed tab left: it is sent with the version it was based on, so if
   * the chapter changed since, it becomes a conflict instead of an overwrite.
   */
  recover(draft: FoundDraft, storage: DraftStorage = this.options.storage) {
    this.version = draft.baseVersion
    this.edit(draft.content)
    // Under this tab's key before the closed tab's copy goes.
    this.persistDraft()
    try {
      storage.removeItem(draft.key)
    } catch {
      // Nothing to remove from a disabled storage.
    }
  }

  /** Writes the latest unconfirmed edit to storage now (e.g. the page is being hidden or closed). */
  persistDraft() {
    if (this.draftTimer) clearTimeout(this.draftTimer)
    this.draftTimer = null
    if (!this.pending || !this.draft) return
    const stored: StoredDraft = { ...this.draft, content: this.pending() }
    this.draft = null
    try {
      this.options.storage.setItem(this.key, JSON.stringify(stored))
    } catch {
      // Storage full or disabled: the in-memory copy still goes to the server.
    }
  }

  /** Sends what is pending now (e.g. before leaving the page or when the network returns). */
  async flush(): Promise<void> {
    this.clearTimer()
    if (this.inFlight || !this.pending || this.state === 'conflict') return
    // In storage before it leaves: if the save fails, the draft is what survives a reload.
    this.persistDraft()
    const content = this.pending()
    this.pending = null
    this.pendingSince = null
    this.inFlight = true
    // While offline the status stays "changes kept" until a retry gets through.
    if (this.state !== 'offline') this.setState('saving')
    try {
      if (this.unconfirmed.length > 0) await this.adoptLostSave()
      const result = await this.options.save({ expectedVersion: this.version, content })
      this.retries = 0
      this.unconfirmed = []
      if (result.status === 'conflict') {
        // The server kept this text as a version and left the chapter alone. Later edits
        // wait in storage until the writer loads the latest text (resolveConflict).
        this.setState('conflict')
        if (!this.pending) this.removeDraft()
        return
      }
      this.version = result.version
      if (!this.pending) {
        this.removeDraft()
        this.setState('saved')
      } else if (this.state === 'offline') {
        // Back online while the writer types on: the rest follows with the next save.
        this.setState('unsaved')
      }
    } catch (error) {
      // Put it back unless newer text arrived meanwhile; the draft is still in storage.
      this.pending ??= () => content
      if (error instanceof SaveRejected) {
        // Whatever was typed meanwhile joins the draft in storage: the writer copies it from there.
        this.persistDraft()
        this.setState('rejected')
        this.pending = null
        this.pendingSince = null
        return
      }
      this.unconfirmed.push(content)
      this.pendingSince = this.options.now()
      this.setState('offline')
      const delays = this.options.retryDelaysMs
      this.schedule(delays[Math.min(this.retries++, delays.length - 1)])
      return
    } finally {
      this.inFlight = false
    }
    if (this.pending) this.schedule(this.options.debounceMs)
  }

  /**
   * After a conflict: the writer continues from the server's latest text. Edits made in this
   * tab since the conflict are first kept as a version too, so nothing typed is lost. Returns
   * the latest text for the editor to show; throws (staying in conflict) when unreachable.
   */
  async resolveConflict(): Promise<LatestChapter> {
    this.clearTimer()
    while (this.pending) {
      // In storage first: if the server cannot be reached, the held edits survive a reload.
      this.persistDraft()
      const held = this.pending
      this.pending = null
      try {
        // Still based on the stale version: the server keeps it as another conflict version.
        await this.options.save({ expectedVersion: this.version, content: held() })
      } catch (error) {
        this.pending ??= held
        throw error
      }
    }
    const latest = await this.options.latest()
    this.pendingSince = null
    this.removeDraft()
    this.version = latest.version
    this.setState('saved')
    return latest
  }

  /**
   * Saves everything typed so far and resolves true once the server has it — for callers that
   * read the saved text (the AI panel). False when it cannot be saved now (offline, conflict,
   * refused) or does not settle within `timeoutMs`.
   */
  async saveNow({ timeoutMs = 15_000, pollMs = 50 } = {}): Promise<boolean> {
    const deadline = this.options.now() + timeoutMs
    while (this.options.now() <= deadline) {
      if (this.state === 'conflict' || this.state === 'rejected') return false
      if (!this.hasUnsavedChanges) return true
      if (!this.inFlight) {
        await this.flush()
        // flush() already retried what it could; still offline means the server is out of reach.
        if (this.state === 'offline') return false
        continue
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs))
    }
    return false
  }

  get hasUnsavedChanges() {
    return this.pending !== null || this.inFlight || this.state === 'offline'
  }

  dispose() {
    this.persistDraft()
    this.clearTimer()
  }

  /**
   * A save whose answer was lost may have been written (the server died after committing).
   * If the chapter is now exactly one version ahead with that text, it was this tab's own
   * save: continue from it instead of reporting a conflict with ourselves.
   */
  private async adoptLostSave() {
    const latest = await this.options.latest()
    if (latest.version === this.version + 1 && this.unconfirmed.some((sent) => sameDoc(sent, latest.content))) {
      this.version = latest.version
    }
    this.unconfirmed = []
  }

  private removeDraft() {
    try {
      this.options.storage.removeItem(this.key)
    } catch {
      // Nothing to remove from a disabled storage.
    }
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
