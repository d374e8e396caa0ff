// What every reader produces: a flat run of blocks in which headings keep their original
// level (1-6), so chapter splitting can work the same way for .txt, .md and .docx.
import type { ManuscriptBlock, ManuscriptInline } from '../manuscript/schema.ts'

export type SourceBlock =
  /** level 1-6, or 0 for a document title (Word's Title style): never a chapter boundary. */
  | { kind: 'heading'; level: number; content: ManuscriptInline[] }
  /** `singleLine`: the paragraph was one line in the source (a candidate chapter or title line). */
  /** `firstLine`: a hard-wrapped paragraph's first source line (a title page's title, above the author). */
  | { kind: 'block'; block: ManuscriptBlock; singleLine: boolean; firstLine?: string }

/** A line that is only a scene-break ornament: `***`, `* * *`, `* * * * *`, `#`, `---`. */
export function isSceneBreakLine(line: string): boolean {
  return /^(?:(?:\*[ \t]*){3,}|#|-{3,}|(?:-[ \t]+){2,}-)$/.test(line.trim())
}

export const SCENE_BREAK: ManuscriptBlock = { type: 'sceneBreak' }

/** Headings inside a chapter body: the manuscript format has levels 1-3 only. */
export function toBodyHeading(level: number, content: ManuscriptInline[]): ManuscriptBlock | null {
  if (!content.length) return null
  return { type: 'heading', attrs: { level: Math.min(3, Math.max(1, level)) as 1 | 2 | 3 }, content }
}

export function toBlocks(items: SourceBlock[]): ManuscriptBlock[] {
  return items.flatMap((item) => {
    if (item.kind === 'block') return [item.block]
    const heading = toBodyHeading(item.level, item.content)
    return heading ? [heading] : []
  })
}
