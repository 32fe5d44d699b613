import { describe, expect, it } from 'vitest'
import { EMPTY_FILTERS, isFiltered, parseAttributes, toQuery } from './traceQuery'
import { feedbackText, listRows } from './TraceList'

describe('trace list filters', () => {
  it('maps the filter bar onto a traces.list request', () => {
    const result = toQuery({ ...EMPTY_FILTERS, name: ' answer ', status: 'error', feedback: 'down', range: '1h', text: 'refund', attributes: 'user.id=u7, beta=true, n=3', minLatencyMs: '500', sort: 'latency' }, 100, 10_000_000)
    expect(result).toEqual({
      query: { limit: 100, sort: 'latency', order: 'desc', name: 'answer', status: 'error', feedback: 'down', fromMs: 10_000_000 - 3_600_000, text: 'refund', attributes: { 'user.id': 'u7', beta: true, n: 3 }, minLatencyMs: 500 },
    })
  })

  it('names the field that is wrong', () => {
    expect(toQuery({ ...EMPTY_FILTERS, minCostUsd: 'cheap' }, 10)).toEqual({ field: 'minCostUsd', message: 'a number, 0 or more' })
    expect(toQuery({ ...EMPTY_FILTERS, attributes: 'oops' }, 10)).toMatchObject({ field: 'attributes' })
    expect(parseAttributes(Array.from({ length: 11 }, (_, i) => `k${i}=1`).join(','))).toBe('at most 10 attribute filters')
  })

  it('knows when the list is filtered (sorting is not filtering)', () => {
    expect(isFiltered(EMPTY_FILTERS)).toBe(false)
    expect(isFiltered({ ...EMPTY_FILTERS, sort: 'cost' })).toBe(false)
    expect(isFiltered({ ...EMPTY_FILTERS, kind: 'llm' })).toBe(true)
  })

  it('summarises feedback and groups rows by session', () => {
    expect(feedbackText({ count: 4, up: 2, down: 1, scores: { correctness: 0.75 } })).toBe(' · 2 good · 1 bad · correctness 0.75')
    expect(feedbackText({ count: 1, up: 0, down: 0, scores: {} })).toBe(' · 1 note')
    expect(feedbackText(undefined)).toBe('')
    const t = (traceId: string, sessionId: string | null) => ({ traceId, sessionId }) as never
    expect(listRows([t('a', 's1'), t('b', null), t('c', 's1')], true).map((r) => (r.type === 'session' ? `[${r.sessionId}:${r.count}]` : (r.trace as { traceId: string }).traceId))).toEqual(['[s1:2]', 'a', 'c', '[null:1]', 'b'])
  })
})
