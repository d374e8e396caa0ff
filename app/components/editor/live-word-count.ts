// The open chapter's word count as the writer types, for the outline in the sidebar. The
// editor publishes; each outline row reads only its own chapter, so a new count re-renders
// one row. A count outlives its editor (the row keeps showing the words just written) until
// the outline's data is reloaded from the server, which then knows better.
import { useSyncExternalStore } from 'react'

const counts = new Map<string, number>()
const openEditors = new Set<string>()
const listeners = new Set<() => void>()

function notify() {
  for (const listener of listeners) listener()
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

export function publishWordCount(chapterId: string, words: number) {
  if (counts.get(chapterId) === words) return
  counts.set(chapterId, words)
  notify()
}

/** Marks the chapter's editor as open; call the returned function when it closes. */
export function openWordCount(chapterId: string): () => void {
  openEditors.add(chapterId)
  return () => {
    openEditors.delete(chapterId)
  }
}

/** Fresh outline data from the server: keep only the counts of editors still open. */
export function forgetClosedWordCounts() {
  let changed = false
  for (const chapterId of counts.keys()) {
    if (!openEditors.has(chapterId)) {
      counts.delete(chapterId)
      changed = true
    }
  }
  if (changed) notify()
}

/** The live count of the chapter, or undefined when no editor has reported one. */
export function useLiveWordCount(chapterId: string): number | undefined {
  return useSyncExternalStore(
    subscribe,
    () => counts.get(chapterId),
    () => undefined,
  )
}
