// The editor and the server must agree on the manuscript format: every node and mark the
// editor can produce is accepted by ManuscriptDocSchema, and nothing more.
import { getSchema } from '@tiptap/core'
import { MARK_TYPES, ManuscriptDocSchema } from '~/modules/manuscript/schema.ts'
import { chapterExtensions } from './extensions.ts'

const schema = getSchema(chapterExtensions({ placeholder: '' }))

describe('chapter editor schema', () => {
  it('has exactly the manuscript format’s nodes and marks', () => {
    expect(Object.keys(schema.nodes).sort()).toEqual(
      ['blockquote', 'bulletList', 'doc', 'hardBreak', 'heading', 'listItem', 'orderedList', 'paragraph', 'sceneBreak', 'text'].sort(),
    )
    expect(Object.keys(schema.marks).sort()).toEqual([...MARK_TYPES].sort())
  })

  it('produces JSON the server accepts', () => {
    const json = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Capítulo I' }] },
        { type: 'paragraph', content: [{ type: 'text', text: '— Não!', marks: [{ type: 'italic' }, { type: 'bold' }, { type: 'underline' }] }, { type: 'hardBreak' }, { type: 'text', text: 'x' }] },
        { type: 'sceneBreak' },
        { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'citação' }] }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'um' }] }] }] },
        { type: 'orderedList', attrs: { start: 3 }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'três' }] }] }] },
        { type: 'paragraph' },
      ],
    }
    const roundTripped = schema.nodeFromJSON(json).toJSON()
    const parsed = ManuscriptDocSchema.safeParse(roundTripped)
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true)
  })
})
