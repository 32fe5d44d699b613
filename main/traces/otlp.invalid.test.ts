/** Malformed OTLP bodies: always INVALID_REQUEST with the offending path, never a raw TypeError. */
import { describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import { spansFromOtlpJson } from './otlp'

const TRACE = '5b8efff798038103d269b633813fc60c'
const ROOT = 'eee19b7ec3c1b174'

type Attr = { key: string; value: Record<string, unknown> }
const s = (key: string, v: string): Attr => ({ key, value: { stringValue: v } })

function span(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: TRACE, spanId: ROOT, name: 'op', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001500000000', ...over }
}

function body(spans: unknown[], resource: Attr[] = [s('service.name', 'my-app')]): unknown {
  return { resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ scope: { name: 'test-scope', version: '1.0' }, spans }] }] }
}

function invalid(raw: unknown): WeftError {
  try {
    spansFromOtlpJson(raw)
  } catch (error) {
    expect(error).toBeInstanceOf(WeftError)
    expect((error as WeftError).code).toBe('INVALID_REQUEST')
    return error as WeftError
  }
  throw new Error('expected INVALID_REQUEST')
}

describe('spansFromOtlpJson: malformed bodies', () => {
  const path = 'resourceSpans.0.scopeSpans.0.spans.1'
  const withBad = (bad: Record<string, unknown>) => body([span(), span(bad)])

  it.each([
    ['missing traceId', { traceId: undefined }, `${path}.traceId`],
    ['short traceId', { traceId: 'abc' }, `${path}.traceId`],
    ['all-zero spanId', { spanId: '0000000000000000' }, `${path}.spanId`],
    ['bad parentSpanId', { parentSpanId: 'nope!' }, `${path}.parentSpanId`],
    ['non-numeric time', { startTimeUnixNano: 'yesterday' }, `${path}.startTimeUnixNano`],
    ['negative time', { startTimeUnixNano: -5 }, `${path}.startTimeUnixNano`],
    ['zero start', { startTimeUnixNano: '0' }, `${path}.startTimeUnixNano`],
    ['end before start', { endTimeUnixNano: '1' }, `${path}.endTimeUnixNano`],
    ['empty name', { name: '' }, `${path}.name`],
    ['attributes not a list', { attributes: { a: 1 } }, `${path}.attributes`],
    ['bad intValue', { attributes: [{ key: 'n', value: { intValue: 'many' } }] }, `${path}.attributes.0.value.intValue`],
    ['bad status code', { status: { code: 7 } }, `${path}.status.code`],
  ])('refuses %s with its path', (_what, bad, expected) => {
    const error = invalid(withBad(bad))
    expect(error.issues?.map((x) => x.path)).toContain(expected)
    expect(error.message).toContain(expected)
  })

  it('refuses absurdly deep nesting instead of overflowing the stack', () => {
    let json = '{"stringValue":"x"}'
    for (let n = 0; n < 5000; n++) json = `{"arrayValue":{"values":[${json}]}}`
    const error = invalid(body([span({ attributes: [{ key: 'k', value: JSON.parse(json) as Record<string, unknown> }] })]))
    expect(error.issues?.[0]?.path).toMatch(/^resourceSpans\.0\.scopeSpans\.0\.spans\.0\.attributes\.0\.value\.arrayValue/)
  })

  it.each([null, 'text', 42, [], { resourceSpans: 'x' }, { resourceSpans: [{ scopeSpans: [{ spans: [null] }] }] }])('refuses %j', (raw) => {
    invalid(raw)
  })
})
