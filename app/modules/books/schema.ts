// The book form (create and edit), shared by the server action and the form. Messages are
// catalogue keys; the page translates them. Limits match the database's checks
// (supabase/migrations/20261204190000_writing_data_model.sql).
import { z } from 'zod'
import { oneLineText } from '~/modules/auth/schema.ts'
import type { MessageKey } from '~/utils/i18n.ts'
import { BOOK_LANGUAGES, BOOK_TITLE_MAX, GENRE_MAX, SYNOPSIS_MAX } from './limits.ts'

export { BOOK_LANGUAGES, BOOK_TITLE_MAX, GENRE_MAX, SYNOPSIS_MAX, type BookLanguage } from './limits.ts'

const msg = (key: MessageKey) => ({ error: key })

/** A title is one line of printable text, 1 to 200 characters once trimmed. */
export const TitleSchema = oneLineText(BOOK_TITLE_MAX)

/** An optional text field: blank means "none" (null). */
function optionalText(max: number, oneLine: boolean) {
  const text = z.string().trim().max(max, msg('validation.nameMax'))
  return (oneLine ? text.regex(/^[^\p{Cc}]*$/u, msg('validation.nameChars')) : text)
    .optional()
    .nullable()
    .transform((value) => (value ? value : null))
}

export const BookFormSchema = z.object({
  title: TitleSchema,
  language: z.enum(BOOK_LANGUAGES, msg('validation.invalidForm')),
  genre: optionalText(GENRE_MAX, true),
  synopsis: optionalText(SYNOPSIS_MAX, false),
})

export type BookInput = z.infer<typeof BookFormSchema>

export const RenameBookSchema = z.object({ title: TitleSchema })
