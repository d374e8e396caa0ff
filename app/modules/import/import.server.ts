// Turns an uploaded .txt, .md or .docx into chapters of manuscript JSON for the import
// preview. Pure: no database, no request; routes map ImportError codes to messages.
import type { ManuscriptDoc } from '../manuscript/schema.ts'
import { splitChapters } from './chapters.ts'
import { readDocx } from './docx.server.ts'
import { ImportError, MAX_IMPORT_BYTES } from './errors.ts'
import { readMarkdown } from './markdown.ts'
import { readPlainText } from './plain-text.ts'
import type { SourceBlock } from './source.ts'
import { ImportWarnings, type ImportWarning } from './warnings.ts'

export { ImportError, IMPORT_ERROR_CODES, IMPORT_ERROR_STATUS, isImportError, MAX_IMPORT_BYTES, type ImportErrorCode } from './errors.ts'
export { MAX_DOCX_UNPACKED_BYTES } from './docx.server.ts'
export { IMPORT_EXTENSIONS, type ImportFormat } from './formats.ts'
export type { ImportWarning } from './warnings.ts'
import { FORMAT_OF_EXTENSION, type ImportFormat } from './formats.ts'


export type ImportPreview = {
  format: ImportFormat
  chapters: { title: string; doc: ManuscriptDoc; wordCount: number }[]
  totalWords: number
  warnings: ImportWarning[]
  /** Lines before the first chapter that looked like a title page (book title, author); not imported. */
  titlePage?: string
  /** The book title the file suggests (title page's first line, else the file name). */
  suggestedTitle: string
}


export function formatOf(fileName: string): ImportFormat | null {
  const extension = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase()
  return (extension && FORMAT_OF_EXTENSION[extension]) || null
}

/**
 * Strict UTF-8 with no NUL bytes, BOM stripped, line ends normalised. UTF-16 is accepted only
 * with its byte-order mark (what Windows Notepad writes as "Unicode"): unmistakably text.
 */
export function decodeText(bytes: Uint8Array): string {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null
  if (!utf16 && bytes.includes(0)) throw new ImportError('not_text', 'File contains NUL bytes (binary data)')
  let text: string
  try {
    text = new TextDecoder(utf16 ?? 'utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch (error) {
    throw new ImportError('not_text', `File is not valid ${utf16 ?? 'UTF-8'} text`, { cause: error })
  }
  if (text.includes('\u0000')) throw new ImportError('not_text', 'File contains NUL characters (binary data)')
  return (
    text
      .replace(/\r\n?/g, '\n')
      // Form feeds and DOS end-of-file marks are layout leftovers; other control characters are junk.
      .replace(/\f/g, '\n\n')
      .replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, '')
  )
}

export async function parseManuscript({ fileName, bytes }: { fileName: string; bytes: Uint8Array }): Promise<ImportPreview> {
  if (bytes.byteLength > MAX_IMPORT_BYTES) {
    throw new ImportError('too_large', `File is ${bytes.byteLength} bytes; the limit is ${MAX_IMPORT_BYTES}`)
  }
  const format = formatOf(fileName)
  if (!format) throw new ImportError('unsupported_type', `Unsupported file type: ${JSON.stringify(fileName)}`)
  if (bytes.byteLength === 0) throw new ImportError('empty', 'File is empty')

  const warnings = new ImportWarnings()
  let items: SourceBlock[]
  if (format === 'docx') items = await readDocx(bytes, warnings)
  else if (format === 'md') items = readMarkdown(decodeText(bytes), warnings)
  else items = readPlainText(decodeText(bytes))

  const { chapters, titlePage, suggestedTitle } = splitChapters(items, fileName, warnings)
  const totalWords = chapters.reduce((sum, chapter) => sum + chapter.wordCount, 0)
  if (totalWords === 0) throw new ImportError('no_text', 'The file has no words to import')
  return { format, chapters, totalWords, warnings: warnings.list(), suggestedTitle, ...(titlePage ? { titlePage } : {}) }
}
