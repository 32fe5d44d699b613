import { describe, expect, test } from 'vitest'
import { initialWidths, nextSort, viewIndexes } from './gridModel'
import type { Row } from './jsonl'

const rows: Row[] = [
  { id: 'a', n: 10, tag: 'billing', text: 'Reset password' },
  { id: 'b', n: 2, tag: 'shipping', text: 'Where is my order' },
  { id: 'c', tag: 'billing', text: 'Refund please' },
  { id: 'd', n: 2, tag: 'Other', text: { nested: 'order' } },
]
const none = { search: '', filters: {}, sort: null }

describe('view', () => {
  test('sorts numbers numerically, missing values last in both directions, ties stable', () => {
    expect(viewIndexes(rows, { ...none, sort: { column: 'n', direction: 'asc' } })).toEqual([1, 3, 0, 2])
    expect(viewIndexes(rows, { ...none, sort: { column: 'n', direction: 'desc' } })).toEqual([0, 1, 3, 2])
    expect(viewIndexes(rows, { ...none, sort: { column: 'tag', direction: 'asc' } })).toEqual([0, 2, 3, 1])
  })

  test('searches whole rows (nested values too) case-insensitively', () => {
    expect(viewIndexes(rows, { ...none, search: 'ORDER' })).toEqual([1, 3])
  })

  test('filters by column and combines with search and sort', () => {
    expect(viewIndexes(rows, { ...none, filters: { tag: 'bill' } })).toEqual([0, 2])
    expect(viewIndexes(rows, { search: 're', filters: { tag: 'bill' }, sort: { column: 'id', direction: 'desc' } })).toEqual([2, 0])
  })

  test('a header click cycles ascending, descending, none', () => {
    const asc = nextSort(null, 'n')
    expect(asc).toEqual({ column: 'n', direction: 'asc' })
    expect(nextSort(asc, 'n')).toEqual({ column: 'n', direction: 'desc' })
    expect(nextSort({ column: 'n', direction: 'desc' }, 'n')).toBeNull()
    expect(nextSort(asc, 'tag')).toEqual({ column: 'tag', direction: 'asc' })
  })
})

describe('initial widths', () => {
  test('long text gets a wide column, short ids a narrow one', () => {
    const widths = initialWidths(rows, ['id', 'text', 'missing'])
    expect(widths.id).toBe(96)
    expect(widths.text!).toBeGreaterThan(120)
    expect(widths.missing).toBe(96)
  })
})
