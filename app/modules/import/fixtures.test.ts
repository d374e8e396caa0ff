// The two public-domain novels from ../shared/fixtures/books import with the chapters a
// reader sees in the book and without losing a word.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../../../supabase/local/config.ts'
import { toPlainText, countWords } from '../manuscript/plain-text.ts'
import { ManuscriptDocSchema } from '../manuscript/schema.ts'
import { parseManuscript } from './import.server.ts'
import { textRuns } from './test-helpers.ts'

const booksDir = path.join(projectRoot, '..', 'shared', 'fixtures', 'books')
const read = (name: string) => readFileSync(path.join(booksDir, name))

describe('importing the fixture novels', () => {
  it('imports Pride and Prejudice as its 61 chapters with every word', async () => {
    const bytes = read('pride-and-prejudice.txt')
    const preview = await parseManuscript({ fileName: 'pride-and-prejudice.txt', bytes })

    expect(preview.format).toBe('txt')
    expect(preview.chapters).toHaveLength(61)
    expect(preview.chapters.map((chapter) => chapter.title)).toEqual(Array.from({ length: 61 }, (_, i) => `Chapter ${i + 1}`))

    // Every word of the file except the "Chapter N" lines, which became titles.
    const lines = bytes.toString('utf8').split('\n')
    const headingLines = lines.filter((line) => /^Chapter \d+$/.test(line.trim()))
    expect(headingLines).toHaveLength(61)
    const expected = countWords(lines.join('\n')) - countWords(headingLines.join('\n'))
    expect(preview.totalWords).toBe(expected)
    expect(preview.chapters.reduce((sum, chapter) => sum + chapter.wordCount, 0)).toBe(expected)

    const first = toPlainText(preview.chapters[0].doc)
    expect(first.startsWith('It is a truth universally acknowledged, that a single man in possession of a good fortune')).toBe(true)
    expect(first).not.toContain('Chapter 1')
    for (const chapter of preview.chapters) expect(ManuscriptDocSchema.safeParse(chapter.doc).success).toBe(true)
    // The "* * * * *" ornaments between scenes are scene breaks, not text.
    expect(preview.chapters.some((chapter) => chapter.doc.content.some((block) => block.type === 'sceneBreak'))).toBe(true)
    expect(preview.chapters.every((chapter) => !toPlainText(chapter.doc).includes('* * * * *'))).toBe(true)
  })

  it('imports Dom Casmurro as its 148 chapters titled "numeral — title", with every word and its italics', async () => {
    const bytes = read('dom-casmurro.txt')
    const preview = await parseManuscript({ fileName: 'dom-casmurro.txt', bytes })

    expect(preview.chapters).toHaveLength(148)
    expect(preview.chapters[0].title).toBe('I — Do titulo.')
    expect(preview.chapters[1].title).toBe('II — Do livro.')
    expect(preview.chapters[147].title).toBe('CXLVIII — E bem, e o resto?')

    // Heading lines: each Roman numeral line, the title line under it, and the title page
    // ("Dom Casmurro / Obra de Machado de Assis") before chapter I, reported as a warning.
    const lines = bytes.toString('utf8').split('\n')
    const headingLines: string[] = []
    let firstChapter = -1
    lines.forEach((line, index) => {
      if (!/^[IVXLC]+\.?$/.test(line.trim())) return
      if (firstChapter < 0) firstChapter = index
      let next = index + 1
      while (!lines[next].trim()) next++
      headingLines.push(line, lines[next])
    })
    headingLines.push(...lines.slice(0, firstChapter))
    const expected = countWords(lines.join('\n')) - countWords(headingLines.join('\n'))
    expect(preview.totalWords).toBe(expected)
    expect(preview.titlePage).toContain('Obra de Machado de Assis')
    // The fixture's first line is "Dom Casmurro'" (a stray apostrophe); the suggested title is clean.
    expect(preview.suggestedTitle).toBe('Dom Casmurro')
    expect(preview.warnings.some((warning) => warning.code === 'title_page')).toBe(true)

    const first = preview.chapters[0].doc
    expect(toPlainText(first)).not.toContain('Do titulo.')
    // "_Casmurro_ não está aqui no sentido…" keeps its italics, without the underscores.
    expect(textRuns(first)).toContainEqual({ text: 'Casmurro', marks: ['italic'] })
    expect(textRuns(first)).toContainEqual({ text: 'Dom Casmurro.', marks: ['italic'] })
    expect(toPlainText(first)).not.toContain('_')
    // The dialogue dash "--Continue" becomes the Portuguese em dash.
    expect(toPlainText(first)).toContain('—Continue, disse eu accordando.')
    expect(toPlainText(preview.chapters[147].doc).trim().endsWith('FIM')).toBe(true)
  })
})
