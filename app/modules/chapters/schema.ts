// Chapter and version forms. Messages are catalogue keys; limits match the database.
import { z } from 'zod'
import type { MessageKey } from '~/utils/i18n.ts'
import { TitleSchema } from '../books/schema.ts'
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

export const ReorderSchema = z.object({ chapterIds: z.array(z.uuid(msg('validation.invalidForm'))).min(1, msg('validation.invalidForm')) })
