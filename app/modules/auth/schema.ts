// Forms of the sign-up and sign-in pages, shared by the server action and the form. Error
// messages are catalogue keys; the page translates them.
import { z } from 'zod'
import type { MessageKey } from '~/utils/i18n.ts'

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 72
export const NAME_MAX = 80

const msg = (key: MessageKey) => ({ error: key })

export const EmailSchema = z.string().trim().toLowerCase().max(254, msg('validation.email')).pipe(z.email(msg('validation.email')))
export const PasswordSchema = z.string().min(PASSWORD_MIN, msg('validation.passwordMin')).max(PASSWORD_MAX, msg('validation.passwordMax'))
/** One line of printable text, 1 to `max` characters once trimmed: the database refuses the rest too. */
export const oneLineText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, msg('validation.nameRequired'))
    .max(max, msg('validation.nameMax'))
    .regex(/^[^\p{Cc}]*$/u, msg('validation.nameChars'))

export const NameSchema = oneLineText(NAME_MAX)
export const DisplayNameSchema = NameSchema

export const SignupSchema = z.object({ displayName: DisplayNameSchema, email: EmailSchema, password: PasswordSchema })
export const LoginSchema = z.object({ email: EmailSchema, password: z.string().min(1, msg('validation.passwordMin')).max(PASSWORD_MAX, msg('validation.passwordMax')) })
export const EmailOnlySchema = z.object({ email: EmailSchema })
export const NewPasswordSchema = z.object({ password: PasswordSchema })
