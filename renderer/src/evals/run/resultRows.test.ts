import { describe, expect, it } from 'vitest'
import { NO_FILTERS, commonError, filterRows, joinRows, parseDatasetRows, type EvalRow } from './resultRows'

const row = (rowId: string, extra: Partial<EvalRow> = {}): EvalRow => ({
  rowId, trial: 0, output: `answer ${rowId}`, error: null, latencyMs: 10, tokens: 5, costUsd: null,
  scores: { mentions: { score: 1, pass: true }, similar: { score: 0.9 } }, traceId: `tr-${rowId}`, ...extra,
})

describe('result rows', () => {
  const dataset = parseDatasetRows('{"id":"b","ticket":"printer","expected":"hardware"}\n{"id":"a","ticket":"refund","expected":"refund"}\nnot json\n')
  const rows = joinRows(
    [
      row('a'),
      row('b', { scores: { mentions: { score: 0, pass: false, reason: 'none of refund' }, similar: { score: 0.2 } } }),
      row('c', { error: 'timeout', output: null, scores: { mentions: null, similar: null } }),
    ],
    dataset,
  )

  it('joins the dataset row (minus id and expected) in dataset order', () => {
    expect(rows.map((r) => r.row.rowId)).toEqual(['b', 'a', 'c'])
    expect(rows[0]).toMatchObject({ input: { ticket: 'printer' }, expected: 'hardware', failed: true })
    expect(rows[2]).toMatchObject({ input: null, failed: false })
  })

  it('filters failed, errored, a scorer below a threshold, and text', () => {
    const ids = (filters: Partial<typeof NO_FILTERS>) => filterRows(rows, { ...NO_FILTERS, ...filters }).map((r) => r.row.rowId)
    expect(ids({})).toEqual(['b', 'a', 'c'])
    expect(ids({ failed: true })).toEqual(['b'])
    expect(ids({ errored: true })).toEqual(['c'])
    expect(ids({ scorer: 'similar', below: 0.5 })).toEqual(['b', 'c'])
    expect(ids({ text: 'REFUND' })).toEqual(['a'])
    expect(ids({ text: 'timeout' })).toEqual(['c'])
  })

  it('filters 5,000 rows quickly', () => {
    const many = joinRows(Array.from({ length: 5000 }, (_, i) => row(`r${i}`)), new Map())
    const start = performance.now()
    expect(filterRows(many, { ...NO_FILTERS, text: 'answer r4999' })).toHaveLength(1)
    expect(performance.now() - start).toBeLessThan(100)
  })
})

describe('commonError', () => {
  it('names the error most rows share, with its count among the errored rows', () => {
    const rows = ['auth: No API key: set OPENAI_API_KEY', 'auth: No API key: set OPENAI_API_KEY', 'timeout', null].map((error) => ({ row: { error } }))
    expect(commonError(rows)).toEqual({ message: 'auth: No API key: set OPENAI_API_KEY', count: 2, errored: 3 })
    expect(commonError([{ row: { error: null } }])).toBeNull()
  })
})
