// The Markdown a writer produces: ATX and setext headings, emphasis, thematic breaks as scene
// breaks, blockquotes and lists. A deliberately small reader (not a full CommonMark engine):
// the manuscript format has nowhere to put code, tables, links or raw HTML, so those are
// reduced to their text or dropped with a warning.
import type { ManuscriptBlock } from '../manuscript/schema.ts'
import { decodeEntities } from './html.ts'
import { parseInline } from './inline.ts'
import { SCENE_BREAK, toBlocks, type SourceBlock } from './source.ts'
import type { ImportWarnings } from './warnings.ts'


const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/
const THEMATIC = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/
const SETEXT_1 = /^ {0,3}=+[ \t]*$/
const SETEXT_2 = /^ {0,3}-+[ \t]*$/
const QUOTE = /^ {0,3}> ?(.*)$/
const BULLET = /^( {0,3})([-*+])(?:[ \t]+(.*)|$)/
const ORDERED = /^( {0,3})(\d{1,9})([.)])(?:[ \t]+(.*)|$)/
const FENCE = /^ {0,3}(`{3,}|~{3,})/
const HTML_BLOCK = /^ {0,3}<(?:\/?[A-Za-z][\w-]*(?:\s|\/?>|$)|!--)/
const INLINE_TAG = /<!--[\s\S]*?-->|<\/?[A-Za-z][\w-]*(?:\s[^<>]*)?\/?>/g
const IMAGE = /!\[([^\]]*)\]\([^)]*\)/g
const LINK = /\[([^\]]*)\]\([^)]*\)/g

function isBlank(line: string): boolean {
  return line.trim() === ''
}

function startsBlock(line: string): boolean {
  return ATX.test(line) || THEMATIC.test(line) || QUOTE.test(line) || BULLET.test(line) || ORDERED.test(line) || FENCE.test(line)
}


export function readMarkdown(text: string, warnings: ImportWarnings): SourceBlock[] {
  const lines = text.split('\n')
  // Obsidian/Jekyll-style metadata between two `---` lines is not part of the manuscript.
  if (lines[0]?.trim() === '---') {
    const close = lines.findIndex((line, index) => index > 0 && /^(?:---|\.\.\.)\s*$/.test(line))
    if (close > 0 && lines.slice(1, close).every((line) => !line.trim() || /^[\w-]+:|^\s+|^-\s/.test(line))) {
      warnings.add({ code: 'front_matter' })
      return readBlocks(lines.slice(close + 1), warnings)
    }
  }
  return readBlocks(lines, warnings)
}

function readBlocks(lines: string[], warnings: ImportWarnings): SourceBlock[] {
  const out: SourceBlock[] = []
  let paragraph: string[] = []

  const inline = (source: string) => {
    let cleaned = source
    if (cleaned.search(IMAGE) >= 0) warnings.add({ code: 'images_dropped' })
    cleaned = cleaned.replace(IMAGE, '').replace(LINK, '$1')
    if (cleaned.search(INLINE_TAG) >= 0) warnings.add({ code: 'html_dropped' })
    cleaned = decodeEntities(cleaned.replace(INLINE_TAG, ''))
    return parseInline(cleaned, { markdown: true })
  }

  const flush = () => {
    if (!paragraph.length) return
    // A line ending in two spaces or a backslash is a hard break; other line ends are spaces.
    const joined = paragraph
      .map((line, index) => {
        if (index === paragraph.length - 1) return line.trim()
        if (/ {2,}$/.test(line)) return line.trim() + '\n'
        if (/\\$/.test(line.trimEnd())) return line.trim().slice(0, -1) + '\n'
        return line.trim() + ' '
      })
      .join('')
    const content = inline(joined)
    if (content.length) out.push({ kind: 'block', block: { type: 'paragraph', content }, singleLine: paragraph.length === 1 })
    paragraph = []
  }

  for (let i = 0; i < lines.length; ) {
    const line = lines[i]
    if (isBlank(line)) {
      flush()
      i++
      continue
    }
    if (paragraph.length && SETEXT_1.test(line)) {
      const content = inline(paragraph.map((l) => l.trim()).join(' '))
      paragraph = []
      out.push({ kind: 'heading', level: 1, content })
      i++
      continue
    }
    if (paragraph.length && SETEXT_2.test(line)) {
      const content = inline(paragraph.map((l) => l.trim()).join(' '))
      paragraph = []
      out.push({ kind: 'heading', level: 2, content })
      i++
      continue
    }
    const atx = ATX.exec(line)
    if (atx) {
      flush()
      const content = inline(atx[2] ?? '')
      // A lone `#` is how many writers mark a scene break.
      if (content.length) out.push({ kind: 'heading', level: atx[1].length, content })
      else if (atx[1].length === 1) out.push({ kind: 'block', block: SCENE_BREAK, singleLine: true })
      i++
      continue
    }
    if (THEMATIC.test(line)) {
      flush()
      out.push({ kind: 'block', block: SCENE_BREAK, singleLine: true })
      i++
      continue
    }
    const fence = FENCE.exec(line)
    if (fence) {
      flush()
      const body: string[] = []
      i++
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++])
      i++
      const content = parseInline(body.join('\n'), { markdown: false })
      if (content.length) out.push({ kind: 'block', block: { type: 'paragraph', content }, singleLine: false })
      continue
    }
    if (!paragraph.length && HTML_BLOCK.test(line)) {
      warnings.add({ code: 'html_dropped' })
      const block: string[] = []
      while (i < lines.length && !isBlank(lines[i])) block.push(lines[i++])
      const text = block.join('\n').replace(INLINE_TAG, '').trim()
      if (text) paragraph.push(text)
      flush()
      continue
    }
    if (QUOTE.test(line)) {
      flush()
      const inner: string[] = []
      while (i < lines.length && !isBlank(lines[i])) {
        const quoted = QUOTE.exec(lines[i])
        if (quoted) inner.push(quoted[1])
        else if (startsBlock(lines[i])) break
        else inner.push(lines[i])
        i++
      }
      const content = toBlocks(readBlocks(inner, warnings))
      if (content.length) out.push({ kind: 'block', block: { type: 'blockquote', content }, singleLine: false })
      continue
    }
    if (BULLET.test(line) || ORDERED.test(line)) {
      flush()
      const list = readList(lines, i, warnings)
      out.push({ kind: 'block', block: list.block, singleLine: false })
      i = list.next
      continue
    }
    paragraph.push(line)
    i++
  }
  flush()
  return out
}

function readList(lines: string[], start: number, warnings: ImportWarnings): { block: ManuscriptBlock; next: number } {
  const ordered = !BULLET.test(lines[start])
  const marker = (line: string) => (ordered ? ORDERED.exec(line) : BULLET.exec(line))
  const first = ORDERED.exec(lines[start])
  const items: string[][] = []
  let indent = 2
  let i = start
  while (i < lines.length) {
    const line = lines[i]
    const match = marker(line)
    if (match && !THEMATIC.test(line)) {
      const content = (ordered ? match[4] : match[3]) ?? ''
      indent = line.length - content.length
      items.push([content])
      i++
      continue
    }
    if (isBlank(line)) {
      let next = i + 1
      while (next < lines.length && isBlank(lines[next])) next++
      const following = lines[next]
      if (following === undefined) break
      const leading = following.length - following.trimStart().length
      if (leading >= Math.min(indent, 4) || (marker(following) && !THEMATIC.test(following))) {
        items.at(-1)!.push('')
        i++
        continue
      }
      break
    }
    const leading = line.length - line.trimStart().length
    if (leading >= Math.min(indent, 4)) {
      items.at(-1)!.push(line.slice(Math.min(leading, indent)))
      i++
      continue
    }
    // A lazy continuation of the item's last paragraph.
    const previous = items.at(-1)!.at(-1)
    if (previous !== undefined && !isBlank(previous) && !startsBlock(line)) {
      items.at(-1)!.push(line)
      i++
      continue
    }
    break
  }
  const content = items.map((itemLines) => {
    const blocks = toBlocks(readBlocks(itemLines, warnings))
    return { type: 'listItem' as const, content: blocks.length ? blocks : [{ type: 'paragraph' as const }] }
  })
  const startNumber = first ? Number(first[2]) : 1
  const block: ManuscriptBlock = ordered
    ? { type: 'orderedList', ...(startNumber !== 1 ? { attrs: { start: Math.min(startNumber, 100_000) } } : {}), content }
    : { type: 'bulletList', content }
  return { block, next: i }
}
