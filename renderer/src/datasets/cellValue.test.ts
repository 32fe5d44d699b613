import { describe, expect, test } from 'vitest'
import { formatCell, modeOf, parseCell } from './cellValue'

describe('cell values', () => {
  test('strings edit as text, other values as JSON', () => {
    expect(modeOf('hi')).toBe('text')
    expect(modeOf({ a: 1 })).toBe('json')
    expect(formatCell('hi', 'text')).toBe('hi')
    expect(formatCell([1], 'json')).toBe('[\n  1\n]')
    expect(parseCell('{"a":1}', 'json')).toEqual({ value: { a: 1 } })
    expect(parseCell('{a', 'text')).toEqual({ value: '{a' })
    expect(parseCell('{a', 'json')).toHaveProperty('error')
  })
})
