// The chat path's shapes as the panel reads them (/tmp/s4/chat-contract.md, decision 020).
// What comes from the server is parsed, not trusted: a malformed event is an interruption,
// never a crash or half-shown text.
import {
  ACTIONS,
  MAX_HISTORY_CHARS,
  MAX_HISTORY_ITEMS,
  MAX_PROPOSAL_SELECTION_CHARS,
  MAX_QUESTION_CHARS,
  MAX_SELECTION_CHARS,
  maxSelectionChars,
  PROPOSAL_ACTIONS,
  type ChatAction,
  type ProposalAction,
} from './chat-limits.ts'

// One definition of the actions and limits (chat-limits.ts, re-exported by chat-request.ts for
// the proxy and the function), under the panel's names.
export {
  ACTIONS as CHAT_ACTIONS,
  MAX_HISTORY_CHARS as HISTORY_ITEM_MAX,
  MAX_HISTORY_ITEMS as HISTORY_MAX_ITEMS,
  MAX_QUESTION_CHARS as QUESTION_MAX,
  MAX_SELECTION_CHARS as SELECTION_MAX,
  MAX_PROPOSAL_SELECTION_CHARS as PROPOSAL_SELECTION_MAX,
  maxSelectionChars,
  PROPOSAL_ACTIONS,
  type ChatAction,
  type ProposalAction,
}
export const isProposalAction = (a: ChatAction): a is ProposalAction => (PROPOSAL_ACTIONS as readonly string[]).includes(a)

export type ChatTurn = { role: 'user' | 'assistant'; content: string }

export type ChatRequest = {
  action: ChatAction
  chapterId?: string
  cursor?: number
  selection?: { text: string; start: number; end: number }
  question?: string
  history?: ChatTurn[]
  preview?: boolean
}

export type Source = { n: number; chapterId: string; chapterTitle: string; charStart: number; charEnd: number; excerpt: string }

export const CONTEXT_KINDS = ['instructions', 'chapter', 'selection', 'summary', 'passage', 'question', 'history'] as const

export type Preview = {
  model: string
  source: 'own' | 'platform'
  /** An unknown kind from a newer function still shows, under "other". */
  context: { kind: string; label: string; chapterId?: string; tokens: number }[]
  sources: Source[]
  estimate: { promptTokens: number; maxCompletionTokens: number; costUsd: number }
}

export type Done = {
  usage: { promptTokens: number; completionTokens: number; costUsd: number; estimated: boolean }
  summary?: { chapterId: string; chapterVersion: number }
}

// Small hand-written guards instead of zod: this file ships with the chapter page. Each returns
// the value (only the contract's fields) or null when anything is missing or of the wrong type.
type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isStr = (v: unknown): v is string => typeof v === 'string'
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0
const isCost = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0

function parseSource(v: unknown): Source | null {
  if (!isObj(v) || !isCount(v.n) || v.n < 1 || !isStr(v.chapterId) || !isStr(v.chapterTitle) || !isCount(v.charStart) || !isCount(v.charEnd) || !isStr(v.excerpt)) return null
  return { n: v.n, chapterId: v.chapterId, chapterTitle: v.chapterTitle, charStart: v.charStart, charEnd: v.charEnd, excerpt: v.excerpt }
}

function parseContextItem(v: unknown): Preview['context'][number] | null {
  if (!isObj(v) || !isStr(v.kind) || !isStr(v.label) || !isCount(v.tokens) || (v.chapterId !== undefined && !isStr(v.chapterId))) return null
  return { kind: v.kind, label: v.label, ...(v.chapterId !== undefined ? { chapterId: v.chapterId } : {}), tokens: v.tokens }
}

function all<T>(v: unknown, parse: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(v)) return null
  const out: T[] = []
  for (const item of v) {
    const parsed = parse(item)
    if (parsed === null) return null
    out.push(parsed)
  }
  return out
}

/** The preview answer and the `context` event. */
export function parsePreview(v: unknown): Preview | null {
  if (!isObj(v) || !isStr(v.model) || (v.source !== 'own' && v.source !== 'platform')) return null
  const context = all(v.context, parseContextItem)
  const sources = all(v.sources, parseSource)
  const e = v.estimate
  if (!context || !sources || !isObj(e) || !isCount(e.promptTokens) || !isCount(e.maxCompletionTokens) || !isCost(e.costUsd)) return null
  return { model: v.model, source: v.source, context, sources, estimate: { promptTokens: e.promptTokens, maxCompletionTokens: e.maxCompletionTokens, costUsd: e.costUsd } }
}

export function parseDelta(v: unknown): { text: string } | null {
  return isObj(v) && isStr(v.text) ? { text: v.text } : null
}

export function parseDone(v: unknown): Done | null {
  if (!isObj(v) || !isObj(v.usage)) return null
  const u = v.usage
  if (!isCount(u.promptTokens) || !isCount(u.completionTokens) || !isCost(u.costUsd) || typeof u.estimated !== 'boolean') return null
  const usage = { promptTokens: u.promptTokens, completionTokens: u.completionTokens, costUsd: u.costUsd, estimated: u.estimated }
  if (v.summary === undefined) return { usage }
  const s = v.summary
  if (!isObj(s) || !isStr(s.chapterId) || !Number.isInteger(s.chapterVersion)) return null
  return { usage, summary: { chapterId: s.chapterId, chapterVersion: s.chapterVersion as number } }
}

/** `{code, message}`: an error answered before the stream, or the `error` event. */
export function parseErrorBody(v: unknown): { code: string; message?: string } | null {
  if (!isObj(v) || !isStr(v.code) || (v.message !== undefined && !isStr(v.message))) return null
  return { code: v.code, ...(isStr(v.message) ? { message: v.message } : {}) }
}

/** Turns `[n]` citation markers into chapter-page links with the passage range. */
export function citationHref({ workspaceId, bookId, source }: { workspaceId: string; bookId: string; source: Source }) {
  return `/w/${workspaceId}/b/${bookId}/c/${source.chapterId}?passage=${source.charStart}-${source.charEnd}`
}

/** `?passage=start-end` → the range, or null when absent or malformed. */
export function parsePassage(value: string | null): { start: number; end: number } | null {
  const match = value?.match(/^(\d{1,9})-(\d{1,9})$/)
  if (!match) return null
  const start = Number(match[1])
  const end = Number(match[2])
  return end > start ? { start, end } : null
}
