// Token estimates without the provider's tokenizer (the model may be any OpenAI-compatible
// one). The heuristic, documented in decision 018: the larger of characters / 4 (OpenAI's
// rule of thumb for English) and words × 4/3 (Portuguese and other accented languages
// split into more tokens per word than English; counting words keeps the estimate on the
// safe side for them). Measured against the providers' counts it over-estimates a little,
// which is the safe side for a budget and a cost preview.

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0
  const words = text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0
  return Math.ceil(Math.max(text.length / 4, (words * 4) / 3))
}

/** OpenAI's chat overhead: 3 tokens per message and 3 to prime the reply. */
export function estimateMessagesTokens(messages: Array<{ content: string }>): number {
  return messages.reduce((sum, m) => sum + 3 + estimateTokens(m.content), 3)
}

/** The longest prefix of `text` estimated at `tokens` or fewer, cut at a word boundary. */
export function takeTokens(text: string, tokens: number): string {
  if (tokens <= 0) return ''
  if (estimateTokens(text) <= tokens) return text
  let end = Math.min(text.length, tokens * 4)
  while (end > 0 && estimateTokens(text.slice(0, end)) > tokens) end = Math.floor(end * 0.9)
  const space = text.lastIndexOf(' ', end)
  return text.slice(0, space > end * 0.8 ? space : end)
}

/** The longest suffix of `text` estimated at `tokens` or fewer, cut at a word boundary. */
export function takeLastTokens(text: string, tokens: number): string {
  if (tokens <= 0) return ''
  if (estimateTokens(text) <= tokens) return text
  let start = Math.max(0, text.length - tokens * 4)
  while (start < text.length && estimateTokens(text.slice(start)) > tokens) start = Math.ceil(start + (text.length - start) * 0.1)
  const space = text.indexOf(' ', start)
  return text.slice(space >= 0 && space < start + (text.length - start) * 0.2 ? space + 1 : start)
}
