import { describe, expect, it } from 'vitest'
import { comparePath, matchesArguments, trajectoryScorer, type TrajectoryParams } from './trajectory'
import type { ScoredSpan } from './types'

let clock = 0
const step = (name: string, inputs?: unknown, kind = 'tool'): ScoredSpan => ({ id: `${name}-${++clock}`, parentId: 'root', name, kind, status: 'ok', startMs: clock, endMs: clock + 1, inputs, attributes: {} })
const trace = (...steps: ScoredSpan[]): ScoredSpan[] => [{ id: 'root', parentId: null, name: 'agent', kind: 'agent', status: 'ok', startMs: 0, endMs: 100, attributes: {} }, ...steps]

async function score(spans: ScoredSpan[] | undefined, params: TrajectoryParams) {
  return trajectoryScorer.score({ output: null, row: {}, spans }, trajectoryScorer.params.parse(params), {})
}

describe('comparePath', () => {
  const a = ['search', 'fetch', 'answer']
  it.each([
    ['exact', a, a, true],
    ['exact', ['fetch', 'search', 'answer'], a, false],
    ['in-order', ['search', 'log', 'fetch', 'answer'], a, true],
    ['in-order', ['fetch', 'search', 'answer'], a, false],
    ['any-order', ['answer', 'search', 'fetch'], a, true],
    ['any-order', ['answer', 'search'], a, false],
    ['subset', ['search', 'answer'], a, true],
    ['subset', ['search', 'shell'], a, false],
    ['superset', ['shell', 'answer', 'fetch', 'search'], a, true],
    ['superset', ['search', 'fetch'], a, false],
  ] as const)('%s: %j against %j → %s', (mode, actual, expected, pass) => {
    expect(comparePath(actual, expected, mode, false).pass).toBe(pass)
  })

  it('reports missing, unexpected and repeated steps, and gives partial credit', () => {
    const c = comparePath(['search', 'search', 'shell'], ['search', 'fetch'], 'in-order', false)
    expect(c).toMatchObject({ pass: false, missing: ['fetch'], unexpected: ['shell'], repeated: ['search'] })
    expect(c.score).toBeGreaterThan(0)
    expect(c.score).toBeLessThan(1)
    // Repeats fail in-order unless allowed.
    expect(comparePath(['search', 'search', 'fetch'], ['search', 'fetch'], 'in-order', false).pass).toBe(false)
    expect(comparePath(['search', 'search', 'fetch'], ['search', 'fetch'], 'in-order', true).pass).toBe(true)
  })
})

describe('trajectory scorer', () => {
  it('reads tool steps from the trace in start order and picks the best acceptable path', async () => {
    const spans = trace(step('lookup_order'), step('thinking', undefined, 'llm'), step('refund'))
    const result = await score(spans, { expected: [['lookup_order', 'escalate'], ['lookup_order', 'refund']], mode: 'exact' })
    expect(result).toEqual({ score: 1, pass: true, reason: 'took lookup_order → refund; expected lookup_order → refund' })
  })

  it('fails with what went wrong', async () => {
    const result = await score(trace(step('refund'), step('refund')), { expected: ['lookup_order', 'refund'] })
    expect(result.pass).toBe(false)
    expect(result.reason).toBe('took refund → refund; expected lookup_order → refund; missing lookup_order; repeated refund')
  })

  it('checks tool arguments as a partial match', async () => {
    const spans = trace(step('lookup_order', { order: { id: 42, region: 'eu' }, verbose: true }))
    expect((await score(spans, { expected: ['lookup_order'], arguments: { lookup_order: { order: { id: 42 } } } })).pass).toBe(true)
    const wrong = await score(spans, { expected: ['lookup_order'], arguments: { lookup_order: { order: { id: 7 } } } })
    expect(wrong).toMatchObject({ pass: false })
    expect(wrong.reason).toMatch(/^lookup_order: order\.id is 42, expected 7/)
    expect(matchesArguments(undefined, { a: 1 })).toBe('has no arguments')
  })

  it('needs a trace, and refuses bad parameters naming the field', async () => {
    expect(await score(undefined, { expected: ['a'] })).toMatchObject({ pass: false, reason: 'the row has no trace to read steps from' })
    const bad = trajectoryScorer.params.safeParse({ expected: [], mode: 'sideways' })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['expected', 'mode']))
  })
})
