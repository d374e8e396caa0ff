import type { ManuscriptDoc } from '~/modules/manuscript/schema.ts'
import { ChapterAutosave, draftKey, findUnsavedDraft, type SaveFn } from './autosave.ts'

const doc = (text: string): ManuscriptDoc => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] })

function memoryStorage() {
  const map = new Map<string, string>()
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k), map }
}

function setup(save: SaveFn) {
  const storage = memoryStorage()
  const states: string[] = []
  const autosave = new ChapterAutosave({ chapterId: 'c1', version: 1, save, storage, onChange: (s) => states.push(s), debounceMs: 500, retryDelaysMs: [1000, 2000] })
  return { autosave, storage, states }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('chapter autosave', () => {
  it('keeps every edit in the browser until the server confirms, and sends one debounced save', async () => {
    const save = vi.fn<SaveFn>(async ({ expectedVersion }) => ({ status: 'saved', version: expectedVersion + 1 }))
    const { autosave, storage, states } = setup(save)
    autosave.edit(doc('O'))
    autosave.edit(doc('Olá'))
    await vi.advanceTimersByTimeAsync(250)
    expect(findUnsavedDraft(storage, 'c1')?.content).toEqual(doc('Olá'))
    expect(save).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(250)
    expect(save).toHaveBeenCalledTimes(1)
    expect(save).toHaveBeenCalledWith({ expectedVersion: 1, content: doc('Olá') })
    expect(storage.map.has(draftKey('c1'))).toBe(false)
    expect(states.at(-1)).toBe('saved')
  })

  it('goes offline keeping the changes, retries, and saves everything typed meanwhile', async () => {
    let online = false
    const save = vi.fn<SaveFn>(async ({ expectedVersion }) => {
      if (!online) throw new TypeError('Failed to fetch')
      return { status: 'saved', version: expectedVersion + 1 }
    })
    const { autosave, storage, states } = setup(save)
    autosave.edit(doc('primeira'))
    await vi.advanceTimersByTimeAsync(500)
    expect(states.at(-1)).toBe('offline')
    autosave.edit(doc('primeira e segunda'))
    await vi.advanceTimersByTimeAsync(250)
    expect(findUnsavedDraft(storage, 'c1')?.content).toEqual(doc('primeira e segunda'))
    online = true
    await vi.advanceTimersByTimeAsync(2000)
    expect(save).toHaveBeenLastCalledWith({ expectedVersion: 1, content: doc('primeira e segunda') })
    expect(states.at(-1)).toBe('saved')
    expect(findUnsavedDraft(storage, 'c1')).toBeNull()
  })

  it('reports a conflict and never saves over the other tab’s text afterwards', async () => {
    const save = vi
      .fn<SaveFn>()
      .mockResolvedValueOnce({ status: 'conflict', version: 7 })
      .mockImplementation(async ({ expectedVersion }) => ({ status: 'saved', version: expectedVersion + 1 }))
    const { autosave, states } = setup(save)
    autosave.edit(doc('outra aba'))
    await vi.advanceTimersByTimeAsync(500)
    expect(states.at(-1)).toBe('conflict')
    autosave.edit(doc('continuo'))
    await vi.advanceTimersByTimeAsync(500)
    // Still based on version 1: the server keeps this text as another version.
    expect(save).toHaveBeenLastCalledWith({ expectedVersion: 1, content: doc('continuo') })
  })

  it('never drops text typed while a save is in flight', async () => {
    let release!: () => void
    const save = vi.fn<SaveFn>(
      ({ expectedVersion }) => new Promise((resolve) => (release = () => resolve({ status: 'saved', version: expectedVersion + 1 }))),
    )
    const { autosave, storage } = setup(save)
    autosave.edit(doc('a'))
    await vi.advanceTimersByTimeAsync(500)
    autosave.edit(doc('ab'))
    release()
    await vi.advanceTimersByTimeAsync(250)
    expect(findUnsavedDraft(storage, 'c1')?.content).toEqual(doc('ab'))
    await vi.advanceTimersByTimeAsync(250)
    release()
    await vi.advanceTimersByTimeAsync(0)
    expect(save).toHaveBeenLastCalledWith({ expectedVersion: 2, content: doc('ab') })
    expect(findUnsavedDraft(storage, 'c1')).toBeNull()
  })

  it('stores what is typed at least every quarter second while typing goes on, and at once when asked', async () => {
    const save = vi.fn<SaveFn>(async ({ expectedVersion }) => ({ status: 'saved', version: expectedVersion + 1 }))
    const { autosave, storage } = setup(save)
    let text = ''
    for (let i = 0; i < 6; i++) {
      text += 'a'
      autosave.edit(doc(text))
      await vi.advanceTimersByTimeAsync(100)
    }
    // Typing never paused for the save's debounce, yet storage lags by at most a quarter second.
    expect(save).not.toHaveBeenCalled()
    expect(findUnsavedDraft(storage, 'c1')?.content).toEqual(doc('aaaaaa'))
    autosave.edit(doc('aaaaaa!'))
    autosave.persistDraft()
    expect(findUnsavedDraft(storage, 'c1')?.content).toEqual(doc('aaaaaa!'))
  })

  it('serialises an edit given as a function only when it is stored or sent', async () => {
    const save = vi.fn<SaveFn>(async ({ expectedVersion }) => ({ status: 'saved', version: expectedVersion + 1 }))
    const { autosave } = setup(save)
    const produced: string[] = []
    const lazy = (text: string) => () => {
      produced.push(text)
      return doc(text)
    }
    for (const text of ['O', 'Ol', 'Olá']) autosave.edit(lazy(text))
    expect(produced).toEqual([])
    await vi.advanceTimersByTimeAsync(500)
    // Stored once after 250 ms and sent after 500 ms: the same document, produced once.
    expect(produced).toEqual(['Olá'])
    expect(save).toHaveBeenCalledWith({ expectedVersion: 1, content: doc('Olá') })
  })
})
