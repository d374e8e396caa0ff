// Splits a chapter's plain text (app/modules/manuscript/plain-text.ts: blocks separated by a
// blank line) into the chunks the book's memory stores and embeds (public.chunks). Pure and
// dependency-free so the `embed` Edge Function (Deno) and the app's tests (Node) share it;
// hashing uses Web Crypto, which both provide.
//
// Where a chunk ends is decided by the text around it, not by a running count from the
// chapter's start: a chunk may end at a paragraph's end once it holds `minTokens`, and does
// when a hash of that paragraph says so (about every other paragraph), or when the next piece
// (a paragraph, or a sentence of a paragraph too long for one chunk) would take it past
// `maxTokens`. So an edit in one paragraph changes the chunk holding it and
// perhaps the next one; the chunks after that fall on the same boundaries as before, keep
// their hashes and are not embedded again.

export type ChunkOptions = {
  /** Smallest chunk (estimated tokens) that may end at a paragraph's end. */
  minTokens: number
  /** Largest chunk (estimated tokens), not counting the overlap. */
  maxTokens: number
  /** At most this much (estimated tokens) of the previous chunk's end starts the next one. */
  overlapTokens: number
  /** Locale for sentence boundaries (Intl.Segmenter), e.g. the book's 'pt-BR' or 'en'. */
  locale?: string
}

// Measured on 5,000-word windows of both fixture novels (one paragraph edited, every third
// paragraph in turn): chunks of ~180–400 tokens (median ~280), and at worst ~7× (on average
// ~24×) fewer tokens to embed again than re-embedding the whole chapter. A larger minimum
// makes chunks more even but slower to fall back on the old boundaries after an edit.
export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { minTokens: 150, maxTokens: 400, overlapTokens: 40 }

/** A passage of the chapter: `text.slice(start, end) === content` (UTF-16 offsets). */
export type TextChunk = { ord: number; start: number; end: number; content: string }
export type HashedChunk = TextChunk & { contentHash: string }

// Without the provider's tokenizer, ~4 characters per token holds for English and Portuguese
// prose with OpenAI's tokenizers; budgets only need the order of magnitude.
export const CHARS_PER_TOKEN = 4

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN)
}

// A sentence (or a slice of an over-long one), as offsets into the text.
type Piece = { start: number; end: number; endsParagraph: boolean; cutHere: boolean }

function paragraphSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = []
  const separator = /\n[ \t]*\n\s*/g
  let from = 0
  for (let match = separator.exec(text); match; match = separator.exec(text)) {
    spans.push([from, match.index])
    from = match.index + match[0].length
  }
  spans.push([from, text.length])
  return spans
    .map(([start, end]) => trimSpan(text, start, end))
    .filter((span): span is [number, number] => span !== null)
}

function trimSpan(text: string, start: number, end: number): [number, number] | null {
  while (start < end && /\s/.test(text[start])) start++
  while (end > start && /\s/.test(text[end - 1])) end--
  return end > start ? [start, end] : null
}

// FNV-1a: a cheap, stable hash of a paragraph to place content-defined boundaries.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

// Pieces no longer than maxChars: whole sentences; a longer sentence is cut after a space,
// or anywhere when it has none (a pasted URL).
function sentencePieces(text: string, start: number, end: number, maxChars: number, segmenter: Intl.Segmenter): Array<[number, number]> {
  const pieces: Array<[number, number]> = []
  for (const segment of segmenter.segment(text.slice(start, end))) {
    const span = trimSpan(text, start + segment.index, start + segment.index + segment.segment.length)
    if (!span) continue
    let [from, to] = span
    while (to - from > maxChars) {
      let cut = text.lastIndexOf(' ', from + maxChars)
      if (cut <= from) cut = from + maxChars
      const head = trimSpan(text, from, cut)
      if (head) pieces.push(head)
      const rest = trimSpan(text, cut, to)
      if (!rest) break
      ;[from, to] = rest
    }
    if (to > from) pieces.push([from, to])
  }
  return pieces
}

function toPieces(text: string, maxChars: number, locale: string | undefined): Piece[] {
  const segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' })
  const pieces: Piece[] = []
  for (const [start, end] of paragraphSpans(text)) {
    const sentences = end - start <= maxChars ? [[start, end] as [number, number]] : sentencePieces(text, start, end, maxChars, segmenter)
    const cutHere = fnv1a(text.slice(start, end)) % 2 === 0
    sentences.forEach(([from, to], i) => {
      const last = i === sentences.length - 1
      pieces.push({ start: from, end: to, endsParagraph: last, cutHere: last && cutHere })
    })
  }
  return pieces
}

// Where the next chunk starts inside the previous one: the start of a sentence within the
// last overlapChars, else of a word; never the previous chunk's own start.
function overlapStart(text: string, chunkStart: number, chunkEnd: number, overlapChars: number, segmenter: Intl.Segmenter): number {
  if (overlapChars <= 0) return chunkEnd
  const earliest = Math.max(chunkStart + 1, chunkEnd - overlapChars)
  for (const segment of segmenter.segment(text.slice(chunkStart, chunkEnd))) {
    const at = chunkStart + segment.index
    if (at < earliest) continue
    const span = trimSpan(text, at, chunkEnd)
    if (span) return span[0]
  }
  const word = text.slice(earliest - 1, chunkEnd).search(/\s\S/)
  return word === -1 ? chunkEnd : earliest + word
}

/** The chapter's chunks in reading order; an empty or blank text has none. */
export function splitIntoChunks(text: string, options: Partial<ChunkOptions> = {}): TextChunk[] {
  const { minTokens, maxTokens, overlapTokens, locale } = { ...DEFAULT_CHUNK_OPTIONS, ...options }
  if (!(minTokens > 0 && maxTokens >= minTokens && overlapTokens >= 0 && overlapTokens < minTokens)) {
    throw new RangeError('Chunk options need 0 < minTokens <= maxTokens and 0 <= overlapTokens < minTokens')
  }
  const minChars = minTokens * CHARS_PER_TOKEN
  const maxChars = maxTokens * CHARS_PER_TOKEN
  const overlapChars = overlapTokens * CHARS_PER_TOKEN
  const pieces = toPieces(text, maxChars, locale)
  const segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' })

  const spans: Array<[number, number]> = []
  let first = 0
  pieces.forEach((piece, i) => {
    const start = pieces[first].start
    const length = piece.end - start
    const next = pieces[i + 1]
    const last = next === undefined
    const wouldOverflow = !last && next.end - start > maxChars
    const mayEndHere = piece.endsParagraph && length >= minChars && piece.cutHere
    if (last || wouldOverflow || mayEndHere) {
      spans.push([start, piece.end])
      first = i + 1
    }
  })

  return spans.map(([start, end], ord) => {
    const from = ord === 0 ? start : Math.min(start, overlapStart(text, spans[ord - 1][0], spans[ord - 1][1], overlapChars, segmenter))
    return { ord, start: from, end, content: text.slice(from, end) }
  })
}

/** Lowercase hex sha-256 of the text's UTF-8 bytes (public.chunks.content_hash). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** splitIntoChunks with each chunk's content hash. */
export async function chunkChapter(text: string, options: Partial<ChunkOptions> = {}): Promise<HashedChunk[]> {
  const chunks = splitIntoChunks(text, options)
  return Promise.all(chunks.map(async (chunk) => ({ ...chunk, contentHash: await sha256Hex(chunk.content) })))
}
