import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ensureDebianTool } from '../../../tests/setup/debian-tools.ts'
import { ManuscriptDocSchema } from '../manuscript/schema.ts'
import type { ExportBook } from './book.ts'
import { toEpub } from './epub.server.ts'
import { SAMPLE_BOOK } from './sample-book.fixture.ts'

const run = promisify(execFile)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowstory-epub-'))
let epubcheck: string

type Check = { exitCode: number; output: string }

// epubcheck is a Java program; Debian installs its jar as /usr/bin/epubcheck.
async function check(bytes: Uint8Array, name: string): Promise<Check> {
  const file = path.join(dir, name)
  fs.writeFileSync(file, bytes)
  const result = await run('java', ['-jar', epubcheck, file], { timeout: 110_000 }).then(
    ({ stdout, stderr }) => ({ exitCode: 0, output: stdout + stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ exitCode: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  )
  return result
}

async function filesOf(bytes: Uint8Array): Promise<{ names: string[]; read: (name: string) => Promise<string> }> {
  const zip = await JSZip.loadAsync(bytes)
  return { names: Object.keys(zip.files), read: (name) => zip.file(name)!.async('string') }
}

const HOSTILE_BOOK: ExportBook = {
  title: 'Tom & Jerry <script>alert(1)</script>',
  author: 'O’Brien "Quotes" & Filho',
  language: 'en-GB',
  chapters: [
    {
      title: '<b>Bold</b> & "quoted"\u0001',
      doc: ManuscriptDocSchema.parse({
        type: 'doc',
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'a < b && c > d ]]> \u0000\u000B\uFFFF' }] },
          { type: 'paragraph' },
          { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: '<h1>' }] },
          {
            type: 'orderedList',
            attrs: { start: 4 },
            content: [{ type: 'listItem', content: [{ type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'deep' }] }] }] }],
          },
        ],
      }),
    },
    { title: '', doc: { type: 'doc', content: [] } },
  ],
}

describe('toEpub', () => {
  beforeAll(() => {
    epubcheck = ensureDebianTool({ pkg: 'epubcheck', binary: '/usr/bin/epubcheck' })
  }, 600_000)
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('epubcheck finds no errors or warnings in the sample book', async () => {
    const result = await check(await toEpub(SAMPLE_BOOK), 'sample.epub')
    expect(result.output).toContain('No errors or warnings detected')
    expect(result.exitCode).toBe(0)
  }, 120_000)

  test('epubcheck finds no errors in a book whose text looks like markup, with untitled chapters', async () => {
    const result = await check(await toEpub(HOSTILE_BOOK), 'hostile.epub')
    expect(result.output).toContain('No errors or warnings detected')
    expect(result.exitCode).toBe(0)
  }, 120_000)

  test('stores the mimetype first and uncompressed', async () => {
    const bytes = await toEpub(SAMPLE_BOOK)
    const header = Buffer.from(bytes.subarray(0, 58))
    expect(header.readUInt32LE(0)).toBe(0x04034b50)
    expect(header.readUInt16LE(8)).toBe(0) // compression method: stored
    expect(header.subarray(30, 38).toString()).toBe('mimetype')
    expect(header.subarray(38 + header.readUInt16LE(28), 58 + header.readUInt16LE(28)).toString()).toBe('application/epub+zip')
  })

  test('declares the book’s language, title, author, identifier and modification time', async () => {
    const bytes = await toEpub(SAMPLE_BOOK, { identifier: '0b7a5e1c-6a38-4c1e-9d3e-2f5b8a4c7d10', modifiedAt: new Date('2026-12-04T17:00:00.123Z') })
    const epub = await filesOf(bytes)
    const opf = await epub.read('OEBPS/content.opf')
    expect(opf).toContain('<dc:language>pt-BR</dc:language>')
    expect(opf).toContain('<dc:title>Dom Casmurro</dc:title>')
    expect(opf).toContain('<dc:creator id="author">Joaquim Maria Machado de Assis</dc:creator>')
    expect(opf).toContain('<dc:identifier id="book-id">urn:uuid:0b7a5e1c-6a38-4c1e-9d3e-2f5b8a4c7d10</dc:identifier>')
    expect(opf).toContain('<meta property="dcterms:modified">2026-12-04T17:00:00Z</meta>')
    const chapter = await epub.read('OEBPS/chapter-001.xhtml')
    expect(chapter).toContain('xml:lang="pt-BR" lang="pt-BR"')
  })

  test('writes a malformed language as its well-formed tag, or as undetermined', async () => {
    const opfOf = async (language: string) => (await filesOf(await toEpub({ ...SAMPLE_BOOK, language }))).read('OEBPS/content.opf')
    expect(await opfOf('pt_br')).toContain('<dc:language>pt-BR</dc:language>')
    expect(await opfOf('not a language')).toContain('<dc:language>und</dc:language>')
  })

  test('has a title page, a table of contents and one file per chapter', async () => {
    const epub = await filesOf(await toEpub(SAMPLE_BOOK))
    expect(epub.names.filter((name) => /^OEBPS\/chapter-\d+\.xhtml$/.test(name))).toEqual(['OEBPS/chapter-001.xhtml', 'OEBPS/chapter-002.xhtml'])
    const titlePage = await epub.read('OEBPS/title.xhtml')
    expect(titlePage).toContain('<h1 class="title">Dom Casmurro</h1>')
    expect(titlePage).toContain('<p class="author">Joaquim Maria Machado de Assis</p>')
    const nav = await epub.read('OEBPS/nav.xhtml')
    const toc = /<nav epub:type="toc"[\s\S]*?<\/nav>/.exec(nav)![0]
    expect([...toc.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((match) => [match[1], match[2]])).toEqual([
      ['chapter-001.xhtml', 'Do título'],
      ['chapter-002.xhtml', 'Do livro'],
    ])
    expect(toc).toContain('<h1>Sumário</h1>')
    const ncx = await epub.read('OEBPS/toc.ncx')
    expect([...ncx.matchAll(/<text>([^<]+)<\/text><\/navLabel><content src="(chapter-[^"]+)"/g)].map((match) => match[1])).toEqual(['Do título', 'Do livro'])
  })

  test('keeps italics, bold, the dialogue dash, the scene break and the blockquote', async () => {
    const epub = await filesOf(await toEpub(SAMPLE_BOOK))
    const chapter = await epub.read('OEBPS/chapter-001.xhtml')
    expect(chapter).toContain('<h1>Do título</h1>')
    expect(chapter).toContain('<em>Engenho Novo</em>')
    expect(chapter).toContain('<strong>aqui do bairro</strong>')
    expect(chapter).toContain('<p>— Continue, disse eu acordando. <em><strong>Já acabei</strong></em>, murmurou ele.</p>')
    expect(chapter).toContain('<p class="scene-break">* * *</p>')
    expect(chapter).toContain('<blockquote><p>Vive em paz, Dom Casmurro* — 1899.</p></blockquote>')
    expect(chapter).toContain('de vista &amp; de chapéu &lt;sempre&gt;.')
    expect(chapter).toContain('hábitos<br/>reclusos')
    const second = await epub.read('OEBPS/chapter-002.xhtml')
    expect(second).toContain('<h3>Do livro</h3>')
    expect(second).toContain('<p class="align-center"><u>Fim</u></p>')
  })

  test('escapes text that looks like markup and names untitled chapters', async () => {
    const epub = await filesOf(await toEpub(HOSTILE_BOOK))
    const chapter = await epub.read('OEBPS/chapter-001.xhtml')
    expect(chapter).not.toContain('<b>')
    expect(chapter).not.toContain('<script')
    expect(chapter).toContain('<h1>&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;</h1>')
    expect(chapter).toContain('<p>a &lt; b &amp;&amp; c &gt; d ]]&gt; </p>')
    expect(await epub.read('OEBPS/nav.xhtml')).toContain('<a href="chapter-002.xhtml">Chapter 2</a>')
    expect(await epub.read('OEBPS/content.opf')).toContain('<dc:title>Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;</dc:title>')
  })
})
