// What a writer sees when importing a manuscript file: chapters, marks and scene breaks
// from .txt, .md and .docx, and a clear refusal (an ImportError code) for bad files.
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx'
import JSZip from 'jszip'
import { toPlainText } from '../manuscript/plain-text.ts'
import { ManuscriptDocSchema } from '../manuscript/schema.ts'
import { MAX_DOCX_UNPACKED_BYTES, MAX_IMPORT_BYTES, parseManuscript } from './import.server.ts'
import { importError, importText, textRuns, utf8 } from './test-helpers.ts'

async function docxBytes(children: Paragraph[]): Promise<Uint8Array> {
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })))
}

describe('plain-text import', () => {
  it('joins hard-wrapped lines, keeps italics and bold, turns ornaments into scene breaks and -- into em dashes', async () => {
    const text =
      '\uFEFFCHAPTER I\r\n\r\nShe read the _Gazette_ every\r\nmorning, **twice**.\r\n\r\n* * *\r\n\r\n--Again? asked __Tom__.\r\n\r\n' +
      'Capítulo 2\r\n\r\nOutra cena, sem _fim.\r\n\r\n#\r\n\r\nUm snake_case_name fica.\r\n'
    const preview = await importText('novel.txt', text)

    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(['CHAPTER I', 'Capítulo 2'])
    const [first, second] = preview.chapters
    expect(first.doc.content.map((block) => block.type)).toEqual(['paragraph', 'sceneBreak', 'paragraph'])
    expect(toPlainText(first.doc)).toBe('She read the Gazette every morning, twice.\n\n* * *\n\n—Again? asked Tom.')
    expect(textRuns(first.doc)).toContainEqual({ text: 'Gazette', marks: ['italic'] })
    expect(textRuns(first.doc)).toContainEqual({ text: 'twice', marks: ['bold'] })
    expect(textRuns(first.doc)).toContainEqual({ text: 'Tom', marks: ['bold'] })
    // An unbalanced underscore and one inside a word stay as typed.
    expect(toPlainText(second.doc)).toContain('sem _fim.')
    expect(toPlainText(second.doc)).toContain('snake_case_name')
    expect(second.doc.content.some((block) => block.type === 'sceneBreak')).toBe(true)
    expect(preview.totalWords).toBe(first.wordCount + second.wordCount)
  })

  it('makes a file without chapter lines one chapter titled from the file name', async () => {
    const preview = await importText('my_short story.txt', 'Once upon a time.\n\nThe end.\n')
    expect(preview.chapters).toHaveLength(1)
    expect(preview.chapters[0].title).toBe('My short story')
    expect(preview.totalWords).toBe(6)
  })

  it('keeps prose before the first chapter as "Front matter" and splits on lone Roman numerals', async () => {
    const text = 'For my mother, who read everything.\n\nI\n\nThe first day.\n\nIt rained.\n\nII.\n\nThe second day.\n\nIt rained\nagain.\n'
    const preview = await importText('book.txt', text)
    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(['Front matter', 'I — The first day.', 'II — The second day.'])
    expect(toPlainText(preview.chapters[0].doc)).toBe('For my mother, who read everything.')
    expect(toPlainText(preview.chapters[1].doc)).toBe('It rained.')
  })

  it('keeps a short first sentence in the chapter when chapter lines are not usually followed by a title', async () => {
    const text = 'Chapter 1\n\nShe left.\n\nThe door stayed open\nall night.\n\nChapter 2\n\nHe waited\nby the door.\n'
    const preview = await importText('book.txt', text)
    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(['Chapter 1', 'Chapter 2'])
    expect(toPlainText(preview.chapters[0].doc)).toBe('She left.\n\nThe door stayed open all night.')
  })
})

describe('markdown import', () => {
  const sample = [
    '# The Lighthouse',
    '',
    '## Chapter One',
    '',
    'The *keeper* climbed **every** step, ***twice***.',
    'A soft break joins lines.',
    '',
    '***',
    '',
    '> A letter, in _her_ hand.',
    '',
    '- salt',
    '- rope',
    '',
    '1. first',
    '2. second',
    '',
    '## Chapter Two',
    '',
    '### Morning',
    '',
    'Light <span class="x">returned</span>.',
    '',
    '---',
    '',
    'Escaped \\*stars\\* stay.',
  ].join('\n')

  it('splits on the repeated heading level, keeps marks, scene breaks, quotes and lists, and drops raw HTML with a warning', async () => {
    const preview = await importText('lighthouse.md', sample)
    expect(preview.format).toBe('md')
    expect(preview.titlePage).toBe('The Lighthouse')
    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(['Chapter One', 'Chapter Two'])

    const [one, two] = preview.chapters
    expect(one.doc.content.map((block) => block.type)).toEqual(['paragraph', 'sceneBreak', 'blockquote', 'bulletList', 'orderedList'])
    const runs = textRuns(one.doc)
    expect(runs).toContainEqual({ text: 'keeper', marks: ['italic'] })
    expect(runs).toContainEqual({ text: 'every', marks: ['bold'] })
    expect(runs).toContainEqual({ text: 'twice', marks: ['bold', 'italic'] })
    expect(runs).toContainEqual({ text: 'her', marks: ['italic'] })
    expect(toPlainText(one.doc)).toContain('twice. A soft break joins lines.')
    expect(toPlainText(one.doc)).toContain('salt\n\nrope')

    expect(two.doc.content[0]).toEqual({ type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Morning' }] })
    expect(toPlainText(two.doc)).toContain('Light returned.')
    expect(toPlainText(two.doc)).not.toContain('span')
    expect(two.doc.content.some((block) => block.type === 'sceneBreak')).toBe(true)
    expect(toPlainText(two.doc)).toContain('Escaped *stars* stay.')
    expect(preview.warnings.some((warning) => warning.code === 'html_dropped')).toBe(true)
    for (const chapter of preview.chapters) expect(ManuscriptDocSchema.safeParse(chapter.doc).success).toBe(true)
  })
})

describe('markdown metadata', () => {
  it('leaves YAML front matter out of the manuscript, with a warning', async () => {
    const preview = await importText('notes.md', '---\ntitle: Draft\ntags:\n  - novel\n---\n\n# Chapter 1\n\nText here.\n')
    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(['Chapter 1'])
    expect(toPlainText(preview.chapters[0].doc)).toBe('Text here.')
    expect(preview.warnings.some((warning) => warning.code === 'front_matter')).toBe(true)
  })
})

describe('docx import', () => {
  it('reads headings, bold, italic, underline and a scene break from a Word file', async () => {
    const bytes = await docxBytes([
      new Paragraph({ text: 'Chapter 1', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({ children: [new TextRun('She opened the '), new TextRun({ text: 'letter', italics: true }), new TextRun(' and '), new TextRun({ text: 'laughed', bold: true }), new TextRun('.')] }),
      new Paragraph({ text: '* * *', alignment: AlignmentType.CENTER }),
      new Paragraph({ children: [new TextRun({ text: 'Underlined', underline: {} }), new TextRun(' words matter.')] }),
      new Paragraph({ text: 'Chapter 2', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({ text: 'A section', heading: HeadingLevel.HEADING_2 }),
      new Paragraph({ text: 'The end came quietly.' }),
    ])
    const preview = await parseManuscript({ fileName: 'Novel.DOCX', bytes })

    expect(preview.format).toBe('docx')
    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(['Chapter 1', 'Chapter 2'])
    const [one, two] = preview.chapters
    expect(one.doc.content.map((block) => block.type)).toEqual(['paragraph', 'sceneBreak', 'paragraph'])
    expect(textRuns(one.doc)).toContainEqual({ text: 'letter', marks: ['italic'] })
    expect(textRuns(one.doc)).toContainEqual({ text: 'laughed', marks: ['bold'] })
    expect(textRuns(one.doc)).toContainEqual({ text: 'Underlined', marks: ['underline'] })
    expect(toPlainText(one.doc)).toContain('She opened the letter and laughed.')
    expect(two.doc.content[0]).toEqual({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'A section' }] })
    expect(preview.totalWords).toBe(15)
  })

  it('keeps bulleted lists and line breaks inside a paragraph', async () => {
    const bytes = await docxBytes([
      new Paragraph({ text: 'Shopping:' }),
      new Paragraph({ text: 'bread', bullet: { level: 0 } }),
      new Paragraph({ text: 'wine', bullet: { level: 0 } }),
      new Paragraph({ children: [new TextRun('Roses are red,'), new TextRun({ text: 'violets are blue.', break: 1 })] }),
    ])
    const preview = await parseManuscript({ fileName: 'poem.docx', bytes })
    const doc = preview.chapters[0].doc
    expect(doc.content.map((block) => block.type)).toEqual(['paragraph', 'bulletList', 'paragraph'])
    expect(doc.content[2]).toEqual({
      type: 'paragraph',
      content: [{ type: 'text', text: 'Roses are red,' }, { type: 'hardBreak' }, { type: 'text', text: 'violets are blue.' }],
    })
    expect(toPlainText(doc)).toContain('bread\n\nwine')
  })

  it('takes a Title-styled first line as the title page, not as a chapter', async () => {
    const bytes = await docxBytes([
      new Paragraph({ text: 'The Lighthouse', heading: HeadingLevel.TITLE }),
      new Paragraph({ text: 'One', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({ text: 'Fog.' }),
      new Paragraph({ text: 'Two', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({ text: 'Sun.' }),
    ])
    const preview = await parseManuscript({ fileName: 'lighthouse.docx', bytes })
    expect(preview.titlePage).toBe('The Lighthouse')
    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(['One', 'Two'])
  })

  it('splits a Word file on chapter lines typed as ordinary paragraphs', async () => {
    const bytes = await docxBytes([
      new Paragraph({ text: 'CAPÍTULO XII' }),
      new Paragraph({ text: '--Quem é? perguntou ela.' }),
      new Paragraph({ text: 'Capítulo 13' }),
      new Paragraph({ text: 'Ninguém respondeu.' }),
    ])
    const preview = await parseManuscript({ fileName: 'livro.docx', bytes })
    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(['CAPÍTULO XII', 'Capítulo 13'])
    expect(toPlainText(preview.chapters[0].doc)).toBe('—Quem é? perguntou ela.')
  })
})

describe('bad input', () => {
  it('refuses an empty file', async () => {
    expect(await importError('empty.txt', new Uint8Array())).toBe('empty')
  })

  it('refuses a file over the 20 MB limit before reading it', async () => {
    expect(await importError('huge.txt', new Uint8Array(21 * 1024 * 1024).fill(0x61))).toBe('too_large')
    expect(await importError('huge.docx', new Uint8Array(MAX_IMPORT_BYTES + 1))).toBe('too_large')
  })

  it('refuses a PNG renamed .md as not text', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1])
    expect(await importError('cover.md', png)).toBe('not_text')
  })

  it('accepts UTF-16 text that starts with a byte-order mark (Notepad "Unicode")', async () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...Buffer.from('Capítulo 1\r\n\r\nOlá, mundo.\r\n', 'utf16le')])
    const preview = await parseManuscript({ fileName: 'ola.txt', bytes })
    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(['Capítulo 1'])
    expect(toPlainText(preview.chapters[0].doc)).toBe('Olá, mundo.')
  })

  it('refuses text that is not UTF-8', async () => {
    // "coração" in Latin-1.
    expect(await importError('latin1.txt', new Uint8Array([0x63, 0x6f, 0x72, 0x61, 0xe7, 0xe3, 0x6f]))).toBe('not_text')
  })

  it('refuses a corrupt .docx', async () => {
    const good = await docxBytes([new Paragraph({ text: 'Hello there.' })])
    expect(await importError('truncated.docx', good.slice(0, Math.floor(good.length / 2)))).toBe('corrupt_docx')
    expect(await importError('plain.docx', utf8('just some text'))).toBe('corrupt_docx')
  })

  it('refuses a .docx that would unpack to more than the limit (a zip bomb)', async () => {
    const zip = new JSZip()
    zip.file('word/document.xml', ' '.repeat(MAX_DOCX_UNPACKED_BYTES + 1))
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' })
    expect(bytes.length).toBeLessThan(MAX_IMPORT_BYTES)
    expect(await importError('bomb.docx', bytes)).toBe('too_large')
  })

  it('refuses a zip that is not a Word document', async () => {
    const zip = new JSZip()
    zip.file('mimetype', 'application/epub+zip')
    const bytes = await zip.generateAsync({ type: 'uint8array' })
    expect(await importError('book.docx', bytes)).toBe('corrupt_docx')
  })

  it('refuses an old Word 97-2003 .doc renamed .docx as an unsupported type', async () => {
    const cfb = new Uint8Array(4096)
    cfb.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
    cfb.set(new Uint8Array(Buffer.from('WordDocument', 'utf16le')), 1024)
    expect(await importError('old.docx', cfb)).toBe('unsupported_type')
  })

  it('refuses a password-protected .docx', async () => {
    const cfb = new Uint8Array(4096)
    cfb.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
    cfb.set(new Uint8Array(Buffer.from('EncryptedPackage', 'utf16le')), 1024)
    expect(await importError('secret.docx', cfb)).toBe('encrypted_docx')
  })

  it('refuses unknown extensions', async () => {
    expect(await importError('novel.pdf', utf8('%PDF-1.7'))).toBe('unsupported_type')
    expect(await importError('README', utf8('text'))).toBe('unsupported_type')
  })

  it('refuses a file with no words', async () => {
    expect(await importError('blank.txt', utf8('\n\n   \n* * *\n'))).toBe('no_text')
  })
})
