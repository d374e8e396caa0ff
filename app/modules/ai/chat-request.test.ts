// The shared chat request schema (app proxy + chat function): a proposal's selection is capped
// lower than a critique's, because the function caps a proposal's answer at 4,000 tokens
// (expand ≈ 2.5× the selection) and a longer one could only end with answer_too_long.
import { ChatBodySchema, ChatRequestSchema, describeIssue, MAX_PROPOSAL_SELECTION_CHARS, MAX_SELECTION_CHARS, maxSelectionChars } from './chat-request.ts'

const chapterId = '7c8e1f3a-2b4d-4e6f-8a9b-0c1d2e3f4a5b'
const body = (action: string, length: number) => ({ action, chapterId, selection: { text: 'a'.repeat(length), start: 0, end: length } })

describe('chat request schema', () => {
  it('caps a rewrite, expand or shorten selection at 6,000 characters and names selection.text', () => {
    expect(MAX_PROPOSAL_SELECTION_CHARS).toBe(6_000)
    for (const action of ['rewrite', 'expand', 'shorten']) {
      expect(maxSelectionChars(action as 'rewrite')).toBe(6_000)
      expect(ChatBodySchema.safeParse(body(action, 6_000)).success, action).toBe(true)
      const refused = ChatBodySchema.safeParse(body(action, 6_001))
      expect(refused.success, action).toBe(false)
      expect(describeIssue(refused.error!)).toMatch(/^selection\.text: .*6000/)
      const forwarded = ChatRequestSchema.safeParse({ workspaceId: chapterId, bookId: chapterId, ...body(action, 6_001) })
      expect(forwarded.success, action).toBe(false)
      expect(describeIssue(forwarded.error!)).toMatch(/^selection\.text: /)
    }
  })

  it('keeps 20,000 characters for a critique of a selection', () => {
    expect(maxSelectionChars('critique')).toBe(MAX_SELECTION_CHARS)
    expect(ChatBodySchema.safeParse(body('critique', 20_000)).success).toBe(true)
    const refused = ChatBodySchema.safeParse(body('critique', 20_001))
    expect(refused.success).toBe(false)
    expect(describeIssue(refused.error!)).toMatch(/^selection\.text: /)
  })
})
