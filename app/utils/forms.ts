// One way to validate a form: parse FormData with a zod schema whose messages are catalogue
// keys, and hand back either the data or field errors for a 400 answer.
import type { z } from 'zod'
import type { MessageKey } from './i18n.ts'

export type FieldErrors = Record<string, MessageKey>

export function parseForm<S extends z.ZodType>(
  schema: S,
  formData: FormData,
): { ok: true; data: z.infer<S> } | { ok: false; fieldErrors: FieldErrors; values: Record<string, string> } {
  const values: Record<string, string> = {}
  for (const [key, value] of formData) if (typeof value === 'string') values[key] = value
  const parsed = schema.safeParse(values)
  if (parsed.success) return { ok: true, data: parsed.data }
  const fieldErrors: FieldErrors = {}
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form')
    fieldErrors[field] ??= issue.message as MessageKey
  }
  delete values.password
  return { ok: false, fieldErrors, values }
}
