// Whether the AI panel is open, remembered in this browser across chapters and visits.
// Closed until the page has hydrated (the server cannot know), then as the writer left it.
import { useCallback, useEffect, useState } from 'react'

const KEY = 'flowstory:ai-panel'

export function useAiPanelOpen(): [boolean, (open: boolean) => void] {
  const [open, setOpenState] = useState(false)
  useEffect(() => {
    try {
      setOpenState(window.localStorage.getItem(KEY) === 'open')
    } catch {
      // Storage disabled: the panel starts closed.
    }
  }, [])
  const setOpen = useCallback((next: boolean) => {
    setOpenState(next)
    try {
      window.localStorage.setItem(KEY, next ? 'open' : 'closed')
    } catch {
      // Not remembered; still toggles.
    }
  }, [])
  return [open, setOpen]
}
