// The chat request (docs/decisions/018-chat-function.md): ChatBodySchema is what the editor's
// AI panel posts to the app proxy (app/routes/w.$workspaceId.b.$bookId.ai.tsx);
// ChatRequestSchema is what the proxy forwards to the `chat` Edge Function, the same body plus
// workspaceId and bookId from the page's URL. Shared by both so they can never disagree.
import { z } from 'zod'
import {
  ACTIONS,
  MAX_HISTORY_CHARS,
  MAX_HISTORY_ITEMS,
  MAX_PROPOSAL_SELECTION_CHARS,
  MAX_QUESTION_CHARS,
  MAX_SELECTION_CHARS,
  maxSelectionChars,
  SELECTION_ACTIONS,
  type ChatAction,
} from './chat-limits.ts'

// The actions and limits are defined once, without zod, in chat-limits.ts (the panel uses them too).
export {
  ACTIONS,
  MAX_HISTORY_CHARS,
  MAX_HISTORY_ITEMS,
  MAX_PROPOSAL_SELECTION_CHARS,
  MAX_QUESTION_CHARS,
  MAX_SELECTION_CHARS,
  maxSelectionChars,
  SELECTION_ACTIONS,
  type ChatAction,
}

// Postgres text cannot hold a NUL character: the question and the selection are searched in
// SQL, where one answered 500. Nothing typed in the editor contains one (chapters are
// Postgres text too), so it is refused as bad input, naming the field.
const NO_NUL = { message: 'must not contain NUL characters' }
const noNul = (text: string) => !text.includes('\u0000')

const bodyFields = {
  action: z.enum(ACTIONS),
  chapterId: z.uuid().optional(),
  cursor: z.int().min(0).optional(),
  selection: z
    .strictObject({
      text: z.string().min(1).max(MAX_SELECTION_CHARS).refine(noNul, NO_NUL),
      start: z.int().min(0),
      end: z.int().min(1),
    })
    .refine((s) => s.end > s.start, { message: 'selection.end must be greater than selection.start', path: ['end'] })
    .optional(),
  question: z.string().trim().min(1).max(MAX_QUESTION_CHARS).refine(noNul, NO_NUL).optional(),
  history: z
    .array(z.strictObject({ role: z.enum(['user', 'assistant']), content: z.string().max(MAX_HISTORY_CHARS).refine(noNul, NO_NUL) }))
    .max(MAX_HISTORY_ITEMS)
    .optional(),
  preview: z.boolean().optional(),
}

type BodyFields = { action: ChatAction; chapterId?: string; selection?: { text: string }; question?: string }

function requireFieldsOfAction(body: BodyFields, ctx: z.RefinementCtx) {
  if (body.action !== 'ask' && !body.chapterId) ctx.addIssue({ code: 'custom', path: ['chapterId'], message: `chapterId is required for ${body.action}` })
  if (SELECTION_ACTIONS.has(body.action) && !body.selection) {
    ctx.addIssue({ code: 'custom', path: ['selection'], message: `selection is required for ${body.action}` })
  }
  // Per action: a proposal's answer is capped (chat-limits.ts), so its selection is too.
  const max = maxSelectionChars(body.action)
  if (body.selection && body.selection.text.length > max) {
    ctx.addIssue({ code: 'custom', path: ['selection', 'text'], message: `must be at most ${max} characters for ${body.action}` })
  }
  if (body.action === 'ask' && !body.question) ctx.addIssue({ code: 'custom', path: ['question'], message: 'question is required for ask' })
}

export const ChatBodySchema = z.strictObject(bodyFields).superRefine(requireFieldsOfAction)

export const ChatRequestSchema = z
  .strictObject({ workspaceId: z.uuid(), bookId: z.uuid(), ...bodyFields })
  .superRefine(requireFieldsOfAction)

export type ChatRequest = z.infer<typeof ChatRequestSchema>

/** The first problem zod found, naming the field: "selection.text: Too small…". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'The request is invalid.'
  const field = issue.path.map(String).join('.')
  return field ? `${field}: ${issue.message}` : issue.message
}
