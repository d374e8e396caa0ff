// How FlowStory asks a provider for embeddings, shared by `embed` (chunks) and `chat` (the
// question): the same model parameters and the same 1536-dimension storage rule (decision
// 013: smaller vectors are zero-padded, larger ones asked for 1536 where the API allows).
import type OpenAI from 'openai'
import { EMBEDDING_DIMENSIONS, EmbeddingSizeError, toStoredEmbedding } from '../../../app/modules/ai/embedding.ts'
import { ProviderError, toProviderError, type ResolvedProvider } from './ai-provider.ts'

// Models that take `dimensions` (OpenAI's text-embedding-3 family): asking for the stored
// size makes the larger one fit. Others are sent without it and padded or refused.
export function acceptsDimensions(model: string): boolean {
  return /(^|\/)text-embedding-3-/.test(model)
}

/** The request parameters for `model` besides `input`. */
export function embeddingParams(model: string): { model: string; dimensions?: number } {
  return { model, ...(acceptsDimensions(model) ? { dimensions: EMBEDDING_DIMENSIONS } : {}) }
}

/** A provider vector as stored (1536 numbers), or the ProviderError a writer can act on. */
export function storedVector(vector: readonly number[], model: string): number[] {
  try {
    return toStoredEmbedding(Array.from(vector))
  } catch (error) {
    if (error instanceof EmbeddingSizeError) {
      throw new ProviderError(
        502,
        'embedding_dimensions',
        `The embedding model "${model}" returns ${error.dimensions} dimensions; FlowStory stores at most ${EMBEDDING_DIMENSIONS}. Pick another embedding model in Settings → AI providers.`,
      )
    }
    throw new ProviderError(502, 'provider_error', `The embedding model "${model}" returned an invalid vector.`)
  }
}

/** Embeds one text; `spent` gets the tokens the provider charged. */
export async function embedOne(openai: OpenAI, provider: ResolvedProvider, text: string, signal?: AbortSignal): Promise<{ vector: number[]; tokens: number }> {
  let response: OpenAI.CreateEmbeddingResponse
  try {
    response = await openai.embeddings.create({ ...embeddingParams(provider.model), input: [text] }, { signal })
  } catch (error) {
    throw toProviderError(error, provider.model)
  }
  const tokens = response.usage?.prompt_tokens ?? 0
  const item = response.data[0]
  if (!item) throw new ProviderError(502, 'provider_error', `The embedding model "${provider.model}" returned no vector.`)
  return { vector: storedVector(item.embedding, provider.model), tokens }
}
