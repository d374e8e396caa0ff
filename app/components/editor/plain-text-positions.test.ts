// Offsets sent to the chat function and received in citations must point at the same text the
// editor shows: checked against toPlainText itself on a document with every kind of block.
import { getSchema } from '@tiptap/core'
import { toPlainText } from '~/modules/manuscript/plain-text.ts'
import type { ManuscriptDoc } from '~/modules/manuscript/schema.ts'
import { chapterExtensions } from './extensions.ts'
import { plainTextMap, textToParagraphs } from './plain-text-positions.ts'

const schema = getSchema(chapterExtensions({ placeholder: '' }))

const json: ManuscriptDoc = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Capítulo I' }] },
    { type: 'paragraph' },
    { type: 'paragraph', content: [{ type: 'text', text: '— Não! ' }, { type: 'text', text: 'disse', marks: [{ type: 'italic' }] }, { type: 'hardBreak' }, { type: 'text', text: 'ela 😀.' }] },
    { type: 'paragraph', content: [{ type: 'text', text: '   ' }] },
    { type: 'sceneBreak' },
    { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'citação' }] }] },
    { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'um' }] }, { type: 'paragraph', content: [{ type: 'text', text: 'dois' }] }] }] },
    { type: 'paragraph', content: [{ type: 'text', text: 'Fim.' }] },
  ],
}
const doc = schema.nodeFromJSON(json)
const map = plainTextMap(doc)
const plain = toPlainText(json)

describe('plain-text offsets ↔ editor positions', () => {
  it('produces exactly the plain text chunking and the chat function use', () => {
    expect(map.text).toBe(plain)
  })

  it('maps every range inside a block to the same text in the editor', () => {
    const blocks = plain.split('\n\n')
    let start = 0
    for (const block of blocks) {
      if (block !== '* * *') {
        for (let a = start; a <= start + block.length; a++) {
          for (let b = a; b <= start + block.length; b++) {
            expect(doc.textBetween(map.toPos(a), map.toPos(b, 'end'), '\n\n', '\n')).toBe(plain.slice(a, b))
          }
        }
      }
      start += block.length + 2
    }
  })

  it('round-trips offsets inside every text block', () => {
    let start = 0
    for (const block of plain.split('\n\n')) {
      if (block !== '* * *') for (let offset = start; offset <= start + block.length; offset++) expect(map.toOffset(map.toPos(offset))).toBe(offset)
      start += block.length + 2
    }
  })

  it('maps a passage spanning blocks to a selection of those blocks', () => {
    const start = plain.indexOf('disse')
    const end = plain.indexOf('citação') + 'citação'.length
    const selected = doc.textBetween(map.toPos(start), map.toPos(end, 'end'), '\n\n', '\n')
    expect(selected.startsWith('disse\nela 😀.')).toBe(true)
    expect(selected.endsWith('citação')).toBe(true)
  })

  it('treats a scene break as one unit and the end of the document as the end of the text', () => {
    const star = plain.indexOf('* * *')
    const before = map.toPos(star)
    expect(doc.nodeAt(before)?.type.name).toBe('sceneBreak')
    expect(map.toPos(star + 2)).toBe(before + 1)
    expect(map.toOffset(doc.content.size)).toBe(plain.length)
    expect(map.toPos(plain.length + 50)).toBe(map.toPos(plain.length))
  })

  it('puts a position between blocks or in a blank paragraph at the start of the next block', () => {
    // Position 0 is before the heading; the blank paragraph after it counts as nothing.
    expect(map.toOffset(0)).toBe(0)
    const blankParagraph = doc.child(0).nodeSize + 1
    expect(map.toOffset(blankParagraph)).toBe(plain.indexOf('— Não!'))
  })
})

describe('proposal text as paragraphs', () => {
  it('splits paragraphs on blank lines and keeps single line breaks as hard breaks', () => {
    expect(textToParagraphs('Um.\nDois.\n\n\nTrês.')).toEqual([
      { type: 'paragraph', content: [{ type: 'text', text: 'Um.' }, { type: 'hardBreak' }, { type: 'text', text: 'Dois.' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'Três.' }] },
    ])
    expect(textToParagraphs('\n\n  \n')).toEqual([])
  })
})
