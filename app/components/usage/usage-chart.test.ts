import { axisTicks, niceCeiling } from './usage-chart.tsx'

describe('usage chart axis', () => {
  it('labels every tick with a round number of tokens', () => {
    expect(axisTicks(niceCeiling(21_704))).toEqual([0, 5_000, 10_000, 15_000, 20_000, 25_000])
    expect(axisTicks(niceCeiling(4_100))).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000])
    expect(axisTicks(niceCeiling(1_900))).toEqual([0, 500, 1_000, 1_500, 2_000])
    expect(axisTicks(niceCeiling(800))).toEqual([0, 250, 500, 750, 1_000])
    for (const max of [1, 2, 5, 10, 25, 100, 250, 2_500, 1_000_000].map(niceCeiling)) {
      expect(axisTicks(max).every((tick) => Number.isInteger(tick))).toBe(true)
    }
  })

  it('a workspace with a token or two still gets whole-token ticks', () => {
    expect(axisTicks(niceCeiling(0))).toEqual([0, 1])
    expect(axisTicks(niceCeiling(2))).toEqual([0, 1, 2])
  })
})
