import type { ManuscriptDoc } from '~/modules/manuscript/schema.ts'
import { ChapterAutosave, draftKey, findOrphanDrafts, sameDoc, type LatestFn, type SaveFn } from './autosave.ts'

const doc = (text: string): ManuscriptDoc => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] })

function memoryStorage() {
  const map = new Map<string, string>()
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
    key: (i: number) => [...map.keys()][i] ?? null,
    get length() {
      return map.size
    },
    map,
  }
}

const KEY = draftKey('c1', 'tab-1')
const storedContent = (storage: ReturnType<typeof memoryStorage>) => {
  const raw = storage.getItem(KEY)
  return raw ? (JSON.parse(raw) as { content: ManuscriptDoc; baseVersion: number }) : null
}

function setup(save: SaveFn, latest: LatestFn = async () => ({ version: 1, content: doc('') }), storage = memoryStorage()) {
  const states: string[] = []
  const autosave = new ChapterAutosave({
    chapterId: 'c1',
    tabId: 'tab-1',
    version: 1,
    save,
    latest,
    storage,
    onChange: (s) => states.push(s),
    debounceMs: 500,
    maxWaitMs: 2000,
    retryDelaysMs: [1000, 2000],
  })
  return { autosave, storage, states }
}

const accept = vi.fn<SaveFn>(async ({ expectedVersion }) => ({ status: 'saved', version: expectedVersion + 1 }))

beforeEach(() => {
  vi.useFakeTimers()
  accept.mockClear()
})
afterEach(() => vi.useRealTimers())

describe('chapter autosave', () => {
  it('keeps every edit in the browser until the server confirms, and sends one debounced save', async () => {
    const { autosave, storage, states } = setup(accept)
    autosave.edit(doc('O'))
    autosave.edit(doc('Olá'))
    await vi.advanceTimersByTimeAsync(250)
    expect(storedContent(storage)?.content).toEqual(doc('Olá'))
    expect(accept).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(250)
    expect(accept).toHaveBeenCalledTimes(1)
    expect(accept).toHaveBeenCalledWith({ expectedVersion: 1, content: doc('Olá') })
    expect(storage.map.size).toBe(0)
    expect(states.at(-1)).toBe('saved')
  })

  it('saves during steady typing instead of waiting for a pause that never comes', async () => {
    const { autosave } = setup(accept)
    let text = ''
    for (let i = 0; i < 50; i++) {
      text += 'a'
      autosave.edit(doc(text))
      await vi.advanceTimersByTimeAsync(100)
    }
    // 5 s of typing, one key every 100 ms: a save at least every 2 s.
    expect(accept.mock.calls.length).toBeGreaterThanOrEqual(2)
    await vi.advanceTimersByTimeAsync(500)
    expect(accept).toHaveBeenLastCalledWith({ expectedVersion: accept.mock.calls.length, content: doc(text) })
  })

  it('goes offline keeping the changes, stays offline while retrying, and saves everything typed meanwhile', async () => {
    let online = false
    const save = vi.fn<SaveFn>(async ({ expectedVersion }) => {
      if (!online) throw new TypeError('Failed to fetch')
      return { status: 'saved', version: expectedVersion + 1 }
    })
    const latest = vi.fn<LatestFn>(async () => {
      if (!online) throw new TypeError('Failed to fetch')
      return { version: 1, content: doc('') }
    })
    const { autosave, storage, states } = setup(save, latest)
    autosave.edit(doc('primeira'))
    await vi.advanceTimersByTimeAsync(500)
    expect(states.at(-1)).toBe('offline')
    autosave.edit(doc('primeira e segunda'))
    await vi.advanceTimersByTimeAsync(250)
    expect(storedContent(storage)?.content).toEqual(doc('primeira e segunda'))
    await vi.advanceTimersByTimeAsync(2750)
    // Retried, and the status never flickered back to "saving" meanwhile.
    expect(save.mock.calls.length + latest.mock.calls.length).toBeGreaterThan(1)
    expect(new Set(states.slice(states.indexOf('offline')))).toEqual(new Set(['offline']))
    online = true
    await vi.advanceTimersByTimeAsync(2000)
    expect(save).toHaveBeenLastCalledWith({ expectedVersion: 1, content: doc('primeira e segunda') })
    expect(states.at(-1)).toBe('saved')
    expect(storage.map.size).toBe(0)
  })

  it('leaves "offline" on the first save that gets through, even while the writer types on', async () => {
    let online = false
    const save = vi.fn<SaveFn>(async ({ expectedVersion }) => {
      if (!online) throw new TypeError('Failed to fetch')
      return { status: 'saved', version: expectedVersion + 1 }
    })
    const { autosave, states } = setup(save, async () => ({ version: 1, content: doc('') }))
    let text = 'a'
    autosave.edit(doc(text))
    await vi.advanceTimersByTimeAsync(500)
    expect(states.at(-1)).toBe('offline')
    online = true
    // One key every 100 ms, never a pause: the next save goes at the latest 2 s after the failure.
    for (let i = 0; i < 25; i++) {
      text += 'a'
      autosave.edit(doc(text))
      await vi.advanceTimersByTimeAsync(100)
    }
    expect(states.at(-1)).not.toBe('offline')
    expect(save).toHaveBeenCalledTimes(2)
  })

  it('recognises its own save whose answer was lost instead of reporting a conflict', async () => {
    // The server writes the save and dies before answering; the retry must not conflict with it.
    const server = { version: 1, content: doc('') }
    let answer = false
    const save = vi.fn<SaveFn>(async ({ expectedVersion, content }) => {
      if (expectedVersion !== server.version) return { status: 'conflict', version: server.version }
      Object.assign(server, { version: server.version + 1, content })
      if (!answer) throw new TypeError('network error')
      return { status: 'saved', version: server.version }
    })
    const { autosave, states } = setup(save, async () => ({ ...server }))
    autosave.edit(doc('escrito antes da queda'))
    await vi.advanceTimersByTimeAsync(500)
    expect(states.at(-1)).toBe('offline')
    answer = true
    autosave.edit(doc('escrito antes da queda e depois'))
    await vi.advanceTimersByTimeAsync(500)
    expect(save).toHaveBeenLastCalledWith({ expectedVersion: 2, content: doc('escrito antes da queda e depois') })
    expect(states).not.toContain('conflict')
    expect(server).toEqual({ version: 3, content: doc('escrito antes da queda e depois') })
  })

  it('reports a conflict, holds later edits in the browser, and loads the latest text keeping them as a version', async () => {
    const save = vi
      .fn<SaveFn>()
      .mockResolvedValueOnce({ status: 'conflict', version: 7 })
      .mockResolvedValueOnce({ status: 'conflict', version: 7 })
      .mockImplementation(async ({ expectedVersion }) => ({ status: 'saved', version: expectedVersion + 1 }))
    const { autosave, storage, states } = setup(save, async () => ({ version: 7, content: doc('texto da outra aba') }))
    autosave.edit(doc('outra aba'))
    await vi.advanceTimersByTimeAsync(500)
    expect(states.at(-1)).toBe('conflict')

    autosave.edit(doc('continuo'))
    await vi.advanceTimersByTimeAsync(10_000)
    expect(save).toHaveBeenCalledTimes(1)
    expect(storedContent(storage)).toMatchObject({ content: doc('continuo'), baseVersion: 1 })

    const latest = await autosave.resolveConflict()
    expect(latest.content).toEqual(doc('texto da outra aba'))
    // Still based on version 1: the server keeps it as another version, never over the other tab's text.
    expect(save).toHaveBeenLastCalledWith({ expectedVersion: 1, content: doc('continuo') })
    expect(states.at(-1)).toBe('saved')
    expect(storage.map.size).toBe(0)

    autosave.edit(doc('texto da outra aba, e mais'))
    await vi.advanceTimersByTimeAsync(500)
    expect(save).toHaveBeenLastCalledWith({ expectedVersion: 7, content: doc('texto da outra aba, e mais') })
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
    expect(storedContent(storage)?.content).toEqual(doc('ab'))
    await vi.advanceTimersByTimeAsync(250)
    release()
    await vi.advanceTimersByTimeAsync(0)
    expect(save).toHaveBeenLastCalledWith({ expectedVersion: 2, content: doc('ab') })
    expect(storage.map.size).toBe(0)
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
    expect(storedContent(storage)?.content).toEqual(doc('aaaaaa'))
    autosave.edit(doc('aaaaaa!'))
    autosave.persistDraft()
    expect(storedContent(storage)?.content).toEqual(doc('aaaaaa!'))
  })

  it('puts an edit in storage before sending it, so a save that fails leaves it in the browser', async () => {
    const unreachable = vi.fn<SaveFn>(async () => {
      throw new TypeError('Failed to fetch')
    })
    const { autosave, storage } = setup(unreachable, async () => {
      throw new TypeError('Failed to fetch')
    })
    autosave.edit(doc('antes de fechar'))
    // Sent at once (the page is closing), well before the quarter-second draft write.
    await autosave.flush()
    expect(unreachable).toHaveBeenCalledTimes(1)
    expect(storedContent(storage)).toMatchObject({ content: doc('antes de fechar'), baseVersion: 1 })
    autosave.dispose()
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

describe('saving now (before an AI call reads the saved text)', () => {
  it('sends what is pending at once and resolves true when the server has it', async () => {
    const { autosave } = setup(accept)
    autosave.edit(doc('Olá'))
    await expect(autosave.saveNow()).resolves.toBe(true)
    expect(accept).toHaveBeenCalledWith({ expectedVersion: 1, content: doc('Olá') })
    expect(autosave.hasUnsavedChanges).toBe(false)
  })

  it('waits for a save already in flight and then sends what was typed meanwhile', async () => {
    let release: () => void = () => {}
    const slow = vi.fn<SaveFn>(async ({ expectedVersion }) => {
      if (slow.mock.calls.length === 1) await new Promise<void>((r) => (release = r))
      return { status: 'saved', version: expectedVersion + 1 }
    })
    const { autosave } = setup(slow)
    autosave.edit(doc('a'))
    void autosave.flush()
    autosave.edit(doc('ab'))
    const saved = autosave.saveNow()
    await vi.advanceTimersByTimeAsync(200)
    release()
    await vi.advanceTimersByTimeAsync(200)
    await expect(saved).resolves.toBe(true)
    expect(slow).toHaveBeenLastCalledWith({ expectedVersion: 2, content: doc('ab') })
  })

  it('resolves false when the server cannot be reached or reports a conflict', async () => {
    const { autosave } = setup(vi.fn<SaveFn>(async () => Promise.reject(new Error('offline'))))
    autosave.edit(doc('a'))
    await expect(autosave.saveNow()).resolves.toBe(false)
    const conflicted = setup(vi.fn<SaveFn>(async () => ({ status: 'conflict', version: 5 })))
    conflicted.autosave.edit(doc('a'))
    await expect(conflicted.autosave.saveNow()).resolves.toBe(false)
  })

  it('resolves true at once when nothing is pending', async () => {
    const { autosave } = setup(accept)
    await expect(autosave.saveNow()).resolves.toBe(true)
    expect(accept).not.toHaveBeenCalled()
  })
})

describe('drafts left behind', () => {
  it('finds the drafts of closed tabs, newest first, and leaves open tabs’ drafts alone', async () => {
    const storage = memoryStorage()
    const put = (key: string, text: string, changedAt: number) => storage.setItem(key, JSON.stringify({ baseVersion: 3, content: doc(text), changedAt }))
    put(draftKey('c1', 'closed-old'), 'old', 1)
    put(draftKey('c1', 'closed-new'), 'new', 2)
    put(draftKey('c1', 'open'), 'still typing', 3)
    put(draftKey('c2', 'closed'), 'another chapter', 4)
    put('flowstory:draft:c1', 'from before drafts were per tab', 0)
    const found = await findOrphanDrafts(storage, 'c1', async (tabId) => tabId === 'open')
    expect(found.map((d) => d.content)).toEqual([doc('new'), doc('old'), doc('from before drafts were per tab')])
  })

  it('sends a recovered draft with the version it was based on, so a newer text is never overwritten', async () => {
    const storage = memoryStorage()
    const conflict = vi.fn<SaveFn>(async () => ({ status: 'conflict', version: 5 }))
    const { autosave, states } = setup(conflict, undefined, storage)
    storage.setItem(draftKey('c1', 'closed'), JSON.stringify({ baseVersion: 3, content: doc('deixado'), changedAt: 1 }))
    const [draft] = await findOrphanDrafts(storage, 'c1', async () => false)
    autosave.recover(draft)
    expect(storage.getItem(draftKey('c1', 'closed'))).toBeNull()
    expect(storedContent(storage)).toMatchObject({ content: doc('deixado'), baseVersion: 3 })
    await vi.advanceTimersByTimeAsync(500)
    expect(conflict).toHaveBeenCalledWith({ expectedVersion: 3, content: doc('deixado') })
    expect(states.at(-1)).toBe('conflict')
  })

  it('compares documents whatever their key order', () => {
    expect(sameDoc({ type: 'doc', content: [{ text: 'a', type: 'text' }] }, { content: [{ type: 'text', text: 'a' }], type: 'doc' })).toBe(true)
    expect(sameDoc(doc('a'), doc('b'))).toBe(false)
  })
})
