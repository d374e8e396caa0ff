// What the trash page's forms send: restore a book or a chapter, optionally opening it after.
import { z } from 'zod'

export const RestoreSchema = z.object({
  intent: z.enum(['restoreBook', 'restoreChapter']),
  id: z.uuid(),
  /** "open": go to the restored book or chapter (the Undo of a notice) instead of the trash. */
  then: z.enum(['open']).optional(),
})

export type RestoreRequest = z.infer<typeof RestoreSchema>
