// Assembles what the model reads within a token budget (decision 018): every part has its own
// cap and the parts share what is left of the whole budget, in order of importance. The same
// plan is what the preview shows, so the writer sees exactly what will be sent.
import { createFence, type Fence } from './fence.ts'
import { LABELS, promptLanguage, systemPrompt, taskLine } from './prompts.ts'
import type { ChatAction, ChatRequest } from '../../../app/modules/ai/chat-request.ts'
import { estimateMessagesTokens, estimateTokens, takeLastTokens, takeTokens } from './tokens.ts'

export type ContextKind = 'instructions' | 'chapter' | 'selection' | 'summary' | 'passage' | 'question' | 'history'
export type ContextPart = { kind: ContextKind; label: string; chapterId?: string; tokens: number }
export type Source = { n: number; chapterId: string; chapterTitle: string; charStart: number; charEnd: number; excerpt: string }

export type BookInfo = { id: string; tenantId: string; title: string; language: string }
export type ChapterInfo = { id: string; title: string; position: number; plainText: string; version: number }
export type SummaryInfo = { chapterId: string; chapterTitle: string; position: number; summary: string }
export type PassageInfo = { chapterId: string; chapterTitle: string; charStart: number; charEnd: number; content: string }

/** Token caps per part; the whole prompt stays within `total`. */
export type Budget = {
  total: number
  chapter: number
  selection: number
  summaries: number
  summaryEach: number
  passages: number
  passageEach: number
  question: number
  history: number
}

export const DEFAULT_BUDGET: Budget = {
  total: 12_000,
  chapter: 6_000,
  selection: 6_000,
  summaries: 2_000,
  summaryEach: 250,
  passages: 3_000,
  passageEach: 400,
  question: 600,
  history: 1_500,
}

/** Completion caps per action; selection actions scale with the selection, within bounds. */
export function maxCompletionTokens(action: ChatAction, selectionTokens: number): number {
  switch (action) {
    case 'suggest':
      return 700
    case 'critique':
      return 1_200
    case 'summarize':
      return 400
    case 'ask':
      return 800
    case 'rewrite':
      return clamp(Math.ceil(selectionTokens * 1.5) + 200, 300, 4_000)
    case 'expand':
      return clamp(Math.ceil(selectionTokens * 2.5) + 300, 400, 4_000)
    case 'shorten':
      return clamp(Math.ceil(selectionTokens * 0.8) + 100, 200, 4_000)
  }
}

export type ContextInput = {
  request: ChatRequest
  book: BookInfo
  chapter: ChapterInfo | null
  summaries: SummaryInfo[]
  passages: PassageInfo[]
  budget?: Budget
  fence?: Fence
}

export type ChatMessage = { role: 'system' | 'user'; content: string }

export type ContextPlan = {
  messages: ChatMessage[]
  context: ContextPart[]
  sources: Source[]
  promptTokens: number
  maxCompletionTokens: number
}

export const CURSOR_MARK = '[CURSOR]'
const EXCERPT_CHARS = 240

export function assembleContext(input: ContextInput): ContextPlan {
  const { request, book, chapter } = input
  const budget = input.budget ?? DEFAULT_BUDGET
  const fence = input.fence ?? createFence()
  const labels = LABELS[promptLanguage(book.language)]
  const system = systemPrompt(request.action, book.language, fence.marker)
  const task = taskLine(request.action, book.language)
  const context: ContextPart[] = [{ kind: 'instructions', label: labels.instructions, tokens: estimateTokens(system) + estimateTokens(task) }]
  // Fixed overhead: the two messages, the instructions and each block's fence lines (~30 tokens).
  let left = budget.total - estimateMessagesTokens([{ content: system }, { content: task }])
  const blocks: { order: number; text: string }[] = []
  const take = (cap: number) => Math.max(0, Math.min(cap, left - 30))
  const add = (order: number, text: string, part: ContextPart) => {
    const tokens = estimateTokens(text) + 30
    left -= tokens
    blocks.push({ order, text })
    context.push({ ...part, tokens })
  }

  const bookBlock = fence.block('book', { title: book.title, language: book.language }, '')
  left -= estimateTokens(bookBlock)

  if (request.question) {
    const text = takeTokens(request.question, take(budget.question))
    add(90, fence.block('question', {}, text), { kind: 'question', label: labels.question, tokens: 0 })
  }

  const selection = request.selection ? takeTokens(request.selection.text, take(budget.selection)) : ''
  if (selection) {
    add(50, fence.block('selection', { chapter: chapter?.title ?? '', start: request.selection!.start, end: request.selection!.end }, selection), {
      kind: 'selection',
      label: labels.selection,
      ...(chapter ? { chapterId: chapter.id } : {}),
      tokens: 0,
    })
  }

  if (chapter) {
    const cap = request.action === 'summarize' ? Math.max(budget.chapter, budget.total - budget.summaries - 1_000) : budget.chapter
    const text = chapterWindow(chapter.plainText, request, take(cap))
    if (text) add(40, fence.block('chapter', { title: chapter.title, position: chapter.position }, text), { kind: 'chapter', label: chapter.title, chapterId: chapter.id, tokens: 0 })
  }

  // Retrieved passages: numbered in rank order; those already inside the chapter window add nothing.
  const sources: Source[] = []
  let passageLeft = budget.passages
  for (const passage of input.passages) {
    const cap = Math.min(budget.passageEach, passageLeft, take(budget.passageEach))
    if (cap < 40) break
    const n = sources.length + 1
    const text = takeTokens(passage.content, cap)
    const before = left
    add(60 + n / 100, fence.block('passage', { n, chapter: passage.chapterTitle }, `[${n}] ${text}`), {
      kind: 'passage',
      label: `[${n}] ${passage.chapterTitle}`,
      chapterId: passage.chapterId,
      tokens: 0,
    })
    passageLeft -= before - left
    sources.push({
      n,
      chapterId: passage.chapterId,
      chapterTitle: passage.chapterTitle,
      charStart: passage.charStart,
      charEnd: passage.charEnd,
      excerpt: excerpt(passage.content),
    })
  }

  // Summaries of the other chapters, in book order, while the summaries' share lasts.
  let summaryLeft = budget.summaries
  for (const summary of input.summaries) {
    if (chapter && summary.chapterId === chapter.id) continue
    const cap = Math.min(budget.summaryEach, summaryLeft, take(budget.summaryEach))
    if (cap < 40) break
    const before = left
    add(30 + summary.position / 1e6, fence.block('summary', { chapter: summary.chapterTitle, position: summary.position }, takeTokens(summary.summary, cap)), {
      kind: 'summary',
      label: summary.chapterTitle,
      chapterId: summary.chapterId,
      tokens: 0,
    })
    summaryLeft -= before - left
  }

  // Earlier turns of an ask conversation, the most recent kept first.
  if (request.history && request.history.length > 0) {
    const lines: string[] = []
    let cap = take(budget.history)
    for (const turn of [...request.history].reverse()) {
      const line = `${turn.role === 'user' ? 'WRITER' : 'ASSISTANT'}: ${turn.content}`
      const tokens = estimateTokens(line) + 2
      if (tokens > cap) break
      lines.unshift(line)
      cap -= tokens
    }
    if (lines.length > 0) add(80, fence.block('history', {}, lines.join('\n\n')), { kind: 'history', label: labels.history, tokens: 0 })
  }

  blocks.sort((a, b) => a.order - b.order)
  const user = [bookBlock, ...blocks.map((b) => b.text), task].join('\n\n')
  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ]
  const selectionTokens = estimateTokens(selection)
  return {
    messages,
    context,
    sources,
    promptTokens: estimateMessagesTokens(messages),
    maxCompletionTokens: maxCompletionTokens(request.action, selectionTokens),
  }
}

/**
 * The chapter around the cursor within `tokens`: all of it when it fits; else for summarize
 * its beginning and end, otherwise three quarters before the cursor and one after (what
 * comes next matters less than what led here). Cuts are marked […]. Suggest marks the cursor.
 */
export function chapterWindow(text: string, request: ChatRequest, tokens: number): string {
  if (tokens < 40 || text.length === 0) return ''
  const cursor = clamp(request.cursor ?? request.selection?.start ?? text.length, 0, text.length)
  const marked = request.action === 'suggest'
  const join = (before: string, after: string) => (marked ? markCursor(before, after) : before + after)
  if (estimateTokens(text) + 4 <= tokens) return join(text.slice(0, cursor), text.slice(cursor))
  if (request.action === 'summarize') {
    const head = takeTokens(text, Math.floor(tokens * 0.7))
    return `${head}\n[…]\n${takeLastTokens(text.slice(head.length), tokens - estimateTokens(head) - 4)}`
  }
  const beforeText = text.slice(0, cursor)
  const afterText = text.slice(cursor)
  let beforeTokens = Math.floor(tokens * 0.75)
  const afterTokens = Math.min(estimateTokens(afterText), tokens - beforeTokens - 8)
  beforeTokens = tokens - afterTokens - 8
  const before = takeLastTokens(beforeText, beforeTokens)
  const after = takeTokens(afterText, afterTokens)
  return `${before.length < beforeText.length ? '[…] ' : ''}${join(before, after)}${after.length < afterText.length ? ' […]' : ''}`
}

/** before [CURSOR] after, with one space on each side unless the text has one there already. */
function markCursor(before: string, after: string): string {
  const left = before === '' || /\s$/.test(before) ? '' : ' '
  const right = after === '' || /^\s/.test(after) ? '' : ' '
  return `${before}${left}${CURSOR_MARK}${right}${after}`
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= EXCERPT_CHARS ? flat : `${flat.slice(0, EXCERPT_CHARS - 1)}…`
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}
