import fs from 'node:fs/promises'
import path from 'node:path'
import { projectRoot } from '../../../supabase/local/config.ts'
import { CHARS_PER_TOKEN, chunkChapter, estimateTokens, sha256Hex, splitIntoChunks, type TextChunk } from './chunking.ts'

const booksDir = path.join(projectRoot, '..', 'shared', 'fixtures', 'books')

// The fixture's paragraphs as the editor's plain text has them: one line each, a blank line between.
async function firstWords(file: string, words: number): Promise<string> {
  const raw = await fs.readFile(path.join(booksDir, file), 'utf8')
  const paragraphs = raw
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p !== '' && !/^Chapter \d+$/.test(p))
  const kept: string[] = []
  let count = 0
  for (const paragraph of paragraphs) {
    if (count >= words) break
    kept.push(paragraph)
    count += paragraph.split(' ').length
  }
  return kept.join('\n\n')
}

function expectFaithful(text: string, chunks: TextChunk[]) {
  chunks.forEach((chunk, i) => {
    expect(chunk.ord).toBe(i)
    expect(text.slice(chunk.start, chunk.end)).toBe(chunk.content)
    expect(chunk.content).toBe(chunk.content.trim())
    if (i > 0) {
      expect(chunk.start).toBeGreaterThan(chunks[i - 1].start)
      expect(chunk.end).toBeGreaterThan(chunks[i - 1].end)
    }
  })
  // Every word of the text is in some chunk.
  const covered = new Array<boolean>(text.length).fill(false)
  for (const chunk of chunks) covered.fill(true, chunk.start, chunk.end)
  const missed = [...text].filter((ch, i) => !covered[i] && /\S/.test(ch))
  expect(missed).toEqual([])
}

describe('splitIntoChunks', () => {
  it('gives nothing for an empty or blank chapter', () => {
    expect(splitIntoChunks('')).toEqual([])
    expect(splitIntoChunks(' \n\n \n')).toEqual([])
  })

  it('keeps a short chapter in one chunk, without the surrounding blank lines', () => {
    const text = '\n\nO cavalo correu.\n\nCapitu olhou.\n\n'
    expect(splitIntoChunks(text)).toEqual([
      { ord: 0, start: 2, end: 33, content: 'O cavalo correu.\n\nCapitu olhou.' },
    ])
  })

  it('splits a 5,000-word chapter into ~200–400-token chunks on paragraph ends, overlapping a little', async () => {
    const text = await firstWords('pride-and-prejudice.txt', 5000)
    const chunks = splitIntoChunks(text, { locale: 'en' })
    expectFaithful(text, chunks)

    const ownTokens = chunks.map((c, i) => estimateTokens(text.slice(i === 0 ? c.start : chunks[i - 1].end, c.end)))
    expect(Math.max(...ownTokens)).toBeLessThanOrEqual(400 + 1)
    const sorted = [...ownTokens].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]
    expect(median).toBeGreaterThanOrEqual(200)
    expect(median).toBeLessThanOrEqual(400)
    expect(chunks.length).toBeGreaterThan(15)

    // Novels' paragraphs are short: every chunk ends where a paragraph ends.
    for (const chunk of chunks) expect(['\n\n', '']).toContain(text.slice(chunk.end, chunk.end + 2))

    // The overlap is small, and starts at a sentence or word.
    for (const [i, chunk] of chunks.entries()) {
      if (i === 0) continue
      const overlap = chunks[i - 1].end - chunk.start
      expect(overlap).toBeGreaterThan(0)
      expect(overlap).toBeLessThanOrEqual(40 * CHARS_PER_TOKEN)
      expect(text[chunk.start - 1]).toMatch(/\s/)
    }
  })

  it('cuts a paragraph longer than a chunk at sentence ends, and a sentence with no spaces anywhere', () => {
    const sentence = 'Bentinho pensava no seminário e na promessa que a mãe fizera a Deus. '
    const longParagraph = sentence.repeat(120).trim()
    const noSpaces = 'x'.repeat(5000)
    const text = `${longParagraph}\n\n${noSpaces}`
    const chunks = splitIntoChunks(text, { locale: 'pt-BR' })
    expectFaithful(text, chunks)
    for (const chunk of chunks) expect(chunk.content.length).toBeLessThanOrEqual((400 + 40) * CHARS_PER_TOKEN)
    const paragraphChunks = chunks.filter((c) => c.end <= longParagraph.length)
    expect(paragraphChunks.length).toBeGreaterThan(1)
    for (const chunk of paragraphChunks) expect(chunk.content.endsWith('Deus.')).toBe(true)
  })

  it('refuses options that make no chunk possible', () => {
    expect(() => splitIntoChunks('text', { minTokens: 0 })).toThrow(RangeError)
    expect(() => splitIntoChunks('text', { minTokens: 300, maxTokens: 200 })).toThrow(RangeError)
    expect(() => splitIntoChunks('text', { overlapTokens: 500 })).toThrow(RangeError)
  })
})

describe('chunkChapter', () => {
  it('hashes each chunk with sha-256 (hex), the same way every time', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    const text = await firstWords('dom-casmurro.txt', 2000)
    const once = await chunkChapter(text, { locale: 'pt-BR' })
    const again = await chunkChapter(text, { locale: 'pt-BR' })
    expect(again).toEqual(once)
    for (const chunk of once) expect(chunk.contentHash).toBe(await sha256Hex(chunk.content))
  })

  it('after a one-paragraph edit of a 5,000-word chapter, at least 5× fewer tokens need embedding again', async () => {
    const text = await firstWords('pride-and-prejudice.txt', 5000)
    const paragraphs = text.split('\n\n')
    const middle = Math.floor(paragraphs.length / 2)
    const edited = paragraphs
      .map((p, i) => (i === middle ? `${p} And then, quite unexpectedly, it began to rain over Longbourn.` : p))
      .join('\n\n')

    const before = await chunkChapter(text, { locale: 'en' })
    const after = await chunkChapter(edited, { locale: 'en' })
    const known = new Set(before.map((c) => c.contentHash))
    const changed = after.filter((c) => !known.has(c.contentHash))
    const tokens = (chunks: { content: string }[]) => chunks.reduce((sum, c) => sum + estimateTokens(c.content), 0)

    expect(changed.length).toBeGreaterThan(0)
    expect(changed.length).toBeLessThanOrEqual(3)
    expect(tokens(changed) * 5).toBeLessThanOrEqual(tokens(after))
  })
})
