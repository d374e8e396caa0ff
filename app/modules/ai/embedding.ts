// Embedding vectors as public.chunks stores them: one column of 1536 dimensions for every
// model (docs/decisions/013-ai-architecture.md, 016-retrieval-schema.md). Pure, shared by
// the Edge Functions (Deno) and the app (Node).

export const EMBEDDING_DIMENSIONS = 1536

export class EmbeddingSizeError extends Error {
  readonly dimensions: number
  constructor(dimensions: number) {
    super(`The embedding model returned ${dimensions} dimensions; FlowStory stores at most ${EMBEDDING_DIMENSIONS}.`)
    this.name = 'EmbeddingSizeError'
    this.dimensions = dimensions
  }
}

/**
 * A model's vector in the stored size: a shorter one is zero-padded (cosine similarity and
 * distance do not change), a longer one is refused — ask the API for `dimensions: 1536`
 * instead where the model supports it (OpenAI's text-embedding-3 models do).
 */
export function toStoredEmbedding(vector: readonly number[]): number[] {
  if (vector.length === 0 || vector.length > EMBEDDING_DIMENSIONS) throw new EmbeddingSizeError(vector.length)
  if (!vector.every(Number.isFinite)) throw new RangeError('An embedding must contain only finite numbers')
  return vector.length === EMBEDDING_DIMENSIONS ? [...vector] : [...vector, ...new Array<number>(EMBEDDING_DIMENSIONS - vector.length).fill(0)]
}

/** pgvector's text form ('[0.1,0.2,…]'), for a query parameter cast to extensions.vector. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${toStoredEmbedding(vector).join(',')}]`
}
