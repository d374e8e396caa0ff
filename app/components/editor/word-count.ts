// Word and character counts of the editor's document, cheap enough for every keystroke on
// a 20,000-word chapter. ProseMirror keeps every unchanged block node across a transaction,
// so counts are cached per top-level block: a keystroke recounts the one paragraph it
// touched and adds up the rest. Words are counted exactly as the server counts them
// (countWords over the same text), so the outline does not jump when a save lands.
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { SCENE_BREAK_TEXT, countCharacters, countWords } from '~/modules/manuscript/plain-text.ts'

export type DocumentCounts = { words: number; characters: number }

export function createDocumentCounter(): (doc: ProseMirrorNode) => DocumentCounts {
  const cache = new WeakMap<ProseMirrorNode, DocumentCounts>()
  return (doc) => {
    let words = 0
    let characters = 0
    doc.forEach((block) => {
      let counts = cache.get(block)
      if (!counts) {
        const text = blockText(block)
        counts = { words: countWords(text), characters: countCharacters(text) }
        cache.set(block, counts)
      }
      words += counts.words
      characters += counts.characters
    })
    return { words, characters }
  }
}

/** The block's text as toPlainText writes it: nested blocks and hard breaks on their own lines. */
function blockText(block: ProseMirrorNode): string {
  if (block.type.name === 'sceneBreak') return SCENE_BREAK_TEXT
  return block.textBetween(0, block.content.size, '\n', '\n')
}
