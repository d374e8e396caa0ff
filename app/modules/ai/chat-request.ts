// The chat request (docs/decisions/018-chat-function.md): ChatBodySchema is what the editor's
// AI panel posts to the app proxy (app/routes/w.$workspaceId.b.$bookId.ai.tsx);
// ChatRequestSchema is what the proxy forwards to the `chat` Edge Function, the same body plus
// workspaceId and bookId from the page's URL. Shared by both so they can never disagree.
import { z } from 'zod'

export const ACTIONS = ['suggest', 'critique', 'summarize', 'ask', 'rewrite', 'expand', 'shorten'] as const
export type ChatAction = (typeof ACTIONS)[number]

/** Actions that work on a selection and require one. */
export const SELECTION_ACTIONS: ReadonlySet<ChatAction> = new Set(['rewrite', 'expand', 'shorten'])

export const MAX_SELECTION_CHARS = 20_000
export const MAX_QUESTION_CHARS = 2_000
export const MAX_HISTORY_ITEMS = 12
export const MAX_HISTORY_CHARS = 8_000

const bodyFields = {
  action: z.enum(ACTIONS),
  chapterId: z.uuid().optional(),
  cursor: z.int().min(0).optional(),
  selection: z
    .strictObject({
      text: z.string().min(1).max(MAX_SELECTION_CHARS),
      start: z.int().min(0),
      end: z.int().min(1),
    })
    .refine((s) => s.end > s.start, { message: 'selection.end must be greater than selection.start', path: ['end'] })
    .optional(),
  question: z.string().trim().min(1).max(MAX_QUESTION_CHARS).optional(),
  history: z
    .array(z.strictObject({ role: z.enum(['user', 'assistant']), content: z.string().max(MAX_HISTORY_CHARS) }))
    .max(MAX_HISTORY_ITEMS)
    .optional(),
  preview: z.boolean().optional(),
}

type BodyFields = { action: ChatAction; chapterId?: string; selection?: unknown; question?: string }

function requireFieldsOfAction(body: BodyFields, ctx: z.RefinementCtx) {
  if (body.action !== 'ask' && !body.chapterId) ctx.addIssue({ code: 'custom', path: ['chapterId'], message: `chapterId is required for ${body.action}` })
  if (SELECTION_ACTIONS.has(body.action) && !body.selection) {
    ctx.addIssue({ code: 'custom', path: ['selection'], message: `selection is required for ${body.action}` })
  }
  if (body.action === 'ask' && !body.question) ctx.addIssue({ code: 'custom', path: ['question'], message: 'question is required for ask' })
}

export const ChatBodySchema = z.strictObject(bodyFields).superRefine(requireFieldsOfAction)
export type ChatBody = z.infer<typeof ChatBodySchema>

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
