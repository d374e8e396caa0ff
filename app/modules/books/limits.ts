// The book form's limits and choices without zod, for pages to import: a browser bundle that
// imports schema.ts ships all of zod with it. Limits match the database's checks.
export const BOOK_TITLE_MAX = 200
export const GENRE_MAX = 80
export const SYNOPSIS_MAX = 5000
export const BOOK_LANGUAGES = ['pt-BR', 'en', 'other'] as const
export type BookLanguage = (typeof BOOK_LANGUAGES)[number]
