// The manuscript format: the TipTap JSON a chapter is stored as. One definition shared by
// the editor's extensions, the server's validation of every save, import and export.
// Anything outside it (unknown node types, marks, attributes, links of any kind) is
// rejected, so a script URL or foreign markup can never be stored.
import { z } from 'zod'

/** Largest chapter the server accepts, as serialised JSON (a 20,000-word chapter is ~250 KB). */
export const MAX_CHAPTER_JSON_BYTES = 2 * 1024 * 1024

export const MARK_TYPES = ['bold', 'italic', 'underline'] as const
export type MarkType = (typeof MARK_TYPES)[number]

const MarkSchema = z.strictObject({ type: z.enum(MARK_TYPES) })

const TextSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string().min(1),
  marks: z.array(MarkSchema).max(MARK_TYPES.length).optional(),
})

const HardBreakSchema = z.strictObject({ type: z.literal('hardBreak') })

const InlineSchema = z.discriminatedUnion('type', [TextSchema, HardBreakSchema])

const ParagraphSchema = z.strictObject({
  type: z.literal('paragraph'),
  attrs: z.strictObject({ textAlign: z.enum(['left', 'center', 'right', 'justify']).nullable().optional() }).optional(),
  content: z.array(InlineSchema).optional(),
})

const HeadingSchema = z.strictObject({
  type: z.literal('heading'),
  attrs: z.strictObject({ level: z.union([z.literal(1), z.literal(2), z.literal(3)]) }),
  content: z.array(InlineSchema).optional(),
})

/** A scene break: rendered as a centred `* * *`, exported as each format's scene break. */
const SceneBreakSchema = z.strictObject({ type: z.literal('sceneBreak') })

export type ManuscriptText = z.infer<typeof TextSchema>
export type ManuscriptInline = z.infer<typeof InlineSchema>
export type ManuscriptBlock =
  | z.infer<typeof ParagraphSchema>
  | z.infer<typeof HeadingSchema>
  | z.infer<typeof SceneBreakSchema>
  | { type: 'blockquote'; content: ManuscriptBlock[] }
  | { type: 'bulletList' | 'orderedList'; attrs?: { start?: number }; content: ListItem[] }
type ListItem = { type: 'listItem'; content: ManuscriptBlock[] }

const BlockSchema: z.ZodType<ManuscriptBlock> = z.lazy(() =>
  z.discriminatedUnion('type', [
    ParagraphSchema,
    HeadingSchema,
    SceneBreakSchema,
    z.strictObject({ type: z.literal('blockquote'), content: z.array(BlockSchema).min(1) }),
    z.strictObject({ type: z.literal('bulletList'), content: z.array(ListItemSchema).min(1) }),
    z.strictObject({
      type: z.literal('orderedList'),
      attrs: z.strictObject({ start: z.number().int().min(0).max(100_000).optional(), type: z.string().nullable().optional() }).optional(),
      content: z.array(ListItemSchema).min(1),
    }),
  ]),
)

const ListItemSchema: z.ZodType<ListItem> = z.lazy(() => z.strictObject({ type: z.literal('listItem'), content: z.array(BlockSchema).min(1) }))

export const ManuscriptDocSchema = z.strictObject({
  type: z.literal('doc'),
  content: z.array(BlockSchema),
})

export type ManuscriptDoc = z.infer<typeof ManuscriptDocSchema>

export const EMPTY_DOC: ManuscriptDoc = { type: 'doc', content: [{ type: 'paragraph' }] }
