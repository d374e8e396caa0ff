// Reads the small, well-formed HTML that mammoth writes (p, h1-h6, strong, em, u, ul/ol/li,
// blockquote, br, plus tables, links, footnote markers and images) into source blocks.
// Tags it does not know contribute their text only, so nothing a writer typed is lost.
import type { ManuscriptBlock, ManuscriptInline, MarkType } from '../manuscript/schema.ts'
import { piecesToInline } from './inline.ts'
import { isSceneBreakLine, SCENE_BREAK, toBlocks, type SourceBlock } from './source.ts'
import type { ImportWarnings } from './warnings.ts'

type Element = { tag: string; className: string; children: Node[] }
type Node = Element | string

const VOID = new Set(['br', 'img', 'hr', 'wbr'])
const INLINE = new Set(['strong', 'b', 'em', 'i', 'u', 's', 'del', 'sub', 'sup', 'a', 'span', 'br', 'img', 'code', 'small', 'wbr'])
const MARK_OF: Record<string, MarkType> = { strong: 'bold', b: 'bold', em: 'italic', i: 'italic', u: 'underline' }
const TOKEN = /<(\/?)([A-Za-z][A-Za-z0-9]*)(\s[^<>]*?)?(\/?)>|<!--[\s\S]*?-->|([^<]+)|</g

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

/** What HTML means by &#128;…&#159;: the Windows-1252 characters (&#151; is an em dash). */
const WINDOWS_1252 = new TextDecoder('windows-1252')

export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]+));/g, (match, dec, hex, name) => {
    if (name) return NAMED[name] ?? match
    const code = dec ? Number(dec) : parseInt(hex, 16)
    if (code >= 0x80 && code <= 0x9f) return WINDOWS_1252.decode(new Uint8Array([code]))
    // A lone surrogate is no character at all: the replacement character, as HTML does.
    if (code >= 0xd800 && code <= 0xdfff) return '\ufffd'
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match
  })
}

export function parseHtml(html: string): Element {
  const root: Element = { tag: '#root', className: '', children: [] }
  const stack: Element[] = [root]
  for (const match of html.matchAll(TOKEN)) {
    const [whole, closing, rawTag, attributes, selfClosing, text] = match
    const top = stack.at(-1)!
    if (text !== undefined || whole === '<') {
      top.children.push(decodeEntities(text ?? whole))
      continue
    }
    if (!rawTag) continue // a comment
    const tag = rawTag.toLowerCase()
    if (closing) {
      const index = stack.map((element) => element.tag).lastIndexOf(tag)
      if (index > 0) stack.length = index
      continue
    }
    const element: Element = { tag, className: /\sclass="([^"]*)"/.exec(attributes ?? '')?.[1] ?? '', children: [] }
    top.children.push(element)
    if (!selfClosing && !VOID.has(tag)) stack.push(element)
  }
  return root
}

type Piece = { text: string; marks: MarkType[] }

function collectInline(nodes: Node[], marks: MarkType[], pieces: Piece[], warnings: ImportWarnings): void {
  for (const node of nodes) {
    if (typeof node === 'string') {
      pieces.push({ text: node.replace(/\s+/g, ' '), marks })
      continue
    }
    if (node.tag === 'br') pieces.push({ text: '\n', marks })
    else if (node.tag === 'img') warnings.add({ code: 'images_dropped' })
    else {
      const mark = MARK_OF[node.tag]
      collectInline(node.children, mark && !marks.includes(mark) ? [...marks, mark] : marks, pieces, warnings)
    }
  }
}

function inlineOf(nodes: Node[], warnings: ImportWarnings): ManuscriptInline[] {
  const pieces: Piece[] = []
  collectInline(nodes, [], pieces, warnings)
  return piecesToInline(pieces)
}

function paragraphOf(content: ManuscriptInline[]): SourceBlock | null {
  if (!content.length) return null
  const text = content.map((node) => (node.type === 'text' ? node.text : '\n')).join('')
  if (isSceneBreakLine(text)) return { kind: 'block', block: SCENE_BREAK, singleLine: true }
  return { kind: 'block', block: { type: 'paragraph', content }, singleLine: !text.includes('\n') }
}

function listOf(element: Element, warnings: ImportWarnings): ManuscriptBlock | null {
  const items = element.children
    .filter((child): child is Element => typeof child !== 'string' && child.tag === 'li')
    .map((item) => {
      const content = toBlocks(blocksOf(item.children, warnings))
      return { type: 'listItem' as const, content: content.length ? content : [{ type: 'paragraph' as const }] }
    })
  if (!items.length) return null
  return element.tag === 'ol' ? { type: 'orderedList', content: items } : { type: 'bulletList', content: items }
}

export function blocksOf(nodes: Node[], warnings: ImportWarnings): SourceBlock[] {
  const out: SourceBlock[] = []
  let pending: Node[] = []
  const flush = () => {
    const paragraph = paragraphOf(inlineOf(pending, warnings))
    if (paragraph) out.push(paragraph)
    pending = []
  }
  for (const node of nodes) {
    if (typeof node === 'string' || INLINE.has(node.tag)) {
      pending.push(node)
      continue
    }
    flush()
    const heading = /^h([1-6])$/.exec(node.tag)
    if (heading) {
      const content = inlineOf(node.children, warnings)
      if (content.length) out.push({ kind: 'heading', level: Number(heading[1]), content })
    } else if (node.tag === 'p' && /\b(?:title|subtitle)\b/.test(node.className)) {
      // Word's Title/Subtitle styles: level 0 never splits chapters and reads as a title page.
      const content = inlineOf(node.children, warnings)
      if (content.length) out.push({ kind: 'heading', level: 0, content })
    } else if (node.tag === 'p') {
      const paragraph = paragraphOf(inlineOf(node.children, warnings))
      if (paragraph) out.push(paragraph)
    } else if (node.tag === 'ul' || node.tag === 'ol') {
      const list = listOf(node, warnings)
      if (list) out.push({ kind: 'block', block: list, singleLine: false })
    } else if (node.tag === 'blockquote') {
      const content = toBlocks(blocksOf(node.children, warnings))
      if (content.length) out.push({ kind: 'block', block: { type: 'blockquote', content }, singleLine: false })
    } else if (node.tag === 'hr') {
      out.push({ kind: 'block', block: SCENE_BREAK, singleLine: true })
    } else {
      // Tables, divs and anything else: keep what they contain.
      out.push(...blocksOf(node.children, warnings))
    }
  }
  flush()
  return out
}

export function readHtml(html: string, warnings: ImportWarnings): SourceBlock[] {
  return blocksOf(parseHtml(html).children, warnings)
}
