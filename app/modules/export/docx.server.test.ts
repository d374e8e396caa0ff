import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import JSZip from 'jszip'
import { beforeAll, describe, expect, test } from 'vitest'
import { ensureDebianTool } from '../../../tests/setup/debian-tools.ts'
import { toDocx } from './docx.server.ts'
import { SAMPLE_BOOK } from './sample-book.fixture.ts'

async function partsOf(bytes: Uint8Array): Promise<Record<string, string>> {
  const zip = await JSZip.loadAsync(bytes)
  const parts: Record<string, string> = {}
  for (const name of Object.keys(zip.files).filter((name) => name.endsWith('.xml'))) parts[name] = await zip.file(name)!.async('string')
  return parts
}

function textOf(xml: string): string {
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((match) => match[1]).join('')
}

describe('toDocx', () => {
  let soffice: string
  beforeAll(() => {
    soffice = ensureDebianTool({ pkg: 'libreoffice-writer-nogui', binary: '/usr/bin/soffice' })
  }, 600_000)

  test('LibreOffice opens the manuscript, converts it to PDF and sees the title page, chapters and running header', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowstory-docx-'))
    try {
      const file = path.join(dir, 'dom-casmurro.docx')
      fs.writeFileSync(file, await toDocx(SAMPLE_BOOK))
      // A profile of its own, so this run never waits on another LibreOffice's lock.
      const profile = `-env:UserInstallation=file://${path.join(dir, 'profile')}`
      const convert = (format: string) =>
        execFileSync(soffice, [profile, '--headless', '--convert-to', format, '--outdir', dir, file], { stdio: 'pipe', timeout: 55_000 })
      convert('pdf')
      const pdf = path.join(dir, 'dom-casmurro.pdf')
      expect(fs.existsSync(pdf)).toBe(true)
      const bytes = fs.readFileSync(pdf)
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-')
      // The title page, then each (short) chapter on a page of its own.
      expect(bytes.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)).toHaveLength(1 + SAMPLE_BOOK.chapters.length)

      // LibreOffice's own reading of the file: the header and the page numbering restarted at 1.
      convert('odt')
      const odt = await JSZip.loadAsync(fs.readFileSync(path.join(dir, 'dom-casmurro.odt')))
      const styles = await odt.file('styles.xml')!.async('string')
      expect(styles).toMatch(/<style:header><text:p[^>]*>Assis \/ DOM CASMURRO \/ <text:page-number/)
      const content = await odt.file('content.xml')!.async('string')
      expect(content).toContain('style:page-number="1"')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  test('is in manuscript format: 12 pt Times New Roman, double spaced, 1-inch margins, indented paragraphs', async () => {
    const parts = await partsOf(await toDocx(SAMPLE_BOOK))
    const defaults = /<w:docDefaults>.*<\/w:docDefaults>/.exec(parts['word/styles.xml'])![0]
    expect(defaults).toContain('w:ascii="Times New Roman"')
    expect(defaults).toContain('<w:sz w:val="24"/>')
    expect(defaults).toMatch(/<w:spacing [^>]*w:line="480"[^>]*w:lineRule="auto"/)
    expect(defaults).toContain('<w:lang w:val="pt-BR"/>')
    const document = parts['word/document.xml']
    expect(document.match(/<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/g)).toHaveLength(2)
    expect(document).toContain('w:firstLine="720"')
    // No paragraph or run overrides the size or the spacing the defaults set.
    expect(document).not.toMatch(/<w:sz w:val="(?!24")/)
    expect(document).not.toMatch(/w:line="(?!480"|240")/)
  })

  test('starts with a title page: author and rounded word count on top, title halfway down, "por Autor"', async () => {
    const document = (await partsOf(await toDocx(SAMPLE_BOOK)))['word/document.xml']
    const titlePage = document.slice(0, document.indexOf('</w:p>', document.indexOf('</w:sectPr>')))
    // The sample has 81 words: under a hundred the count is exact.
    expect(textOf(titlePage)).toBe('Joaquim Maria Machado de Assis81 palavrasDom Casmurropor Joaquim Maria Machado de Assis')
    expect(titlePage).toMatch(/<w:tab\/>.*81 palavras/)
    // The title page has no running header; the chapters' section has it and numbers from 1.
    expect(titlePage).not.toContain('headerReference')
    expect(document.slice(document.indexOf('</w:sectPr>'))).toMatch(/<w:headerReference w:type="default"[^>]*\/>.*<w:pgNumType w:start="1"\/>/)
  })

  test('prints "Surname / TITLE / page" in the running header', async () => {
    const parts = await partsOf(await toDocx(SAMPLE_BOOK))
    const headers = Object.keys(parts).filter((name) => /^word\/header\d+\.xml$/.test(name))
    expect(headers).toHaveLength(1)
    expect(textOf(parts[headers[0]])).toBe('Assis / DOM CASMURRO / ')
    expect(parts[headers[0]]).toContain('<w:instrText xml:space="preserve">PAGE</w:instrText>')
  })

  test('starts each chapter on a new page under its title, with italics, bold and "#" scene breaks', async () => {
    const document = (await partsOf(await toDocx(SAMPLE_BOOK)))['word/document.xml']
    const paragraphs = document.split('</w:p>')
    const chapterTitles = paragraphs.filter((paragraph) => paragraph.includes('<w:pStyle w:val="Heading1"/>'))
    expect(chapterTitles.map(textOf)).toEqual(['Do título', 'Do livro'])
    expect(chapterTitles[0]).not.toContain('<w:pageBreakBefore/>')
    expect(chapterTitles[1]).toContain('<w:pageBreakBefore/>')
    expect(document).toMatch(/<w:r><w:rPr><w:i\/><w:iCs\/><\/w:rPr><w:t xml:space="preserve">Engenho Novo<\/w:t><\/w:r>/)
    expect(document).toMatch(/<w:r><w:rPr><w:b\/><w:bCs\/><\/w:rPr><w:t xml:space="preserve">aqui do bairro<\/w:t><\/w:r>/)
    expect(paragraphs.some((paragraph) => paragraph.includes('<w:jc w:val="center"/>') && textOf(paragraph) === '#')).toBe(true)
    expect(textOf(document)).toContain('— Continue, disse eu acordando. Já acabei, murmurou ele.')
    expect(textOf(document)).toContain('de vista & de chapéu <sempre>.'.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'))
  })

  test('rounds long books’ word counts to the thousand and uses the surname with its suffix', async () => {
    const paragraph = { type: 'paragraph' as const, content: [{ type: 'text' as const, text: 'palavra '.repeat(12_345).trim() }] }
    const bytes = await toDocx({ title: 'Longo', author: 'João da Silva Filho', language: 'en', chapters: [{ title: 'Um', doc: { type: 'doc', content: [paragraph] } }] })
    const parts = await partsOf(bytes)
    expect(textOf(parts['word/document.xml'])).toContain('12,000 words')
    expect(textOf(parts['word/document.xml'])).toContain('by João da Silva Filho')
    const header = Object.keys(parts).find((name) => /^word\/header\d+\.xml$/.test(name))!
    expect(textOf(parts[header])).toBe('Silva Filho / LONGO / ')
    expect(parts['word/document.xml']).toContain('<w:pgSz w:w="12240" w:h="15840"')
  })
})
