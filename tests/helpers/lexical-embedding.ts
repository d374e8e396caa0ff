// A deterministic stand-in for an embedding model, for tests and benchmarks on a machine that
// reaches no model: word stems (accents dropped, doubled letters collapsed so 1899 spellings
// like "cabellos" meet "cabelos", first 6 letters) hashed into the stored 1536 dimensions.
// Lexical, not semantic: it exercises storage, HNSW and fusion, not a model's understanding.
import { EMBEDDING_DIMENSIONS } from '../../app/modules/ai/embedding.ts'

const STOP = new Set(
  ('a o as os um uma de do da dos das em no na nos nas por para com que se e é era foi ao aos à ' +
    'the a an of to in and or is was were be he she it his her that this with for on at as by had have not you i my me').split(' '),
)

export function stems(text: string): string[] {
  return (
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/\p{L}+/gu)
      ?.filter((w) => w.length > 2 && !STOP.has(w))
      .map((w) => w.replace(/(\p{L})\1/gu, '$1').slice(0, 6)) ?? []
  )
}

export function lexicalEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0)
  for (const stem of stems(text)) {
    let hash = 0x811c9dc5
    for (let i = 0; i < stem.length; i++) hash = Math.imul(hash ^ stem.charCodeAt(i), 0x01000193) >>> 0
    vector[hash % EMBEDDING_DIMENSIONS] += hash & 0x80000000 ? -1 : 1
  }
  if (!vector.some((x) => x !== 0)) vector[0] = 1
  return vector
}
