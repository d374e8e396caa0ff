// The chat path's shapes as the panel reads them (/tmp/s4/chat-contract.md, decision 020).
// What comes from the server is parsed, not trusted: a malformed event is an interruption,
// never a crash or half-shown text.
import { z } from 'zod'

export const CHAT_ACTIONS = ['suggest', 'critique', 'summarize', 'ask', 'rewrite', 'expand', 'shorten'] as const
export type ChatAction = (typeof CHAT_ACTIONS)[number]
/** Actions whose answer is a proposal replacing the selection. */
export const PROPOSAL_ACTIONS = ['rewrite', 'expand', 'shorten'] as const satisfies readonly ChatAction[]
export type ProposalAction = (typeof PROPOSAL_ACTIONS)[number]
export const isProposalAction = (a: ChatAction): a is ProposalAction => (PROPOSAL_ACTIONS as readonly string[]).includes(a)

export const SELECTION_MAX = 20_000
export const QUESTION_MAX = 2_000
export const HISTORY_ITEM_MAX = 8_000
export const HISTORY_MAX_ITEMS = 12

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

const SourceSchema = z.object({
  n: z.number().int().min(1),
  chapterId: z.string(),
  chapterTitle: z.string(),
  charStart: z.number().int().min(0),
  charEnd: z.number().int().min(0),
  excerpt: z.string(),
})
export type Source = z.infer<typeof SourceSchema>

export const CONTEXT_KINDS = ['instructions', 'chapter', 'selection', 'summary', 'passage', 'question', 'history'] as const

export const PreviewSchema = z.object({
  model: z.string(),
  source: z.enum(['own', 'platform']),
  context: z.array(
    z.object({
      // An unknown kind from a newer function still shows, under "other".
      kind: z.string(),
      label: z.string(),
      chapterId: z.string().optional(),
      tokens: z.number().int().min(0),
    }),
  ),
  sources: z.array(SourceSchema),
  estimate: z.object({ promptTokens: z.number().int().min(0), maxCompletionTokens: z.number().int().min(0), costUsd: z.number().min(0) }),
})
export type Preview = z.infer<typeof PreviewSchema>

export const DeltaSchema = z.object({ text: z.string() })

export const DoneSchema = z.object({
  usage: z.object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0), costUsd: z.number().min(0), estimated: z.boolean() }),
  summary: z.object({ chapterId: z.string(), chapterVersion: z.number().int() }).optional(),
})
export type Done = z.infer<typeof DoneSchema>

export const ErrorBodySchema = z.object({ code: z.string(), message: z.string().optional() })

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
