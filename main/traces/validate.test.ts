import { describe, expect, it } from 'vitest'
import { SpanInputSchema } from '../../common/schemas/span'
import { fastSpanForTest, validateSpans } from './validate'

const base = { id: 's1', traceId: 't1', name: 'op', startMs: 1 }

/** Variations around a valid span: every field valid, missing, null, or of a wrong type. */
const VALUES: Record<string, unknown[]> = {
  id: ['s1', '', 'x'.repeat(129), 5, undefined],
  traceId: ['t1', '', null, undefined],
  parentId: [undefined, null, 'p', '', 'y'.repeat(200)],
  name: ['op', '', 'n'.repeat(1001), 3],
  kind: [undefined, 'llm', 'tool', 'banana', null],
  startMs: [0, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '1', undefined],
  endMs: [undefined, null, 2, -2, '2'],
  status: [undefined, 'ok', 'error', 'running', 'weird'],
  error: [undefined, null, { message: 'm' }, { message: 'm', type: 't', stack: 's' }, { message: 3 }, { message: 'm', extra: 1 }, 'boom'],
  inputs: [undefined, null, { a: 1 }, [1, 2], 'text'],
  output: [undefined, null, 0, { deep: { x: [1] } }],
  attributes: [undefined, {}, { a: 1, 'b.c': 'x' }, [], null, 'x'],
  usage: [undefined, {}, { m: { inputTokens: 1, outputTokens: 2 } }, { m: {} }, { m: { inputTokens: -1 } }, { m: { inputTokens: 1.5 } }, { m: { inputTokens: 1, other: 1 } }, { m: null }],
  costUsd: [undefined, null, 0.01, -1, '1'],
  sessionId: [undefined, null, 'sess', 's'.repeat(257), 4],
  unknownKey: [undefined, 'x'],
}

describe('fast span validation', () => {
  it('agrees with the zod schema on every variation: same verdict, same output', () => {
    let fastHits = 0
    for (const [field, values] of Object.entries(VALUES)) {
      for (const value of values) {
        const raw: Record<string, unknown> = { ...base }
        if (value === undefined) delete raw[field]
        else raw[field] = value
        const zod = SpanInputSchema.safeParse(raw)
        const fast = fastSpanForTest(raw)
        if (fast) {
          fastHits++
          expect({ field, value, ok: zod.success }).toEqual({ field, value, ok: true })
          expect(fast).toEqual(zod.data)
        }
        const { spans, issues } = validateSpans([raw])
        expect(issues.length === 0).toBe(zod.success)
        if (zod.success) expect(spans[0]).toEqual(zod.data)
      }
    }
    // The fast path must actually carry the common cases.
    expect(fastHits).toBeGreaterThan(40)
  })

  it('names the index and field of a bad span', () => {
    const { issues } = validateSpans([base, { ...base, startMs: 'soon' }])
    expect(issues[0]?.path).toBe('1.startMs')
  })

  it('rejects non-objects without throwing', () => {
    expect(validateSpans([null, 3, 'x', []]).issues.map((i) => i.path)).toEqual(['0', '1', '2', '3'])
  })
})
