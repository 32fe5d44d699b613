import { describe, expect, it } from 'vitest'
import { junitReport } from './junit'
import { summarize, type RowResult } from './summary'

const row = (rowId: string, pass: boolean, error: string | null = null): RowResult => ({ rowId, trial: 0, output: 'x', error, latencyMs: 1500, tokens: 1, costUsd: 0, scores: { exact: error ? null : { score: Number(pass), pass } } })

describe('JUnit report', () => {
  it('has a case per row and per threshold, failures and errors counted, text escaped', () => {
    const rows = [row('a', true), row('b<&>', false), row('c', false, 'timeout "30 s"')]
    const xml = junitReport({ id: 'run-1', name: 'triage' }, rows, summarize(rows), ['exact 0.333 < 0.9'], { exact: 0.9 })
    expect(xml).toContain('<testsuites name="weft eval" tests="4" failures="2" errors="1">')
    expect(xml).toContain('<testcase classname="triage" name="a" time="1.500"/>')
    expect(xml).toContain('name="b&lt;&amp;&gt;" time="1.500"><failure message="failed: exact"/>')
    expect(xml).toContain('<error message="timeout &quot;30 s&quot;"/>')
    expect(xml).toContain('<testcase classname="triage.thresholds" name="exact"><failure message="exact 0.333 &lt; 0.9"/></testcase>')
  })
})
