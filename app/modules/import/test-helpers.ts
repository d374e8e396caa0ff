// Shared by the import tests: inputs as bytes and the marked text of a chapter.
import type { ManuscriptBlock, ManuscriptDoc, ManuscriptInline } from '../manuscript/schema.ts'
import { ImportError, type ImportErrorCode } from './errors.ts'
import { parseManuscript } from './import.server.ts'

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

export async function importText(fileName: string, text: string) {
  return parseManuscript({ fileName, bytes: utf8(text) })
}

export async function importError(fileName: string, bytes: Uint8Array): Promise<ImportErrorCode> {
  try {
    await parseManuscript({ fileName, bytes })
  } catch (error) {
    if (error instanceof ImportError) return error.code
    throw error
  }
  throw new Error(`${fileName} imported without an error`)
}

function inlinesOf(block: ManuscriptBlock): ManuscriptInline[] {
  switch (block.type) {
    case 'paragraph':
    case 'heading':
      return block.content ?? []
    case 'sceneBreak':
      return []
    case 'blockquote':
      return block.content.flatMap(inlinesOf)
    case 'bulletList':
    case 'orderedList':
      return block.content.flatMap((item) => item.content.flatMap(inlinesOf))
  }
}

/** Every text run of a document with its marks, e.g. { text: 'Casmurro', marks: ['italic'] }. */
export function textRuns(doc: ManuscriptDoc): { text: string; marks: string[] }[] {
  return doc.content
    .flatMap(inlinesOf)
    .flatMap((node) => (node.type === 'text' ? [{ text: node.text, marks: (node.marks ?? []).map((mark) => mark.type) }] : []))
}
