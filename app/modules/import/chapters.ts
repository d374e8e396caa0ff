// Splits an imported manuscript into chapters. A chapter starts at a heading of the
// splitting level or at a chapter line standing alone ("Chapter 12", "CAPÍTULO XII", a lone
// Roman numeral); a short line right after such a line is the chapter's title ("I — Do titulo.").
import { MAX_CHAPTER_JSON_BYTES, ManuscriptDocSchema, type ManuscriptBlock, type ManuscriptDoc } from '../manuscript/schema.ts'
import { countWords, toPlainText } from '../manuscript/plain-text.ts'
import { inlineText } from './inline.ts'
import { toBodyHeading, type SourceBlock } from './source.ts'
import type { ImportWarnings } from './warnings.ts'

export type ImportedChapter = { title: string; doc: ManuscriptDoc; wordCount: number }

const ROMAN = '(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})'
const NUMBER_WORD =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|' +
  'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|' +
  'um|dois|tr[eê]s|quatro|cinco|seis|sete|oito|nove|dez|onze|doze|treze|quatorze|catorze|quinze|dezesseis|dezessete|dezoito|dezenove|' +
  'vinte|trinta|quarenta|cinquenta|sessenta|setenta|oitenta|noventa|cem'
const NUMBER = `(?:\\d{1,4}|${ROMAN}|(?:${NUMBER_WORD})(?:(?:-|\\s+e\\s+|\\s+)(?:${NUMBER_WORD}))*)`
const CHAPTER_LINE = new RegExp(`^(?:chapter|cap[ií]tulo)\\s+${NUMBER}(?![\\p{L}\\p{N}])\\.?(?:\\s*[:.\\-–—]\\s*(\\S.*))?$`, 'iu')
const ROMAN_LINE = new RegExp(`^${ROMAN}\\.?$`)
const MAX_TITLE_CHARS = 200
/** The leading lines count as a title page (book title, author) below these sizes. */
const TITLE_PAGE = { maxBlocks: 6, maxWords: 30, maxChars: 160 }

type ChapterLine = { line: string; titled: boolean }

export function chapterLine(text: string): ChapterLine | null {
  const line = text.trim().replace(/\s+/g, ' ')
  if (line.length > 120) return null
  const chapter = CHAPTER_LINE.exec(line)
  if (chapter) return { line, titled: Boolean(chapter[1]) }
  return ROMAN_LINE.test(line) ? { line, titled: false } : null
}

function textOf(item: SourceBlock): string {
  if (item.kind === 'heading') return inlineText(item.content).trim()
  return item.block.type === 'paragraph' ? inlineText(item.block.content).trim() : ''
}

/** A chapter line "standing alone": a heading, or a one-line paragraph. */
function chapterLineOf(item: SourceBlock): ChapterLine | null {
  if (item.kind === 'block' && (item.block.type !== 'paragraph' || !item.singleLine)) return null
  return chapterLine(textOf(item))
}

/** The short line under "II." or "Chapter 3" that names the chapter (not dialogue, not prose). */
function isTitleLine(item: SourceBlock | undefined): boolean {
  if (!item || item.kind !== 'block' || item.block.type !== 'paragraph' || !item.singleLine) return false
  const text = textOf(item)
  const words = countWords(text)
  return text.length <= 60 && words >= 1 && words <= 10 && !/^["“'‘—–-]/.test(text) && !chapterLine(text)
}

function splittingLevel(items: SourceBlock[]): number {
  const counts = new Map<number, number>()
  for (const item of items) if (item.kind === 'heading' && item.level > 0) counts.set(item.level, (counts.get(item.level) ?? 0) + 1)
  const levels = [...counts.keys()].sort((a, b) => a - b)
  // -1: no heading level splits (a Title-styled heading, level 0, never does).
  return levels.find((level) => counts.get(level)! >= 2) ?? levels[0] ?? -1
}

type Section = { title: string | null; items: SourceBlock[] }

type Boundary = { index: number; line: ChapterLine | null; subtitle: boolean }

function boundaries(items: SourceBlock[]): Boundary[] {
  const level = splittingLevel(items)
  const out: Boundary[] = []
  items.forEach((item, index) => {
    const line = chapterLineOf(item)
    if (line === null && !(item.kind === 'heading' && item.level === level)) return
    const next = items[index + 1]
    const subtitle =
      line !== null &&
      !line.titled &&
      (item.kind === 'heading'
        ? next?.kind === 'heading' && next.level > item.level && !chapterLineOf(next)
        : isTitleLine(next) && items[index + 2] !== undefined)
    out.push({ index, line, subtitle })
  })
  return out
}

/**
 * A line under "II." is a title only when that is the book's convention: most bare chapter
 * lines (and at least two) have one. Otherwise a chapter's short first sentence would be
 * mistaken for its title.
 */
function titlesFollowChapterLines(found: Boundary[]): boolean {
  const bare = found.filter((boundary) => boundary.line && !boundary.line.titled)
  const titled = bare.filter((boundary) => boundary.subtitle).length
  return titled >= 2 && titled >= 0.8 * bare.length
}

function sections(items: SourceBlock[]): Section[] {
  const found = boundaries(items)
  const mergeTitles = titlesFollowChapterLines(found)
  const out: Section[] = [{ title: null, items: items.slice(0, found[0]?.index ?? items.length) }]
  found.forEach((boundary, position) => {
    const end = found[position + 1]?.index ?? items.length
    let title = textOf(items[boundary.index])
    let bodyStart = boundary.index + 1
    if (mergeTitles && boundary.subtitle && boundary.line) {
      title = `${boundary.line.line.replace(/\.$/, '')} — ${textOf(items[boundary.index + 1])}`
      bodyStart++
    }
    out.push({ title, items: items.slice(bodyStart, end) })
  })
  return out
}

function wordsOf(items: SourceBlock[]): number {
  return items.reduce((sum, item) => sum + countWords(item.kind === 'heading' ? inlineText(item.content) : toPlainText({ type: 'doc', content: [item.block] })), 0)
}

function isTitlePage(items: SourceBlock[]): boolean {
  if (items.length > TITLE_PAGE.maxBlocks || wordsOf(items) > TITLE_PAGE.maxWords) return false
  // Title and author lines carry no sentence punctuation; a dedication or epigraph does, and stays.
  return items.every((item) => {
    if (item.kind === 'block' && item.block.type === 'sceneBreak') return true
    if (item.kind === 'block' && item.block.type !== 'paragraph') return false
    const text = textOf(item)
    return text.length <= TITLE_PAGE.maxChars && !/[.!?…:;»"”)\]]$/.test(text)
  })
}

function bodyOf(items: SourceBlock[]): ManuscriptBlock[] {
  const blocks: ManuscriptBlock[] = []
  for (const item of items) {
    const block = item.kind === 'heading' ? toBodyHeading(item.level, item.content) : item.block
    if (!block) continue
    // A scene break never opens or closes a chapter, and two in a row are one.
    if (block.type === 'sceneBreak' && (!blocks.length || blocks.at(-1)!.type === 'sceneBreak')) continue
    blocks.push(block)
  }
  while (blocks.at(-1)?.type === 'sceneBreak') blocks.pop()
  return blocks
}

/** Splits a chapter whose JSON the editor would refuse into parts at block boundaries. */
function partsOf(blocks: ManuscriptBlock[]): ManuscriptBlock[][] {
  const budget = Math.floor(MAX_CHAPTER_JSON_BYTES * 0.9)
  const parts: ManuscriptBlock[][] = [[]]
  let size = 0
  for (const block of blocks) {
    const blockSize = Buffer.byteLength(JSON.stringify(block)) + 1
    if (size + blockSize > budget && parts.at(-1)!.length) {
      parts.push([])
      size = 0
    }
    parts.at(-1)!.push(block)
    size += blockSize
  }
  return parts
}

/** Titles are one line of visible text: the database refuses control characters in them. */
function oneLine(text: string): string {
  return text.replace(/[\s\p{Cc}]+/gu, ' ').trim()
}

function truncateTitle(title: string): string {
  const clean = oneLine(title)
  return clean.length <= MAX_TITLE_CHARS ? clean : clean.slice(0, MAX_TITLE_CHARS - 1).trimEnd() + '…'
}

export function titleFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).at(-1) ?? ''
  const title = oneLine(base.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' '))
  return title ? title[0].toLocaleUpperCase() + title.slice(1) : 'Untitled'
}

/** `suggestedTitle`: the book's title as the file gives it (title page's first line, else the file name). */
export type SplitResult = { chapters: ImportedChapter[]; titlePage: string | null; suggestedTitle: string }

/** A title page's first line as a book title: stray quotes and punctuation at its ends dropped. */
export function cleanTitleLine(line: string): string {
  return oneLine(line)
    .replace(/^[\s'"“”‘’.,;:*_#-]+|[\s'"“”‘’.,;:*_#-]+$/gu, '')
    .slice(0, MAX_TITLE_CHARS)
}

export function splitChapters(items: SourceBlock[], fileName: string, warnings: ImportWarnings): SplitResult {
  const all = sections(items)
  const [leading, ...rest] = all
  let titlePage: string | null = null
  let suggestedTitle = titleFromFileName(fileName)
  const kept: Section[] = []
  if (wordsOf(leading.items) > 0) {
    if (rest.length && isTitlePage(leading.items)) {
      titlePage = leading.items.map(textOf).filter(Boolean).join(' / ')
      const first = leading.items.find((item) => textOf(item))
      const firstLine = first?.kind === 'block' && first.firstLine ? first.firstLine : first ? textOf(first) : ''
      suggestedTitle = cleanTitleLine(firstLine) || suggestedTitle
      warnings.add({ code: 'title_page', text: titlePage })
    } else {
      kept.push({ title: rest.length ? 'Front matter' : titleFromFileName(fileName), items: leading.items })
    }
  }
  kept.push(...rest)

  const chapters: ImportedChapter[] = []
  for (const section of kept) {
    const title = truncateTitle(section.title || 'Untitled')
    const parts = partsOf(bodyOf(section.items))
    if (parts.length > 1) warnings.add({ code: 'chapter_split', title, parts: parts.length })
    parts.forEach((blocks, index) => {
      const doc = ManuscriptDocSchema.parse({ type: 'doc', content: blocks.length ? blocks : [{ type: 'paragraph' }] })
      chapters.push({
        title: parts.length > 1 ? `${title} (${index + 1}/${parts.length})` : title,
        doc,
        wordCount: countWords(toPlainText(doc)),
      })
    })
  }
  return { chapters, titlePage, suggestedTitle }
}
