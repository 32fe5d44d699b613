import { describe, expect, it } from 'vitest'
import { sampleRow } from '../fixtures'
import { latencyCostPoints, scoreHistogram } from './chartData'

describe('chart data', () => {
  it('bins 0–1 scores into ten shared bins per run', () => {
    const { centres, counts } = scoreHistogram([[sampleRow('a', '', 0), sampleRow('b', '', 1)], [sampleRow('a', '', 0.55)]], 'mentions')
    expect(centres).toHaveLength(10)
    expect(counts[0]![0]).toBe(1)
    expect(counts[0]![9]).toBe(1)
    expect(counts[1]![5]).toBe(1)
  })

  it('puts every run on one sorted latency axis, null where a point is another run’s', () => {
    const [xs, a, b] = latencyCostPoints([[sampleRow('a', '', 1, { latencyMs: 30, costUsd: 0.2 })], [sampleRow('a', '', 1, { latencyMs: 10, costUsd: 0.1 })]])
    expect(xs).toEqual([10, 30])
    expect(a).toEqual([null, 0.2])
    expect(b).toEqual([0.1, null])
  })
})
