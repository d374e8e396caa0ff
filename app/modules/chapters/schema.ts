// Chapter and version forms. Messages are catalogue keys; limits match the database.
import { z } from 'zod'
import type { MessageKey } from '~/utils/i18n.ts'
import { TitleSchema } from '../books/schema.ts'

export const CHAPTER_STATUSES = ['draft', 'revised', 'final'] as const
export type ChapterStatus = (typeof CHAPTER_STATUSES)[number]
export const VERSION_LABEL_MAX = 120

const msg = (key: MessageKey) => ({ error: key })

export const ChapterTitleSchema = TitleSchema
export const ChapterStatusSchema = z.enum(CHAPTER_STATUSES, msg('validation.invalidForm'))

/** A snapshot's label ("rascunho", "revisado", free text); blank means unlabelled. */
export const VersionLabelSchema = z
  .string()
  .trim()
  .max(VERSION_LABEL_MAX, msg('validation.nameMax'))
  .regex(/^[^\p{Cc}]*$/u, msg('validation.nameChars'))
  .optional()
  .nullable()
  .transform((value) => (value ? value : null))

export const ReorderSchema = z.object({ chapterIds: z.array(z.uuid(msg('validation.invalidForm'))).min(1, msg('validation.invalidForm')) })
