import { EMBEDDING_DIMENSIONS, EmbeddingSizeError, toStoredEmbedding, toVectorLiteral } from './embedding.ts'

function cosine(a: number[], b: number[]): number {
  const dot = a.reduce((sum, x, i) => sum + x * b[i], 0)
  const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0))
  return dot / (norm(a) * norm(b))
}

describe('toStoredEmbedding', () => {
  it("zero-pads a smaller model's vector to 1536 without changing cosine similarity", () => {
    const a = [0.3, -0.2, 0.9, 0.1]
    const b = [0.1, 0.4, 0.8, -0.3]
    const [pa, pb] = [toStoredEmbedding(a), toStoredEmbedding(b)]
    expect(pa).toHaveLength(EMBEDDING_DIMENSIONS)
    expect(pa.slice(0, 4)).toEqual(a)
    expect(pa.slice(4).every((x) => x === 0)).toBe(true)
    expect(cosine(pa, pb)).toBeCloseTo(cosine(a, b), 12)
  })

  it('keeps a 1536-dimension vector as it is', () => {
    const v = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => i / EMBEDDING_DIMENSIONS)
    expect(toStoredEmbedding(v)).toEqual(v)
  })

  it('refuses a larger, empty or broken vector, naming the size', () => {
    expect(() => toStoredEmbedding(new Array(3072).fill(0.1))).toThrow(EmbeddingSizeError)
    expect(() => toStoredEmbedding(new Array(3072).fill(0.1))).toThrow('3072 dimensions')
    expect(() => toStoredEmbedding([])).toThrow(EmbeddingSizeError)
    expect(() => toStoredEmbedding([0.1, Number.NaN])).toThrow(RangeError)
  })

  it("writes pgvector's text form", () => {
    const literal = toVectorLiteral([0.5, -1])
    expect(literal.startsWith('[0.5,-1,0,0,')).toBe(true)
    expect(literal.split(',')).toHaveLength(EMBEDDING_DIMENSIONS)
  })
})
