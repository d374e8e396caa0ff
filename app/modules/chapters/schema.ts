// Chapter and version forms. Messages are catalogue keys; limits match the database.
import { z } from 'zod'
import type { MessageKey } from '~/utils/i18n.ts'
import { TitleSchema } from '../books/schema.ts'
import { moveBy } from './order.ts'
import { CHAPTER_STATUSES } from './status.ts'

export { CHAPTER_STATUSES, type ChapterStatus } from './status.ts'
export const VERSION_LABEL_MAX = 120

const msg = (key: MessageKey) => ({ error: key })

export const ChapterTitleSchema = TitleSchema
export const ChapterStatusSchema = z.enum(CHAPTER_STATUSES, msg('validation.invalidForm'))

/** The chapter page's rename and status form. */
export const ChapterDetailsSchema = z.object({ title: ChapterTitleSchema, status: ChapterStatusSchema })

/** A snapshot's label ("rascunho", "revisado", free text); blank means unlabelled. */
export const VersionLabelSchema = z
  .string()
  .trim()
  .max(VERSION_LABEL_MAX, msg('validation.nameMax'))
  .regex(/^[^\p{Cc}]*$/u, msg('validation.nameChars'))
  .optional()
  .nullable()
  .transform((value) => (value ? value : null))

/** More chapters than any novel has; it bounds the reorder form (two ids per chapter). */
export const MAX_OUTLINE_CHAPTERS = 2000

const ChapterIdsSchema = z
  .array(z.uuid(msg('outline.error.invalid')).transform((id) => id.toLowerCase()), msg('outline.error.invalid'))
  .max(MAX_OUTLINE_CHAPTERS, msg('outline.error.invalid'))

/**
 * A reorder of the outline. `expected` is the order the page showed, so a list changed in
 * another tab is noticed instead of overwritten. The new order is either `order` (the
 * outline's drag and drop and keyboard moves) or `move` = "<chapter id>:up|down" (the
 * buttons that work without JavaScript).
 */
export const ReorderFormSchema = z.object({
  expected: ChapterIdsSchema.min(1, msg('outline.error.invalid')),
  order: ChapterIdsSchema,
  move: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:(up|down)$/i, msg('outline.error.invalid'))
    .optional(),
})
export type ReorderForm = z.infer<typeof ReorderFormSchema>

/** The new order a valid form asks for, or the catalogue key saying what is wrong with it. */
export function requestedOrder(form: ReorderForm): { ok: true; order: string[] } | { ok: false; error: MessageKey } {
  let order = form.order
  if (form.move) {
    const [id, direction] = form.move.toLowerCase().split(':')
    if (!form.expected.includes(id)) return { ok: false, error: 'outline.error.mismatch' }
    order = moveBy(form.expected, id, direction === 'up' ? -1 : 1)
  }
  if (order.length === 0) return { ok: false, error: 'outline.error.invalid' }
  if (new Set(order).size !== order.length || new Set(form.expected).size !== form.expected.length) {
    return { ok: false, error: 'outline.error.duplicate' }
  }
  const expected = new Set(form.expected)
  if (order.length !== expected.size || order.some((id) => !expected.has(id))) return { ok: false, error: 'outline.error.mismatch' }
  return { ok: true, order }
}
