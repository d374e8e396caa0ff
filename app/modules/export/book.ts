// What every export builder reads: a book as its chapters' manuscript documents, plus the
// few facts about it the formats print. One chapter is exported as a book of one chapter.
import type { ManuscriptDoc } from '../manuscript/schema.ts'
import { countWords, toPlainText } from '../manuscript/plain-text.ts'

export type ExportChapter = { title: string; doc: ManuscriptDoc }

export type ExportBook = {
  title: string
  author: string
  /** BCP 47, e.g. 'pt-BR'. Decides the language tags and the few words the formats print. */
  language: string
  chapters: ExportChapter[]
}

type Words = { by: string; words: string; untitledBook: string; chapter: string; contents: string; titlePage: string }

// The handful of words printed inside the exported files themselves: they follow the
// book's language, not the writer's interface language.
const WORDS: Record<'pt' | 'en', Words> = {
  pt: { by: 'por', words: 'palavras', untitledBook: 'Sem título', chapter: 'Capítulo', contents: 'Sumário', titlePage: 'Folha de rosto' },
  en: { by: 'by', words: 'words', untitledBook: 'Untitled', chapter: 'Chapter', contents: 'Contents', titlePage: 'Title page' },
}

export function wordsFor(language: string): Words {
  return languageTag(language).startsWith('pt') ? WORDS.pt : WORDS.en
}

export function bookTitle(book: ExportBook): string {
  return cleanText(book.title).trim() || wordsFor(book.language).untitledBook
}

export function chapterTitle(book: ExportBook, index: number): string {
  return cleanText(book.chapters[index]?.title ?? '').trim() || `${wordsFor(book.language).chapter} ${index + 1}`
}

export function bookWordCount(book: ExportBook): number {
  return book.chapters.reduce((total, chapter) => total + countWords(toPlainText(chapter.doc)), 0)
}

/**
 * The word count a manuscript's title page shows: editors want an estimate, so short works
 * round to the nearest hundred and long ones (10,000 words and up) to the nearest thousand.
 */
export function roundedWordCount(words: number): number {
  if (words < 100) return words
  const unit = words < 10_000 ? 100 : 1_000
  return Math.round(words / unit) * unit
}

// Suffixes that belong with the surname: "Silva Filho", "King Jr." (ABNT and Chicago agree).
const NAME_SUFFIXES = new Set(['filho', 'filha', 'neto', 'neta', 'sobrinho', 'sobrinha', 'júnior', 'junior', 'jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv'])

/** The surname for a manuscript's running header: the last name, with a generational suffix. */
export function authorSurname(author: string): string {
  const parts = cleanText(author).trim().replace(/,/g, ' ').split(/\s+/).filter(Boolean)
  if (parts.length === 0) return ''
  const last = parts[parts.length - 1]
  if (parts.length > 1 && NAME_SUFFIXES.has(last.toLowerCase())) return `${parts[parts.length - 2]} ${last}`
  return last
}

// XML 1.0 cannot carry C0 controls (other than tab/newline/CR), lone surrogates or U+FFFE/FFFF;
// one such character makes an EPUB or DOCX unreadable, so they are dropped from all text.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export function cleanText(text: string): string {
  return text.replace(NOT_XML_CHAR, '')
}

export function escapeXml(text: string): string {
  return cleanText(text).replace(/[&<>"']/g, (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[char]};`)
}

/**
 * The book's language as a well-formed BCP 47 tag ('pt_br' → 'pt-BR'), or 'und' (undetermined)
 * when it is not one, so a malformed tag can never make an EPUB invalid or break Intl.
 */
export function languageTag(language: string): string {
  try {
    return Intl.getCanonicalLocales(language.trim().replace(/_/g, '-'))[0] ?? 'und'
  } catch {
    return 'und'
  }
}
