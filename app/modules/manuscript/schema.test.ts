import { ManuscriptDocSchema } from './schema.ts'
import { countWords, toPlainText } from './plain-text.ts'

const doc = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Capítulo I' }] },
    { type: 'paragraph', content: [{ type: 'text', text: '— Não, ' }, { type: 'text', text: 'Capitu', marks: [{ type: 'italic' }] }, { type: 'text', text: ', não é isso.' }] },
    { type: 'sceneBreak' },
    { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'It is a truth universally acknowledged' }] }] },
  ],
}

describe('manuscript documents', () => {
  it('accepts the editor’s nodes and marks', () => {
    expect(ManuscriptDocSchema.safeParse(doc).success).toBe(true)
  })

  it('rejects unknown node types, marks, attributes and links', () => {
    const withNode = { type: 'doc', content: [{ type: 'image', attrs: { src: 'javascript:alert(1)' } }] }
    const withLink = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] }
    const withAttr = { type: 'doc', content: [{ type: 'paragraph', attrs: { onclick: 'x' } }] }
    for (const bad of [withNode, withLink, withAttr]) expect(ManuscriptDocSchema.safeParse(bad).success).toBe(false)
  })

  it('gives plain text with scene breaks and counts words as a writer does', () => {
    const parsed = ManuscriptDocSchema.parse(doc)
    expect(toPlainText(parsed)).toBe('Capítulo I\n\n— Não, Capitu, não é isso.\n\n* * *\n\nIt is a truth universally acknowledged')
    expect(countWords('— Não, Capitu, não é isso. Mrs. Bennet’s well-known daughter')).toBe(9)
  })
})
