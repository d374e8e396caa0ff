// The chat request's actions and limits — the one definition. chat-request.ts (the zod schema
// shared by the app proxy and the `chat` Edge Function) and chat-contract.ts (the editor's AI
// panel) both re-export these. No zod here: the panel ships to the browser, and the chapter
// page's JavaScript has a budget (decision 009).
export const ACTIONS = ['suggest', 'critique', 'summarize', 'ask', 'rewrite', 'expand', 'shorten'] as const
export type ChatAction = (typeof ACTIONS)[number]

/** Actions that work on a selection, require one, and answer with a proposal replacing it. */
export const PROPOSAL_ACTIONS = ['rewrite', 'expand', 'shorten'] as const satisfies readonly ChatAction[]
export type ProposalAction = (typeof PROPOSAL_ACTIONS)[number]
export const SELECTION_ACTIONS: ReadonlySet<ChatAction> = new Set<ChatAction>(PROPOSAL_ACTIONS)

export const MAX_SELECTION_CHARS = 20_000
export const MAX_QUESTION_CHARS = 2_000
export const MAX_HISTORY_ITEMS = 12
export const MAX_HISTORY_CHARS = 8_000

/**
 * A proposal's selection is capped lower: the function caps a rewrite/expand/shorten answer at
 * 4,000 tokens (expand ≈ 2.5× the selection; supabase/functions/chat/context.ts), so a longer
 * selection could only end with `answer_too_long`. A critique reads up to MAX_SELECTION_CHARS.
 */
export const MAX_PROPOSAL_SELECTION_CHARS = 6_000

/** The longest selection an action accepts. */
export function maxSelectionChars(action: ChatAction): number {
  return SELECTION_ACTIONS.has(action) ? MAX_PROPOSAL_SELECTION_CHARS : MAX_SELECTION_CHARS
}
