// The export form, shared by the page and its action: a format and, optionally, one chapter.
import { z } from 'zod'
import type { MessageKey } from '~/utils/i18n.ts'

export const EXPORT_FORMATS = ['md', 'docx', 'epub'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** How long an export's file is kept before it is purged (docs/decisions/010-exports.md). */
export const EXPORT_RETENTION_DAYS = 7

export const FORMAT_LABEL: Record<ExportFormat, MessageKey> = {
  md: 'export.format.md',
  docx: 'export.format.docx',
  epub: 'export.format.epub',
}

export const ExportFormSchema = z.object({
  format: z.enum(EXPORT_FORMATS, { error: 'export.error.format' satisfies MessageKey }),
  // Empty: the whole book.
  chapterId: z.union([z.literal(''), z.uuid({ error: 'export.error.chapter' satisfies MessageKey })]).default(''),
})
