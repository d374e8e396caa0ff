// Plain-text manuscripts (Project Gutenberg style): paragraphs are separated by blank lines,
// lines inside a paragraph are hard-wrapped and join with a space.
import { parseInline } from './inline.ts'
import { isSceneBreakLine, SCENE_BREAK, type SourceBlock } from './source.ts'

export function readPlainText(text: string): SourceBlock[] {
  const out: SourceBlock[] = []
  let lines: string[] = []
  const flush = () => {
    if (!lines.length) return
    const content = parseInline(lines.join(' '), { markdown: false })
    if (content.length) out.push({ kind: 'block', block: { type: 'paragraph', content }, singleLine: lines.length === 1, firstLine: lines[0] })
    lines = []
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line) flush()
    else if (isSceneBreakLine(line)) {
      flush()
      out.push({ kind: 'block', block: SCENE_BREAK, singleLine: true })
    } else lines.push(line)
  }
  flush()
  return out
}
