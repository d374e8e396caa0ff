// Reciprocal rank fusion, the merge public.search_chunks does in SQL, for code that fuses
// ranked lists itself (benchmarks comparing modes, several books at once): each list adds
// 1 / (k + rank) to an item's score, rank counted from 1; k = 60 as in Cormack et al. (2009).

export const RRF_K = 60

export type Fused<T> = { id: T; score: number }

export function reciprocalRankFusion<T>(lists: ReadonlyArray<ReadonlyArray<T>>, k: number = RRF_K): Fused<T>[] {
  if (!(k >= 0)) throw new RangeError('k must be a non-negative number')
  const scores = new Map<T, { score: number; firstSeen: number }>()
  let seen = 0
  for (const list of lists) {
    const counted = new Set<T>()
    list.forEach((id, index) => {
      if (counted.has(id)) return // a list counts an item once, at its best rank
      counted.add(id)
      const entry = scores.get(id) ?? { score: 0, firstSeen: seen++ }
      entry.score += 1 / (k + index + 1)
      scores.set(id, entry)
    })
  }
  return [...scores.entries()]
    .sort(([, a], [, b]) => b.score - a.score || a.firstSeen - b.firstSeen)
    .map(([id, { score }]) => ({ id, score }))
}
