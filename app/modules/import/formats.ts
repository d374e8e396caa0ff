// Which files can be imported, shared by the server (to pick a parser) and the upload form
// (its `accept` list), so the browser bundle never needs the server-only import module.
export type ImportFormat = 'txt' | 'md' | 'docx'

export const FORMAT_OF_EXTENSION: Record<string, ImportFormat> = { txt: 'txt', text: 'txt', md: 'md', markdown: 'md', docx: 'docx' }

export const IMPORT_EXTENSIONS = Object.keys(FORMAT_OF_EXTENSION).map((extension) => `.${extension}`)
