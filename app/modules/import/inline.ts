// Inline emphasis shared by the plain-text and Markdown readers. Emphasis is applied only
// when an opening run finds a matching closing run in the same paragraph, so a stray `_`
// or `**` stays as typed. Closing runs are indexed up front, which keeps a paragraph full of
// unmatched delimiters linear instead of quadratic.
import { MARK_TYPES, type ManuscriptInline, type MarkType } from '../manuscript/schema.ts'

export type InlineSyntax = {
  /** Markdown: `*x*`, `***x***` and backslash escapes. Plain text knows only `_x_`, `**x**`, `__x__`. */
  markdown: boolean
}

type Piece = { text: string; marks: MarkType[] }
/** A delimiter run (`*`, `**`, `_`…) or, in Markdown, a backslash escape (`char` is `\\`). */
type Token = { start: number; length: number; char: '*' | '_' | '\\'; canOpen: boolean; canClose: boolean }

const ESCAPABLE = /[!-/:-@[-`{-~]/
const WORD_CHAR = /[\p{L}\p{N}]/u
const SPACE = /\s/

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD_CHAR.test(char)
}

function isSpace(char: string | undefined): boolean {
  return char === undefined || SPACE.test(char)
}

function scanTokens(text: string, syntax: InlineSyntax): Token[] {
  const tokens: Token[] = []
  const pattern = syntax.markdown ? /[*_\\]/g : /[*_]/g
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const i = match.index
    const char = text[i] as Token['char']
    if (char === '\\') {
      if (i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
        tokens.push({ start: i, length: 2, char, canOpen: false, canClose: false })
        pattern.lastIndex = i + 2
      }
      continue
    }
    let end = i
    while (end < text.length && text[end] === char) end++
    const before = text[i - 1]
    const after = text[end]
    // `_` never opens or closes inside a word (snake_case, "word_s"); `*` may.
    const canOpen = !isSpace(after) && (char === '*' || !isWordChar(before))
    const canClose = !isSpace(before) && (char === '*' || !isWordChar(after))
    tokens.push({ start: i, length: end - i, char, canOpen, canClose })
    pattern.lastIndex = end
  }
  return tokens
}

function marksForRun(run: Token, syntax: InlineSyntax): MarkType[] | null {
  if (run.char === '\\') return null
  if (syntax.markdown) {
    if (run.length === 1) return ['italic']
    if (run.length === 2) return ['bold']
    if (run.length === 3) return ['bold', 'italic']
    return null
  }
  if (run.char === '_' && run.length === 1) return ['italic']
  if (run.length === 2) return ['bold']
  return null
}

/** First index in a sorted list whose value is greater than `after`. */
function firstAfter(sorted: number[], after: number, key: (index: number) => number): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (key(mid) <= after) low = mid + 1
    else high = mid
  }
  return low
}

/** Parses a paragraph's text (a `\n` is a hard line break) into marked text and hard breaks. */
export function parseInline(text: string, syntax: InlineSyntax): ManuscriptInline[] {
  const tokens = scanTokens(text, syntax)
  if (!tokens.length) return piecesToInline([{ text, marks: [] }])
  const closers = new Map<string, number[]>()
  for (const token of tokens) {
    if (!token.canClose || token.char === '\\') continue
    const key = token.char + token.length
    const list = closers.get(key) ?? []
    list.push(token.start)
    closers.set(key, list)
  }
  const tokenStarts = tokens.map((token) => token.start)

  function findCloser(run: Token, after: number, before: number): number {
    const list = closers.get(run.char + run.length)
    if (!list) return -1
    const index = firstAfter(list, after, (i) => list[i])
    return index < list.length && list[index] + run.length <= before ? list[index] : -1
  }

  const pieces: Piece[] = []
  function walk(start: number, end: number, marks: MarkType[]): void {
    let buffer = ''
    const flush = () => {
      if (buffer) pieces.push({ text: buffer, marks })
      buffer = ''
    }
    let next = firstAfter(tokenStarts, start - 1, (i) => tokenStarts[i])
    let i = start
    while (i < end) {
      const token = tokens[next]
      if (!token || token.start >= end) {
        buffer += text.slice(i, end)
        break
      }
      buffer += text.slice(i, token.start)
      next++
      if (token.char === '\\') {
        buffer += text[token.start + 1]
        i = token.start + 2
        continue
      }
      const added = token.canOpen ? marksForRun(token, syntax) : null
      const closer = added ? findCloser(token, token.start + token.length, end) : -1
      if (added && closer > token.start + token.length) {
        flush()
        walk(token.start + token.length, closer, [...new Set([...marks, ...added])])
        i = closer + token.length
        next = firstAfter(tokenStarts, i - 1, (k) => tokenStarts[k])
        continue
      }
      buffer += text.slice(token.start, token.start + token.length)
      i = token.start + token.length
    }
    flush()
  }
  walk(0, text.length, [])
  return piecesToInline(pieces)
}

/** Plain text with the Portuguese dialogue dash and typewriter dashes made typographic. */
export function typographicDashes(text: string): string {
  return text.replace(/-{2,3}/g, '—')
}

function sameMarks(a: MarkType[], b: MarkType[]): boolean {
  return a.length === b.length && a.every((mark) => b.includes(mark))
}

export function piecesToInline(pieces: Piece[]): ManuscriptInline[] {
  const merged: Piece[] = []
  for (const piece of pieces) {
    const last = merged.at(-1)
    if (last && sameMarks(last.marks, piece.marks)) last.text += piece.text
    else merged.push({ text: piece.text, marks: [...piece.marks] })
  }
  const out: ManuscriptInline[] = []
  for (const piece of merged) {
    const marks = MARK_TYPES.filter((mark) => piece.marks.includes(mark))
    typographicDashes(piece.text)
      .split('\n')
      .forEach((line, index) => {
        if (index > 0) out.push({ type: 'hardBreak' })
        if (line) out.push(marks.length ? { type: 'text', text: line, marks: marks.map((type) => ({ type })) } : { type: 'text', text: line })
      })
  }
  return trimInline(out)
}

/** Drops leading/trailing whitespace and hard breaks so a paragraph never starts or ends blank. */
export function trimInline(nodes: ManuscriptInline[]): ManuscriptInline[] {
  const blank = (node: ManuscriptInline) => node.type === 'hardBreak' || !node.text.trim()
  let start = 0
  let end = nodes.length
  while (start < end && blank(nodes[start])) start++
  while (end > start && blank(nodes[end - 1])) end--
  const out = nodes.slice(start, end)
  const first = out[0]
  if (first?.type === 'text') out[0] = { ...first, text: first.text.trimStart() }
  const last = out.at(-1)
  if (last?.type === 'text') out[out.length - 1] = { ...last, text: last.text.trimEnd() }
  return out
}

export function inlineText(nodes: ManuscriptInline[] | undefined): string {
  return (nodes ?? []).map((node) => (node.type === 'text' ? node.text : ' ')).join('')
}
