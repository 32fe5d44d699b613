import { describe, expect, it } from 'vitest'
import { compareRuns, quantile, summarize, wilson, type RowResult } from './summary'

const row = (rowId: string, pass: boolean, extra: Partial<RowResult> = {}): RowResult => ({
  rowId, trial: 0, output: `out-${rowId}`, error: null, latencyMs: 100, tokens: 10, costUsd: 0.001,
  scores: { exact: { score: Number(pass), pass }, sim: { score: pass ? 0.9 : 0.4 } }, ...extra,
})

describe('run summaries', () => {
  it('gives per-scorer means, pass rates and 95% intervals, latency quantiles, tokens, cost and errors', () => {
    const rows = [row('a', true), row('b', true, { latencyMs: 300 }), row('c', false, { latencyMs: 200 }), row('d', true, { error: 'timeout', latencyMs: null, scores: { exact: null, sim: null } })]
    const s = summarize(rows)
    expect(s).toMatchObject({ rows: 4, errors: 1, latencyP50Ms: 200, latencyP95Ms: 300, tokens: 40, costUsd: 0.004 })
    expect(s.scorers.exact).toMatchObject({ passRate: 0.666667, mean: 0.666667, scored: 3 })
    expect(s.scorers.exact!.low).toBeLessThan(0.67)
    expect(s.scorers.exact!.high).toBeGreaterThan(0.67)
    expect(s.scorers.sim).toMatchObject({ passRate: null, mean: 0.733333 })
  })

  it('computes Wilson intervals and nearest-rank quantiles', () => {
    const [low, high] = wilson(8, 10)
    expect(low).toBeCloseTo(0.49, 2)
    expect(high).toBeCloseTo(0.943, 2)
    expect(wilson(0, 0)).toEqual([0, 1])
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2)
    expect(quantile([], 0.5)).toBeNull()
  })
})

describe('run comparison', () => {
  it('aligns rows by id: deltas, regressions, improvements, changed outputs, rows in one run only', () => {
    const baseline = [row('a', true), row('b', false), row('c', true), row('gone', true)]
    const candidate = [row('a', true), row('b', true, { output: 'better' }), row('c', false, { output: 'worse' }), row('new', true)]
    const c = compareRuns(baseline, candidate)
    expect(c.regressions).toEqual([
      { rowId: 'c', scorer: 'exact', from: 1, to: 0 },
      { rowId: 'c', scorer: 'sim', from: 0.9, to: 0.4 },
    ])
    expect(c.improvements.map((r) => `${r.rowId}:${r.scorer}`)).toEqual(['b:exact', 'b:sim'])
    expect(c.changedOutputs).toEqual(['b', 'c'])
    expect(c.onlyInBaseline).toEqual(['gone'])
    expect(c.onlyInCandidate).toEqual(['new'])
    expect(c.scorers.exact).toMatchObject({ baseline: 0.75, candidate: 0.75, delta: 0, beyondNoise: false })
  })

  it('marks a drop beyond the baseline’s interval', () => {
    const many = (n: number, passing: number, prefix: string) => Array.from({ length: n }, (_, i) => row(`${prefix}${i}`, i < passing))
    const c = compareRuns(many(200, 190, 'r'), many(200, 120, 'r'))
    expect(c.scorers.exact).toMatchObject({ baseline: 0.95, candidate: 0.6, delta: -0.35, beyondNoise: true })
    expect(c.regressions).toHaveLength(140)
  })
})
