import { describe, expect, it } from 'vitest'
import { alignRows, filterRows, outputText, percentile, pinnedChanges, runStats, shortRef } from './compareModel'
import { sampleComparison, sampleRow } from './fixtures'
import { wordDiff } from './wordDiff'

describe('compareModel', () => {
  it('lists pinned slots, target kinds first, and which changed', () => {
    const changes = pinnedChanges({ dataset: 'dataset:d@1', prompt: 'prompt:p@1', 'scorer.x': 'scorer:x@1' }, { dataset: 'dataset:d@1', prompt: 'prompt:p@2', model: 'model:m@1' })
    expect(changes.map((c) => [c.key, c.changed])).toEqual([['prompt', true], ['model', true], ['dataset', false], ['scorer.x', true]])
    expect(shortRef('prompt:p@6ed642fe6625f9402dfa')).toBe('prompt:p@6ed642f')
  })

  it('computes percentiles, errors, cost and pass rate from rows', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2)
    expect(percentile([], 0.5)).toBeNull()
    const stats = runStats([sampleRow('a', 'x', 1, { latencyMs: 10 }), sampleRow('b', null, 0, { latencyMs: 30, error: 'boom', costUsd: null })])
    expect(stats).toMatchObject({ rows: 2, errors: 1, latencyP50: 10, latencyP95: 30, costUsd: 0.005, passRate: 0.5 })
  })

  it('aligns rows by id and trial and filters them', () => {
    const rows = alignRows([sampleRow('a', 'same', 1), sampleRow('b', 'old', 1)], [sampleRow('b', 'new', 0), sampleRow('c', 'only', 1)], sampleComparison({ regressions: [{ rowId: 'b', scorer: 'mentions', from: 1, to: 0 }] }))
    expect(rows.map((r) => [r.rowId, !!r.baseline, !!r.candidate, r.outputChanged, r.regressed])).toEqual([
      ['a', true, false, true, false], ['b', true, true, true, true], ['c', false, true, true, false],
    ])
    expect(filterRows(rows, 'regressed').map((r) => r.rowId)).toEqual(['b'])
  })

  it('turns any output into text and diffs words', () => {
    expect(outputText({ a: 1 })).toBe('{\n  "a": 1\n}')
    expect(outputText(null, 'boom')).toBe('Error: boom')
    const diff = wordDiff('the cat sat', 'the dog sat')!
    expect(diff.before.filter((s) => s.changed).map((s) => s.text)).toEqual(['cat'])
    expect(diff.after.filter((s) => s.changed).map((s) => s.text)).toEqual(['dog'])
  })
})
