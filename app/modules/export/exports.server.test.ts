// The name a downloaded export gets: the title as the writer wrote it, minus what file
// systems (Windows' above all) refuse, so the browser saves it without renaming.
import { exportFileName } from './exports.server.ts'

describe('exportFileName', () => {
  it('keeps accents, spaces and dashes of the title', () => {
    expect(exportFileName('Memórias Póstumas de Brás Cubas - Capítulo 1', 'epub')).toBe('Memórias Póstumas de Brás Cubas - Capítulo 1.epub')
  })

  it('replaces characters file systems refuse and collapses the spaces they leave', () => {
    expect(exportFileName('Sim/Não: "talvez"?  <fim>|*', 'docx')).toBe('Sim Não talvez fim.docx')
    expect(exportFileName('Linha\nquebrada\u0000', 'md')).toBe('Linha quebrada.md')
  })

  it('never starts with a dot (a hidden file) and is never empty', () => {
    expect(exportFileName('..Oculto', 'md')).toBe('Oculto.md')
    expect(exportFileName(' / ', 'md')).toBe('flowstory.md')
  })

  it('shortens very long titles', () => {
    const name = exportFileName('a'.repeat(500), 'epub')
    expect(name).toBe(`${'a'.repeat(120)}.epub`)
  })
})
