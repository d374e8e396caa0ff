// The editor's counts must be the server's counts (the outline shows both), and must stay
// right as blocks change while unchanged blocks are served from the cache.
import { getSchema } from '@tiptap/core'
import { EditorState } from '@tiptap/pm/state'
import { toPlainText, countWords } from '~/modules/manuscript/plain-text.ts'
import type { ManuscriptDoc } from '~/modules/manuscript/schema.ts'
import { chapterExtensions } from './extensions.ts'
import { createDocumentCounter } from './word-count.ts'

const schema = getSchema(chapterExtensions({ placeholder: '' }))

const manuscript = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Capítulo I — Do título' }] },
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: '— Não, Capitu, ' },
        { type: 'text', text: 'não', marks: [{ type: 'italic' }] },
        { type: 'text', text: ' é isso.' },
        { type: 'hardBreak' },
        { type: 'text', text: 'D’Artagnan e o guarda-chuva.' },
      ],
    },
    { type: 'sceneBreak' },
    { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'uma citação' }] }, { type: 'paragraph', content: [{ type: 'text', text: 'e outra' }] }] },
    { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'um' }] }] }, { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'dois' }] }] }] },
    { type: 'paragraph' },
  ],
} as ManuscriptDoc

describe('editor word count', () => {
  it('counts the words the server counts', () => {
    const count = createDocumentCounter()
    const expected = countWords(toPlainText(manuscript))
    expect(expected).toBe(19)
    expect(count(schema.nodeFromJSON(manuscript)).words).toBe(expected)
  })

  it('recounts a changed block and keeps the others', () => {
    const count = createDocumentCounter()
    const state = EditorState.create({ doc: schema.nodeFromJSON(manuscript) })
    expect(count(state.doc).words).toBe(19)
    // The writer types at the end of the first paragraph, then deletes a word in the heading.
    const endOfParagraph = state.doc.child(0).nodeSize + state.doc.child(1).nodeSize - 1
    const typed = state.apply(state.tr.insertText(' Fim do dia', endOfParagraph))
    expect(typed.doc.child(0)).toBe(state.doc.child(0))
    expect(count(typed.doc).words).toBe(22)
    const cut = typed.apply(typed.tr.delete(1, 'Capítulo '.length + 1))
    expect(count(cut.doc).words).toBe(21)
    expect(count(cut.doc).words).toBe(countWords(toPlainText(cut.doc.toJSON() as ManuscriptDoc)))
  })
})
