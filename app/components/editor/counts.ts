// The editor's word and character counts, counted the way the server counts a saved chapter
// (toPlainText + countWords), so the footer and the book outline agree. Counting the whole
// document on every keystroke costs milliseconds on a 20,000-word chapter (see bench:writing);
// ProseMirror keeps every unchanged top-level node identical between transactions, so counts
// are kept per node and a keystroke recounts only the paragraph it changed.
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { countCharacters, countWords, toPlainText } from '~/modules/manuscript/plain-text.ts'
import type { ManuscriptDoc } from '~/modules/manuscript/schema.ts'

export type Counts = { words: number; characters: number }

const blockCounts = new WeakMap<ProseMirrorNode, Counts>()

/** Words, and characters of the text (the blank lines between blocks not counted). */
export function documentCounts(doc: ProseMirrorNode): Counts {
  let words = 0
  let characters = 0
  doc.forEach((block) => {
    let counts = blockCounts.get(block)
    if (!counts) {
      const text = toPlainText({ type: 'doc', content: [block.toJSON()] } as ManuscriptDoc)
      counts = { words: countWords(text), characters: countCharacters(text) }
      blockCounts.set(block, counts)
    }
    words += counts.words
    characters += counts.characters
  })
  return { words, characters }
}
