import { describe, expect, it } from 'vitest'
import { evalHash, parseEvalHash } from './evalRoute'

describe('evaluation routes', () => {
  it('reads and writes every route of the section', () => {
    expect(parseEvalHash('#/evaluations')).toEqual({ view: 'list' })
    expect(parseEvalHash('#/evaluations/run/2026-01-01T00-00-00-ab12')).toEqual({ view: 'run', runId: '2026-01-01T00-00-00-ab12' })
    expect(parseEvalHash('#/evaluations/compare/a/b,c')).toEqual({ view: 'compare', baseline: 'a', candidates: ['b', 'c'] })
    expect(parseEvalHash('#/evaluations/trends/triage')).toEqual({ view: 'trends', name: 'triage' })
    expect(parseEvalHash('#/evaluations/compare/a')).toEqual({ view: 'list' })
    expect(parseEvalHash('#/traces/x')).toEqual({ view: 'list' })
    expect(evalHash({ view: 'compare', baseline: 'a', candidates: ['b', 'c'] })).toBe('#/evaluations/compare/a/b,c')
    expect(evalHash({ view: 'trends', name: 'triage' })).toBe('#/evaluations/trends/triage')
  })
})
