import { indexForGap, moveBy, moveToIndex, sameOrder } from './order.ts'

describe('chapter order arithmetic', () => {
  const order = ['a', 'b', 'c', 'd']

  it('moves a chapter to an index, clamped to the list', () => {
    expect(moveToIndex(order, 'c', 0)).toEqual(['c', 'a', 'b', 'd'])
    expect(moveToIndex(order, 'a', 3)).toEqual(['b', 'c', 'd', 'a'])
    expect(moveToIndex(order, 'b', 99)).toEqual(['a', 'c', 'd', 'b'])
    expect(moveToIndex(order, 'b', -5)).toEqual(['b', 'a', 'c', 'd'])
    expect(moveToIndex(order, 'x', 0)).toEqual(order)
  })

  it('moves one step and stays put at either end', () => {
    expect(moveBy(order, 'b', -1)).toEqual(['b', 'a', 'c', 'd'])
    expect(moveBy(order, 'b', 1)).toEqual(['a', 'c', 'b', 'd'])
    expect(moveBy(order, 'a', -1)).toEqual(order)
    expect(moveBy(order, 'd', 1)).toEqual(order)
  })

  it('turns a drop gap into the index the chapter lands on', () => {
    // Dropping "b" in the gap before "d" puts it third, after "c".
    expect(moveToIndex(order, 'b', indexForGap(order, 'b', 3))).toEqual(['a', 'c', 'b', 'd'])
    expect(moveToIndex(order, 'd', indexForGap(order, 'd', 0))).toEqual(['d', 'a', 'b', 'c'])
    expect(moveToIndex(order, 'a', indexForGap(order, 'a', 4))).toEqual(['b', 'c', 'd', 'a'])
    // The gaps on either side of the dragged chapter leave the order as it is.
    expect(moveToIndex(order, 'b', indexForGap(order, 'b', 1))).toEqual(order)
    expect(moveToIndex(order, 'b', indexForGap(order, 'b', 2))).toEqual(order)
  })

  it('compares orders element by element', () => {
    expect(sameOrder(order, ['a', 'b', 'c', 'd'])).toBe(true)
    expect(sameOrder(order, ['a', 'b', 'd', 'c'])).toBe(false)
    expect(sameOrder(order, ['a', 'b', 'c'])).toBe(false)
  })
})
