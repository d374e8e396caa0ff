// A chapter's status labels without zod, for pages to import: a browser bundle that imports
// schema.ts ships all of zod with it.
export const CHAPTER_STATUSES = ['draft', 'revised', 'final'] as const
export type ChapterStatus = (typeof CHAPTER_STATUSES)[number]
