import { describe, expect, test } from 'vitest'
import { cellText, columnsOf, parseJsonl, serializeJsonl } from './jsonl'

describe('JSONL', () => {
  test('round-trips rows with id first', () => {
    const text = '{"id":"a","q":"hi","meta":{"x":[1,2]}}\n{"n":2,"id":"b"}\n'
    const { rows, problems } = parseJsonl(text)
    expect(problems).toEqual([])
    expect(rows.map((r) => r.id)).toEqual(['a', 'b'])
    expect(serializeJsonl(rows)).toBe('{"id":"a","q":"hi","meta":{"x":[1,2]}}\n{"id":"b","n":2}\n')
    expect(parseJsonl(serializeJsonl(rows)).rows).toEqual(rows)
  })

  test('reports bad lines with their numbers and skips blank ones', () => {
    const { rows, problems } = parseJsonl('{"id":"a"}\n\n{oops\n[1]\n{"id":"a"}\n{"x":1}')
    expect(rows).toHaveLength(1)
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6])
    expect(problems[2]!.message).toContain('repeats id')
  })

  test('lists columns id first and shows cells compactly', () => {
    expect(columnsOf([{ id: 'a', q: 1 }, { b: 2, id: 'b' }])).toEqual(['id', 'q', 'b'])
    expect(cellText({ a: [1, 2] })).toBe('{"a":[1,2]}')
    expect(cellText('x'.repeat(300), 10)).toBe('xxxxxxxxx…')
    expect(cellText(undefined)).toBe('')
    expect(cellText(null)).toBe('null')
  })
})
