import { reciprocalRankFusion } from './rrf.ts'

describe('reciprocalRankFusion', () => {
  it('ranks what both lists found first, scored 1/(60 + rank) from each', () => {
    const fused = reciprocalRankFusion([
      ['noite', 'capitu'],
      ['capitu', 'cavalo', 'seminario', 'noite'],
    ])
    expect(fused.map((f) => f.id)).toEqual(['capitu', 'noite', 'cavalo', 'seminario'])
    expect(fused[0].score).toBeCloseTo(1 / 62 + 1 / 61, 12)
    expect(fused[1].score).toBeCloseTo(1 / 61 + 1 / 64, 12)
    expect(fused[2].score).toBeCloseTo(1 / 62, 12)
  })

  it('breaks a tie by what was seen first', () => {
    const fused = reciprocalRankFusion([['a'], ['b', 'a']])
    expect(fused.map((f) => f.id)).toEqual(['a', 'b'])
    expect(reciprocalRankFusion([['x'], ['y']]).map((f) => f.id)).toEqual(['x', 'y'])
  })

  it('counts an item once per list and handles empty input', () => {
    expect(reciprocalRankFusion([['a', 'a', 'b']])).toEqual([
      { id: 'a', score: 1 / 61 },
      { id: 'b', score: 1 / 63 },
    ])
    expect(reciprocalRankFusion([])).toEqual([])
    expect(() => reciprocalRankFusion([['a']], -1)).toThrow(RangeError)
  })
})
