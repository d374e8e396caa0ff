import { z } from 'zod'
import { DisplayNameSchema } from '~/modules/auth/schema.ts'
import { LOCALES } from '~/utils/i18n.ts'

export const AccountFormSchema = z.object({
  displayName: DisplayNameSchema,
  // '' means "follow the browser"
  locale: z.union([z.enum(LOCALES), z.literal('')]).transform((v) => (v === '' ? null : v)),
})
