// The answer renderer: the Markdown subset becomes elements, everything else stays text —
// above all whatever a hostile manuscript could make the model write.
import { renderToStaticMarkup } from 'react-dom/server'
import { Markdown, type MarkdownOptions } from './markdown.tsx'

const citation: MarkdownOptions['citation'] = (n) => (n <= 2 ? <a href={`/c/${n}?passage=0-10`}>[{n}]</a> : null)
const html = (text: string, options: MarkdownOptions = { citation }) => renderToStaticMarkup(<Markdown text={text} options={options} />)

describe('answer Markdown', () => {
  it('renders paragraphs, headings, emphasis, lists, quotes and code', () => {
    const out = html('# Título\n\nUm **forte** e *leve* e _outro_ e `code`.\nLinha dois.\n\n- a\n- b\n\n3. três\n4. quatro\n\n> citado\n\n```\nx < y\n```')
    expect(out).toContain('role="heading"')
    expect(out).toContain('Título')
    expect(out).toContain('<strong>forte</strong>')
    expect(out).toContain('<em>leve</em>')
    expect(out).toContain('<em>outro</em>')
    expect(out).toContain('<code class="rounded bg-slate-100 px-1 font-mono text-[0.9em]">code</code>')
    expect(out).toContain('.<br/>Linha dois.')
    expect(out).toMatch(/<ul[^>]*><li>a<\/li><li>b<\/li><\/ul>/)
    expect(out).toMatch(/<ol start="3"[^>]*><li>três<\/li><li>quatro<\/li><\/ol>/)
    expect(out).toMatch(/<blockquote[^>]*>citado<\/blockquote>/)
    expect(out).toContain('<code>x &lt; y</code>')
  })

  it('nests emphasis and leaves unfinished markers as typed (mid-stream)', () => {
    expect(html('**muito *bom* mesmo**')).toContain('<strong>muito <em>bom</em> mesmo</strong>')
    expect(html('Isto é **quase')).toContain('Isto é **quase')
    expect(html('2 * 3 * 4 e snake_case_name')).toContain('2 * 3 * 4 e snake_case_name')
  })

  it('turns citation markers into the caller’s links and leaves unknown ones as text', () => {
    const out = html('Como em [1] e [1, 2], não [7].')
    expect(out).toContain('<a href="/c/1?passage=0-10">[1]</a>')
    expect(out).toContain('<a href="/c/2?passage=0-10">[2]</a>')
    expect(out).toContain('não [7].')
    expect(html('[1]', {})).toBe('<div class="space-y-3 break-words text-sm leading-6 text-slate-800"><p>[1]</p></div>')
  })

  it('renders hostile HTML, event handlers and script links as plain text', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(1)">',
      '[clique](javascript:alert(1))',
      '<a href="javascript:alert(1)">x</a>',
      '![x](https://evil.example/p.png)',
      'https://evil.example/?q=1',
      '<iframe src="https://evil.example"></iframe>',
      '**<b onmouseover=alert(1)>negrito</b>**',
      '- <svg onload=alert(1)>',
      '> <style>body{display:none}</style>',
    ].join('\n\n')
    const out = html(hostile)
    // Only the elements the renderer itself makes; every < from the text is escaped.
    const tags = [...out.matchAll(/<([a-z0-9]+)[\s>/]/g)].map((m) => m[1])
    expect(new Set(tags)).toEqual(new Set(['div', 'p', 'strong', 'ul', 'li', 'blockquote']))
    expect(out).not.toMatch(/<(script|img|a|iframe|svg|style|b)\b/)
    expect(out).not.toMatch(/<[^>]*\s(href|src|on\w+)=/)
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;')
    expect(out).toContain('[clique](javascript:alert(1))')
    expect(out).toContain('https://evil.example/?q=1')
  })

  it('keeps a citation as the only link even inside emphasis or next to hostile text', () => {
    const out = html('**veja [2]** <a href="javascript:x">[1]</a>')
    expect(out).toContain('<strong>veja <a href="/c/2?passage=0-10">[2]</a></strong>')
    expect(out).toContain('&lt;a href=&quot;javascript:x&quot;&gt;<a href="/c/1?passage=0-10">[1]</a>&lt;/a&gt;')
  })
})
