import { micromark } from 'micromark'
import { describe, expect, test } from 'vitest'
import { ManuscriptDocSchema } from '../manuscript/schema.ts'
import type { ExportBook } from './book.ts'
import { toMarkdown } from './markdown.server.ts'
import { SAMPLE_BOOK } from './sample-book.fixture.ts'

function bookOf(content: unknown[]): ExportBook {
  return { title: 'T', author: 'A', language: 'en', chapters: [{ title: 'One', doc: ManuscriptDocSchema.parse({ type: 'doc', content }) }] }
}

// What a Markdown reader shows, rendered by a CommonMark parser.
function html(book: ExportBook): string {
  return micromark(toMarkdown(book))
}

describe('toMarkdown', () => {
  test('prints the title, the author, and each chapter as a heading', () => {
    const markdown = toMarkdown(SAMPLE_BOOK)
    expect(markdown.startsWith('# Dom Casmurro\n\npor Joaquim Maria Machado de Assis\n\n## Do título\n')).toBe(true)
    expect(markdown).toContain('\n## Do livro\n')
    expect(html(SAMPLE_BOOK)).toContain('<h4>Do livro</h4>')
  })

  test('keeps italics, bold, the dialogue dash, the scene break, the blockquote and the list', () => {
    const markdown = toMarkdown(SAMPLE_BOOK)
    expect(markdown).toContain('*Engenho Novo*')
    expect(markdown).toContain('**aqui do bairro**')
    expect(markdown).toContain('\n\n* * *\n\n')
    const rendered = html(SAMPLE_BOOK)
    expect(rendered).toContain('<em>Engenho Novo</em>')
    expect(rendered).toContain('<strong>aqui do bairro</strong>')
    expect(rendered).toContain('<p>— Continue, disse eu acordando. <em><strong>Já acabei</strong></em>, murmurou ele.</p>')
    expect(rendered).toContain('<hr />')
    expect(rendered).toContain('<blockquote>\n<p>Vive em paz, Dom Casmurro* — 1899.</p>\n</blockquote>')
    expect(rendered).toContain('<li>atar as duas pontas da vida</li>')
    expect(rendered).toContain('hábitos<br />\nreclusos')
  })

  test('prints underlined text as emphasis, since Markdown has no underline', () => {
    expect(html(SAMPLE_BOOK)).toContain('<p><em>Fim</em></p>')
  })

  test('keeps the characters Markdown would read as syntax literal', () => {
    const rendered = html(
      bookOf([
        { type: 'paragraph', content: [{ type: 'text', text: '# not a heading' }] },
        { type: 'paragraph', content: [{ type: 'text', text: '- not a list, 1999. neither' }] },
        { type: 'paragraph', content: [{ type: 'text', text: '1999. Not a list either' }] },
        { type: 'paragraph', content: [{ type: 'text', text: '> not a quote, *not italic*, [not](a link) <b>not html</b> a_b_c `code`' }] },
        { type: 'paragraph', content: [{ type: 'text', text: '    not code' }] },
      ]),
    )
    expect(rendered).toContain('<p># not a heading</p>')
    expect(rendered).toContain('<p>- not a list, 1999. neither</p>')
    expect(rendered).toContain('<p>1999. Not a list either</p>')
    expect(rendered).toContain('<p>&gt; not a quote, *not italic*, [not](a link) &lt;b&gt;not html&lt;/b&gt; a_b_c `code`</p>')
    expect(rendered).toContain('<p>not code</p>')
    expect(rendered.split('<h2>One</h2>')[1]).not.toMatch(/<(h\d|ul|ol|em|a|code|pre|b|blockquote)[ >]/)
  })

  test('nests overlapping marks and keeps spaces outside the delimiters', () => {
    const rendered = html(
      bookOf([
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Ela disse ' },
            { type: 'text', text: 'muito ', marks: [{ type: 'italic' }] },
            { type: 'text', text: 'baixo', marks: [{ type: 'italic' }, { type: 'bold' }] },
            { type: 'text', text: ' mesmo ', marks: [{ type: 'italic' }] },
            { type: 'text', text: 'e saiu.' },
          ],
        },
      ]),
    )
    expect(rendered).toContain('<p>Ela disse <em>muito <strong>baixo</strong> mesmo</em> e saiu.</p>')
  })

  test('numbers ordered lists from their start and moves chapter headings below the chapter title', () => {
    const rendered = html(
      bookOf([
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Part' }] },
        {
          type: 'orderedList',
          attrs: { start: 3 },
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'three' }] }] },
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'four' }] }] },
          ],
        },
      ]),
    )
    expect(rendered).toContain('<h3>Part</h3>')
    expect(rendered).toContain('<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>')
  })

  test('names untitled books and chapters in the book’s language', () => {
    const markdown = toMarkdown({ title: ' ', author: '', language: 'pt-BR', chapters: [{ title: '', doc: { type: 'doc', content: [] } }] })
    expect(markdown).toBe('# Sem título\n\n## Capítulo 1\n')
  })
})
