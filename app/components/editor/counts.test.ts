// The editor's counts match the server's for the same text, and stay right as the text changes.
import { getSchema } from '@tiptap/core'
import { EditorState } from '@tiptap/pm/state'
import { countWords, toPlainText } from '~/modules/manuscript/plain-text.ts'
import type { ManuscriptDoc } from '~/modules/manuscript/schema.ts'
import { documentCounts } from './counts.ts'
import { chapterExtensions } from './extensions.ts'

const schema = getSchema(chapterExtensions({ placeholder: '' }))

const chapter: ManuscriptDoc = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Capítulo I' }] },
    { type: 'paragraph', content: [{ type: 'text', text: '— Não, Capitu, não é isso.' }, { type: 'hardBreak' }, { type: 'text', text: 'Guarda-chuva d’ela', marks: [{ type: 'italic' }] }] },
    { type: 'sceneBreak' },
    { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'citação longa' }] }] },
    { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'um item' }] }] }] },
    { type: 'paragraph' },
  ],
}

describe('editor word count', () => {
  it('counts the words the server counts for the same chapter', () => {
    const doc = schema.nodeFromJSON(chapter)
    expect(documentCounts(doc).words).toBe(countWords(toPlainText(chapter)))
    expect(documentCounts(doc)).toEqual({ words: 13, characters: [...'Capítulo I— Não, Capitu, não é isso.\nGuarda-chuva d’ela* * *citação longaum item'].length })
  })

  it('follows typing, deleting and splitting paragraphs', () => {
    let state = EditorState.create({ doc: schema.nodeFromJSON(chapter) })
    const before = documentCounts(state.doc).words
    // Type two words at the end of the first paragraph after the heading.
    const paragraphEnd = state.doc.child(0).nodeSize + state.doc.child(1).nodeSize - 1
    state = state.apply(state.tr.insertText(' Disse ele.', paragraphEnd))
    expect(documentCounts(state.doc).words).toBe(before + 2)
    // Split the heading inside a word: "Capí" and "tulo I".
    state = state.apply(state.tr.split(1 + 'Capí'.length))
    expect(documentCounts(state.doc).words).toBe(before + 3)
    expect(documentCounts(state.doc).words).toBe(countWords(toPlainText(state.doc.toJSON() as ManuscriptDoc)))
    // Delete the whole document's text.
    state = state.apply(state.tr.delete(0, state.doc.content.size))
    expect(documentCounts(state.doc)).toEqual({ words: 0, characters: 0 })
  })
})
