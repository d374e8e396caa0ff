// Which tabs are open, through the Web Locks API: each page holds a lock named after its tab
// id for as long as it lives (the browser releases it when the tab closes or crashes), so a
// page can tell a draft another open tab is still working on from one a closed tab left.
// Without the API every draft counts as left behind, which can only duplicate text as a
// version, never lose it.
const LOCK_PREFIX = 'flowstory:tab:'

export function newTabId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}

/** Holds this tab's presence until the returned function is called. */
export function holdTabPresence(tabId: string): () => void {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks) return () => {}
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  locks.request(`${LOCK_PREFIX}${tabId}`, () => held).catch(() => {})
  return release
}

export async function isTabOpen(tabId: string): Promise<boolean> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks) return false
  const { held = [] } = await locks.query()
  return held.some((lock) => lock.name === `${LOCK_PREFIX}${tabId}`)
}
