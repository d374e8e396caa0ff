import { describe, expect, test } from 'vitest'
import { authorSurname, bookWordCount, cleanText, escapeXml, languageTag, roundedWordCount } from './book.ts'
import { SAMPLE_BOOK } from './sample-book.fixture.ts'

describe('export book helpers', () => {
  test('rounds word counts as manuscript title pages do', () => {
    expect([0, 49, 99].map(roundedWordCount)).toEqual([0, 49, 99])
    expect([100, 1_249, 1_250, 9_949].map(roundedWordCount)).toEqual([100, 1_200, 1_300, 9_900])
    expect([10_000, 12_345, 121_500].map(roundedWordCount)).toEqual([10_000, 12_000, 122_000])
  })

  test('counts the words of every chapter', () => {
    expect(bookWordCount(SAMPLE_BOOK)).toBe(81)
  })

  test('takes the surname for the running header, keeping generational suffixes', () => {
    expect(authorSurname('Joaquim Maria Machado de Assis')).toBe('Assis')
    expect(authorSurname('  Clarice   Lispector ')).toBe('Lispector')
    expect(authorSurname('João da Silva Filho')).toBe('Silva Filho')
    expect(authorSurname('Martin Luther King, Jr.')).toBe('King Jr.')
    expect(authorSurname('Madonna')).toBe('Madonna')
    expect(authorSurname('')).toBe('')
  })

  test('keeps only characters XML can carry, and escapes markup', () => {
    expect(cleanText('a\u0000b\u0007c\td\ne\uFFFEf\uD800g 😀')).toBe('abc\td\nefg 😀')
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;')
  })

  test('canonicalises the language tag', () => {
    expect(['pt-BR', 'pt_br', 'EN', 'other?', ''].map(languageTag)).toEqual(['pt-BR', 'pt-BR', 'en', 'und', 'und'])
  })
})
