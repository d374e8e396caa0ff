// Moving one chapter within a book's reading order: pure list arithmetic shared by the
// outline (optimistic preview, keyboard moves, drag and drop) and the reorder action.

/** The list with `id` taken out and put back at `index` (clamped to the list). */
export function moveToIndex(order: readonly string[], id: string, index: number): string[] {
  const from = order.indexOf(id)
  if (from === -1) return [...order]
  const rest = order.filter((_, i) => i !== from)
  const to = Math.max(0, Math.min(index, rest.length))
  return [...rest.slice(0, to), id, ...rest.slice(to)]
}

/** One step up (-1) or down (+1); at either end the order stays as it is. */
export function moveBy(order: readonly string[], id: string, step: -1 | 1): string[] {
  const from = order.indexOf(id)
  return from === -1 ? [...order] : moveToIndex(order, id, from + step)
}

/**
 * Dropping into the gap before item `gap` (0..n; n = after the last): the index the item
 * ends up at, since taking it out first shifts the gaps below it up by one.
 */
export function indexForGap(order: readonly string[], id: string, gap: number): number {
  const from = order.indexOf(id)
  return from !== -1 && from < gap ? gap - 1 : gap
}

export function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i])
}
