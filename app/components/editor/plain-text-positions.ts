// Offsets in a chapter's plain text (app/modules/manuscript/plain-text.ts — what chunking,
// citations and the chat function count in) ↔ positions in the editor's ProseMirror document.
// Built from the same rules as toPlainText: every paragraph/heading and every scene break is a
// block of text, blank ones are left out, blocks are joined by a blank line; inside a block a
// hard break is '\n'. Inside a text block both sides advance one per UTF-16 code unit, so each
// block maps linearly; a scene break is one position wide but five characters ('* * *').
import type { Node as PmNode } from '@tiptap/pm/model'
import { SCENE_BREAK_TEXT } from '~/modules/manuscript/plain-text.ts'

const BLOCK_SEPARATOR = '\n\n'

type Segment = { plainStart: number; plainEnd: number; posStart: number; posEnd: number; atom: boolean }

export type PlainTextMap = {
  text: string
  /** The plain-text offset of a document position (a position between blocks goes to the next block). */
  toOffset(pos: number): number
  /** The document position of a plain-text offset; `bias` decides where an offset in a blank line between blocks goes. */
  toPos(offset: number, bias?: 'start' | 'end'): number
}

export function plainTextMap(doc: PmNode): PlainTextMap {
  const segments: Segment[] = []
  const parts: string[] = []
  let length = 0
  const add = (text: string, posStart: number, posEnd: number, atom: boolean) => {
    if (text.trim() === '') return
    if (parts.length > 0) {
      parts.push(BLOCK_SEPARATOR)
      length += BLOCK_SEPARATOR.length
    }
    parts.push(text)
    segments.push({ plainStart: length, plainEnd: length + text.length, posStart, posEnd, atom })
    length += text.length
  }
  doc.descendants((node, pos) => {
    if (node.type.name === 'sceneBreak') {
      add(SCENE_BREAK_TEXT, pos, pos + node.nodeSize, true)
      return false
    }
    if (node.isTextblock) {
      let text = ''
      node.forEach((child) => {
        text += child.isText ? (child.text ?? '') : '\n'
      })
      add(text, pos + 1, pos + 1 + node.content.size, false)
      return false
    }
    return true
  })
  const text = parts.join('')

  return {
    text,
    toOffset(pos) {
      for (const s of segments) {
        if (pos < s.posStart) return s.plainStart
        if (pos <= s.posEnd) return s.atom ? (pos === s.posStart ? s.plainStart : s.plainEnd) : s.plainStart + (pos - s.posStart)
      }
      return text.length
    },
    toPos(offset, bias = 'start') {
      if (segments.length === 0) return 1
      let previous: Segment | null = null
      for (const s of segments) {
        if (offset < s.plainStart) return bias === 'end' && previous ? previous.posEnd : s.posStart
        if (offset <= s.plainEnd) return s.atom ? (offset === s.plainStart ? s.posStart : s.posEnd) : s.posStart + (offset - s.plainStart)
        previous = s
      }
      return segments[segments.length - 1].posEnd
    },
  }
}

/** Plain text for a proposal as editor content: blank lines separate paragraphs, a single line break is a hard break. */
export function textToParagraphs(text: string) {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '')
  return paragraphs.map((p) => ({
    type: 'paragraph' as const,
    content: p.split('\n').flatMap((line, i) => [...(i > 0 ? [{ type: 'hardBreak' as const }] : []), ...(line ? [{ type: 'text' as const, text: line }] : [])]),
  }))
}
