// The panel and the server read the chat request's actions and limits from one place, and the
// panel parses what the server sends without zod (the chapter page's JavaScript budget,
// decision 009: zod stays at the server boundaries).
import fs from 'node:fs'
import * as contract from './chat-contract.ts'
import * as request from './chat-request.ts'

describe('chat contract (panel side)', () => {
  it('uses the shared request schema’s actions and limits, not copies', () => {
    expect(contract.CHAT_ACTIONS).toBe(request.ACTIONS)
    expect(contract.SELECTION_MAX).toBe(request.MAX_SELECTION_CHARS)
    expect(contract.QUESTION_MAX).toBe(request.MAX_QUESTION_CHARS)
    expect(contract.HISTORY_ITEM_MAX).toBe(request.MAX_HISTORY_CHARS)
    expect(contract.HISTORY_MAX_ITEMS).toBe(request.MAX_HISTORY_ITEMS)
    for (const action of request.ACTIONS) expect(contract.isProposalAction(action), action).toBe(request.SELECTION_ACTIONS.has(action))
  })

  it('keeps zod out of what the browser loads for the panel', () => {
    for (const file of ['chat-contract.ts', 'chat-limits.ts', 'chat-errors.ts', 'sse.ts', '../../components/ai/chat-client.ts']) {
      const source = fs.readFileSync(new URL(file, import.meta.url), 'utf8')
      expect(source, file).not.toMatch(/from 'zod'|chat-request\.ts'/)
    }
  })

  it('parses a preview, a delta, done and an error body, and refuses malformed ones', () => {
    const preview = {
      model: 'm',
      source: 'own',
      context: [{ kind: 'chapter', label: 'A', chapterId: 'c1', tokens: 3 }, { kind: 'newer-kind', label: 'B', tokens: 0 }],
      sources: [{ n: 1, chapterId: 'c1', chapterTitle: 'A', charStart: 0, charEnd: 5, excerpt: 'x' }],
      estimate: { promptTokens: 1, maxCompletionTokens: 2, costUsd: 0 },
    }
    expect(contract.parsePreview(preview)).toEqual(preview)
    expect(contract.parsePreview({ ...preview, source: 'theirs' })).toBeNull()
    expect(contract.parsePreview({ ...preview, sources: [{ ...preview.sources[0], n: 0 }] })).toBeNull()
    expect(contract.parsePreview({ ...preview, context: [{ kind: 'chapter', label: 'A', tokens: 1.5 }] })).toBeNull()
    expect(contract.parsePreview({ ...preview, estimate: { promptTokens: 1, maxCompletionTokens: 2, costUsd: -1 } })).toBeNull()
    expect(contract.parsePreview(null)).toBeNull()
    expect(contract.parseDelta({ text: 'a' })).toEqual({ text: 'a' })
    expect(contract.parseDelta({ text: 1 })).toBeNull()
    const usage = { promptTokens: 1, completionTokens: 2, costUsd: 0.1, estimated: true }
    expect(contract.parseDone({ usage })).toEqual({ usage })
    expect(contract.parseDone({ usage, summary: { chapterId: 'c', chapterVersion: 3 } })).toEqual({ usage, summary: { chapterId: 'c', chapterVersion: 3 } })
    expect(contract.parseDone({ usage: { ...usage, estimated: 'no' } })).toBeNull()
    expect(contract.parseDone({ usage, summary: { chapterId: 'c' } })).toBeNull()
    expect(contract.parseErrorBody({ code: 'answer_too_long', message: 'cut' })).toEqual({ code: 'answer_too_long', message: 'cut' })
    expect(contract.parseErrorBody({ code: 'x' })).toEqual({ code: 'x' })
    expect(contract.parseErrorBody({ message: 'no code' })).toBeNull()
  })
})
