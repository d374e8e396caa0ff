// The AI's answers as React elements from a small Markdown subset: paragraphs, headings,
// bold, italic, lists, quotes, inline and fenced code — and citation markers [n], the only
// links, made by the caller. Everything else is text: React escapes it, there is no raw HTML
// path (no dangerouslySetInnerHTML), and a Markdown link or an autolink stays as typed, so a
// model told by a manuscript to emit `<script>` or `[click](javascript:…)` shows just that text.
// Runs on every streamed token: linear, and an unfinished `**` shows as typed until it closes.
import { Fragment, type ReactNode } from 'react'

export type MarkdownOptions = {
  /** The link for citation n, or null when there is no such source (then it stays text). */
  citation?: (n: number) => ReactNode | null
}

type Block =
  | { type: 'heading'; level: number; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'code'; text: string }
  | { type: 'quote'; lines: string[] }
  | { type: 'list'; ordered: boolean; start: number; items: string[] }

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/
const FENCE = /^\s*(```|~~~)/
const QUOTE = /^\s{0,3}>\s?(.*)$/
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/
const NUMBERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/

export function parseBlocks(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]
    if (line.trim() === '') {
      i++
      continue
    }
    const fence = line.match(FENCE)
    if (fence) {
      const body: string[] = []
      i++
      // An unclosed fence (still streaming) runs to the end.
      while (i < lines.length && !lines[i].trimStart().startsWith(fence[1])) body.push(lines[i++])
      i++
      blocks.push({ type: 'code', text: body.join('\n') })
      continue
    }
    const heading = line.match(HEADING)
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1].length, text: heading[2] })
      i++
      continue
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = []
      while (i < lines.length && QUOTE.test(lines[i])) quoted.push(lines[i++].match(QUOTE)![1])
      blocks.push({ type: 'quote', lines: quoted })
      continue
    }
    const bullet = BULLET.test(line)
    const numbered = line.match(NUMBERED)
    if (bullet || numbered) {
      const pattern = bullet ? BULLET : NUMBERED
      const items: string[] = []
      while (i < lines.length && lines[i].trim() !== '') {
        const m = lines[i].match(pattern)
        if (m) items.push(m[m.length - 1])
        // A continuation line belongs to the item above; another kind of list starts a new block.
        else if (BULLET.test(lines[i]) || NUMBERED.test(lines[i]) || HEADING.test(lines[i]) || FENCE.test(lines[i]) || QUOTE.test(lines[i])) break
        else items[items.length - 1] += ` ${lines[i].trim()}`
        i++
      }
      blocks.push({ type: 'list', ordered: !bullet, start: numbered ? Number(numbered[1]) : 1, items })
      continue
    }
    const text: string[] = []
    while (i < lines.length && lines[i].trim() !== '' && !FENCE.test(lines[i]) && !HEADING.test(lines[i]) && !QUOTE.test(lines[i]) && !BULLET.test(lines[i]) && !NUMBERED.test(lines[i])) {
      text.push(lines[i++].trim())
    }
    blocks.push({ type: 'paragraph', text: text.join('\n') })
  }
  return blocks
}

// Earliest of: `code`, **bold**, __bold__, *italic*, _italic_, [n] / [n, m] citations.
const INLINE = /`([^`\n]+)`|\*\*(?=\S)([\s\S]+?)(?<=\S)\*\*|__(?=\S)([\s\S]+?)(?<=\S)__|\*(?=[^\s*])([\s\S]+?)(?<=[^\s*])\*|(?<![\p{L}\p{N}_])_(?=\S)([\s\S]+?)(?<=\S)_(?![\p{L}\p{N}_])|\[(\d{1,4}(?:\s*,\s*\d{1,4})*)\]/u

export function renderInline(text: string, options: MarkdownOptions, depth = 0): ReactNode[] {
  const out: ReactNode[] = []
  let rest = text
  let key = 0
  while (rest) {
    const m = depth > 8 ? null : INLINE.exec(rest)
    if (!m) {
      out.push(...withBreaks(rest, key))
      break
    }
    if (m.index > 0) out.push(...withBreaks(rest.slice(0, m.index), key++))
    const k = `i${key++}`
    if (m[1] !== undefined) out.push(<code key={k} className="rounded bg-slate-100 px-1 font-mono text-[0.9em]">{m[1]}</code>)
    else if (m[2] !== undefined || m[3] !== undefined) out.push(<strong key={k}>{renderInline(m[2] ?? m[3], options, depth + 1)}</strong>)
    else if (m[4] !== undefined || m[5] !== undefined) out.push(<em key={k}>{renderInline(m[4] ?? m[5], options, depth + 1)}</em>)
    else out.push(<Fragment key={k}>{citations(m[0], m[6], options)}</Fragment>)
    rest = rest.slice(m.index + m[0].length)
  }
  return out
}

function citations(whole: string, numbers: string, options: MarkdownOptions): ReactNode {
  const ns = numbers.split(',').map((n) => Number(n.trim()))
  const links = ns.map((n) => options.citation?.(n) ?? null)
  // All or nothing: a marker naming a source that does not exist stays as the model wrote it.
  if (links.some((l) => l === null)) return whole
  return links.map((link, i) => <Fragment key={i}>{link}</Fragment>)
}

function withBreaks(text: string, key: number): ReactNode[] {
  return text.split('\n').flatMap((part, i) => (i === 0 ? [part] : [<br key={`b${key}-${i}`} />, part])).filter((p) => p !== '')
}

const HEADING_CLASS = ['text-lg', 'text-base', 'text-base', 'text-sm', 'text-sm', 'text-sm']

export function Markdown({ text, options = {} }: { text: string; options?: MarkdownOptions }) {
  return (
    <div className="space-y-3 break-words text-sm leading-6 text-slate-800">
      {parseBlocks(text).map((block, i) => {
        switch (block.type) {
          case 'heading':
            return (
              <p key={i} role="heading" aria-level={Math.min(6, block.level + 2)} className={`font-semibold text-indigo-brand ${HEADING_CLASS[block.level - 1]}`}>
                {renderInline(block.text, options)}
              </p>
            )
          case 'paragraph':
            return <p key={i}>{renderInline(block.text, options)}</p>
          case 'code':
            return (
              <pre key={i} className="overflow-x-auto whitespace-pre-wrap rounded-lg bg-slate-100 p-3 font-mono text-xs">
                <code>{block.text}</code>
              </pre>
            )
          case 'quote':
            return (
              <blockquote key={i} className="border-l-4 border-violet-brand/40 pl-3 italic text-slate-700">
                {renderInline(block.lines.join('\n'), options)}
              </blockquote>
            )
          case 'list': {
            const items = block.items.map((item, j) => <li key={j}>{renderInline(item, options)}</li>)
            return block.ordered ? (
              <ol key={i} start={block.start === 1 ? undefined : block.start} className="list-decimal space-y-1 pl-5">
                {items}
              </ol>
            ) : (
              <ul key={i} className="list-disc space-y-1 pl-5">
                {items}
              </ul>
            )
          }
        }
      })}
    </div>
  )
}
