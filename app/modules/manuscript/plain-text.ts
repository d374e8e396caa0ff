// Plain text and counts of a manuscript document: what search, memory and word counts
// read. Blocks are separated by blank lines; a scene break becomes a line `* * *`.
import type { ManuscriptBlock, ManuscriptDoc, ManuscriptInline } from './schema.ts'

export const SCENE_BREAK_TEXT = '* * *'

function inlineText(content: ManuscriptInline[] | undefined): string {
  return (content ?? []).map((node) => (node.type === 'text' ? node.text : '\n')).join('')
}

function blockText(block: ManuscriptBlock): string[] {
  switch (block.type) {
    case 'paragraph':
    case 'heading':
      return [inlineText(block.content)]
    case 'sceneBreak':
      return [SCENE_BREAK_TEXT]
    case 'blockquote':
      return block.content.flatMap(blockText)
    case 'bulletList':
    case 'orderedList':
      return block.content.flatMap((item) => item.content.flatMap(blockText))
  }
}

export function toPlainText(doc: ManuscriptDoc): string {
  return doc.content
    .flatMap(blockText)
    .filter((text) => text.trim() !== '')
    .join('\n\n')
}

/** Words as a writer counts them: runs of letters/digits, with inner apostrophes and hyphens. */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*/gu)?.length ?? 0
}

export function countCharacters(text: string): number {
  return [...text].length
}
