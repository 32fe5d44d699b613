import { describe, expect, it } from 'vitest'
import { otlpAnyValue, unflatten } from './values'
import { normaliseId } from './schema'

describe('otlpAnyValue', () => {
  it('converts scalars', () => {
    expect(otlpAnyValue({ stringValue: 'hi' })).toBe('hi')
    expect(otlpAnyValue({ stringValue: '' })).toBe('')
    expect(otlpAnyValue({ boolValue: false })).toBe(false)
    expect(otlpAnyValue({ intValue: '42' })).toBe(42)
    expect(otlpAnyValue({ intValue: 7 })).toBe(7)
    expect(otlpAnyValue({ doubleValue: 0.5 })).toBe(0.5)
    expect(otlpAnyValue({ doubleValue: '1.5' })).toBe(1.5)
    expect(otlpAnyValue({ bytesValue: 'AQID' })).toBe('AQID')
  })

  it('keeps what plain JSON numbers cannot hold as strings', () => {
    expect(otlpAnyValue({ intValue: '9223372036854775807' })).toBe('9223372036854775807')
    expect(otlpAnyValue({ doubleValue: 'NaN' })).toBe('NaN')
    expect(otlpAnyValue({ doubleValue: 'Infinity' })).toBe('Infinity')
  })

  it('converts arrays and kvlists recursively', () => {
    expect(
      otlpAnyValue({
        kvlistValue: {
          values: [
            { key: 'a', value: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'x' }] } } },
            { key: 'b', value: { kvlistValue: { values: [{ key: 'c', value: { boolValue: true } }] } } },
            { key: 'd' },
          ],
        },
      }),
    ).toEqual({ a: [1, 'x'], b: { c: true }, d: null })
    expect(otlpAnyValue({ arrayValue: {} })).toEqual([])
  })

  it('reads an empty or absent value as null', () => {
    expect(otlpAnyValue({})).toBeNull()
    expect(otlpAnyValue(undefined)).toBeNull()
  })
})

describe('normaliseId', () => {
  it('accepts hex (any case) and base64 of the right length', () => {
    expect(normaliseId('5B8EFFF798038103D269B633813FC60C', 16)).toBe('5b8efff798038103d269b633813fc60c')
    expect(normaliseId(Buffer.from('5b8efff798038103d269b633813fc60c', 'hex').toString('base64'), 16)).toBe('5b8efff798038103d269b633813fc60c')
    expect(normaliseId('EEE19B7EC3C1B174', 8)).toBe('eee19b7ec3c1b174')
    expect(normaliseId(Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64'), 8)).toBe('eee19b7ec3c1b174')
  })

  it('refuses the wrong length or alphabet', () => {
    expect(normaliseId('abc', 8)).toBeNull()
    expect(normaliseId('zz!!', 8)).toBeNull()
    expect(normaliseId('5b8efff798038103d269b633813fc60c', 8)).toBeNull()
  })
})

describe('unflatten', () => {
  it('rebuilds indexed keys and consumes them', () => {
    const attrs: Record<string, unknown> = { 'p.0.role': 'user', 'p.0.content': 'hi', 'p.1.role': 'assistant', 'p.x': 1, other: 2 }
    expect(unflatten(attrs, 'p', true)).toEqual([{ role: 'user', content: 'hi' }, { role: 'assistant' }])
    expect(attrs).toEqual({ 'p.x': 1, other: 2 })
    expect(unflatten(attrs, 'q', true)).toBeUndefined()
  })
})
