// Markdown (CommonMark) export. The book title is a level-1 heading, each chapter a level-2
// heading, and headings inside chapters move down two levels so the outline stays intact.
import type { ManuscriptBlock, ManuscriptInline } from '../manuscript/schema.ts'
import { SCENE_BREAK_TEXT } from '../manuscript/plain-text.ts'
import { bookTitle, chapterTitle, cleanText, type ExportBook, wordsFor } from './book.ts'

type Emphasis = 'em' | 'strong'
const DELIMITER: Record<Emphasis, string> = { em: '*', strong: '**' }

// Every ASCII punctuation character that can start Markdown syntax inside a line. Escaping
// them all keeps a writer's asterisks, brackets and angle brackets literal.
const INLINE_SYNTAX = /[\\`*_[\]<>&|~!]/g

function escapeInline(text: string): string {
  return cleanText(text).replace(INLINE_SYNTAX, (char) => `\\${char}`)
}

// A line that would otherwise become a heading, list item, setext underline or quote.
function escapeLineStart(line: string): string {
  return line
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d{1,9})([.)])/, '$1\\$2')
}

function emphasesOf(node: ManuscriptInline): Emphasis[] {
  if (node.type !== 'text') return []
  const marks = new Set((node.marks ?? []).map((mark) => mark.type))
  const emphases: Emphasis[] = []
  // Markdown has no underline; manuscripts underline what should be set in italics, so an
  // underline becomes emphasis.
  if (marks.has('italic') || marks.has('underline')) emphases.push('em')
  if (marks.has('bold')) emphases.push('strong')
  return emphases
}

/**
 * Inline content with emphasis opened and closed as a stack, so overlapping marks nest
 * (`*a **b** c*`), and with whitespace kept outside the delimiters, where CommonMark needs it.
 */
function renderInline(content: ManuscriptInline[] | undefined): string {
  let out = ''
  let pendingSpace = ''
  const open: Emphasis[] = []
  const closeUntil = (wanted: Set<Emphasis>) => {
    const keep = open.findIndex((emphasis) => !wanted.has(emphasis))
    if (keep === -1) return
    while (open.length > keep) out += DELIMITER[open.pop()!]
  }
  for (const node of content ?? []) {
    if (node.type === 'hardBreak') {
      closeUntil(new Set())
      out += '\\\n'
      pendingSpace = ''
      continue
    }
    const [, leading, core, trailing] = /^(\s*)([\s\S]*?)(\s*)$/.exec(node.text.replace(/\n/g, ' '))!
    if (core === '') {
      pendingSpace += leading + trailing
      continue
    }
    const wanted = new Set(emphasesOf(node))
    closeUntil(wanted)
    out += pendingSpace + leading
    for (const emphasis of wanted) {
      if (!open.includes(emphasis)) {
        open.push(emphasis)
        out += DELIMITER[emphasis]
      }
    }
    out += escapeInline(core)
    pendingSpace = trailing
  }
  closeUntil(new Set())
  return out + pendingSpace
}

function paragraphText(content: ManuscriptInline[] | undefined): string {
  return renderInline(content)
    .split('\n')
    .map((line) => escapeLineStart(line.replace(/^[ \t]+/, '')))
    .join('\n')
    .trimEnd()
}

function indent(text: string, prefix: string, firstPrefix = prefix): string {
  return text
    .split('\n')
    .map((line, index) => (index === 0 ? firstPrefix : line === '' ? prefix.trimEnd() : prefix) + line)
    .join('\n')
}

function renderBlocks(blocks: ManuscriptBlock[], headingOffset: number): string {
  return blocks
    .map((block) => renderBlock(block, headingOffset))
    .filter((text) => text !== '')
    .join('\n\n')
}

function renderList(block: Extract<ManuscriptBlock, { type: 'bulletList' | 'orderedList' }>, headingOffset: number): string {
  const start = block.type === 'orderedList' ? (block.attrs?.start ?? 1) : 1
  const tight = block.content.every((item) => item.content.length === 1 && item.content[0].type === 'paragraph')
  return block.content
    .map((item, index) => {
      const marker = block.type === 'bulletList' ? '- ' : `${start + index}. `
      const body = renderBlocks(item.content, headingOffset) || '\u00a0'
      return indent(body, ' '.repeat(marker.length), marker)
    })
    .join(tight ? '\n' : '\n\n')
}

function renderBlock(block: ManuscriptBlock, headingOffset: number): string {
  switch (block.type) {
    case 'paragraph':
      return paragraphText(block.content)
    case 'heading': {
      const text = escapeLineStartInHeading(renderInline(block.content).replace(/\\\n/g, ' ').trim())
      return text === '' ? '' : `${'#'.repeat(Math.min(6, block.attrs.level + headingOffset))} ${text}`
    }
    case 'sceneBreak':
      return SCENE_BREAK_TEXT
    case 'blockquote': {
      const inner = renderBlocks(block.content, headingOffset)
      return inner === '' ? '' : indent(inner, '> ')
    }
    case 'bulletList':
    case 'orderedList':
      return renderList(block, headingOffset)
  }
}

function headingLine(level: number, text: string): string {
  return `${'#'.repeat(level)} ${escapeLineStartInHeading(escapeInline(text.replace(/\s+/g, ' ').trim()))}`
}

// In a heading only a closing run of #s is syntax; a leading one is text already.
function escapeLineStartInHeading(text: string): string {
  return text.replace(/(\s)#+$/, (run) => run.replace(/#/g, '\\#'))
}

export function toMarkdown(book: ExportBook): string {
  const parts = [headingLine(1, bookTitle(book))]
  const author = cleanText(book.author).trim()
  if (author !== '') parts.push(`${wordsFor(book.language).by} ${escapeLineStart(escapeInline(author))}`)
  book.chapters.forEach((chapter, index) => {
    parts.push(headingLine(2, chapterTitle(book, index)))
    const body = renderBlocks(chapter.doc.content, 2)
    if (body !== '') parts.push(body)
  })
  return `${parts.join('\n\n')}\n`
}
