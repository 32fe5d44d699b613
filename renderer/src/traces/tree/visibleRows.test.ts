import { describe, expect, test } from 'vitest'
import { ancestorIds, hiddenSummary, indexTree, nearestShown, rowPositions, visibleRows, type TreeNodeLike } from './visibleRows'

/** root ─ a ─ a1, a2 ; root ─ b ─ b1 ─ b1x ; c (a second root). */
const SPANS: TreeNodeLike[] = [
  { id: 'root', depth: 0, childCount: 2 },
  { id: 'a', depth: 1, childCount: 2 },
  { id: 'a1', depth: 2, childCount: 0 },
  { id: 'a2', depth: 2, childCount: 0 },
  { id: 'b', depth: 1, childCount: 1 },
  { id: 'b1', depth: 2, childCount: 1 },
  { id: 'b1x', depth: 3, childCount: 0 },
  { id: 'c', depth: 0, childCount: 0 },
]
const ids = (rows: Int32Array) => [...rows].map((i) => SPANS[i]!.id)

describe('indexTree', () => {
  test('subtree ends and parents from the pre-order list', () => {
    const index = indexTree(SPANS)
    expect([...index.ends]).toEqual([7, 4, 3, 4, 7, 7, 7, 8])
    expect([...index.parents]).toEqual([-1, 0, 1, 1, 0, 4, 5, -1])
    expect(index.indexOf.get('b1')).toBe(5)
  })
})

describe('visibleRows', () => {
  const index = indexTree(SPANS)
  test('everything is shown when nothing is collapsed', () => {
    expect(ids(visibleRows(SPANS, index, new Set()))).toEqual(SPANS.map((s) => s.id))
  })

  test('a collapsed span hides its whole subtree and nothing else', () => {
    expect(ids(visibleRows(SPANS, index, new Set(['a'])))).toEqual(['root', 'a', 'b', 'b1', 'b1x', 'c'])
    expect(ids(visibleRows(SPANS, index, new Set(['root'])))).toEqual(['root', 'c'])
  })

  test('nested collapse: a collapsed span inside a collapsed one stays collapsed when the outer opens', () => {
    const both = new Set(['b', 'b1'])
    expect(ids(visibleRows(SPANS, index, both))).toEqual(['root', 'a', 'a1', 'a2', 'b', 'c'])
    both.delete('b')
    expect(ids(visibleRows(SPANS, index, both))).toEqual(['root', 'a', 'a1', 'a2', 'b', 'b1', 'c'])
  })

  test('positions, nearest shown ancestor and ancestors', () => {
    const rows = visibleRows(SPANS, index, new Set(['b']))
    const positions = rowPositions(SPANS.length, rows)
    expect(positions[6]).toBe(-1)
    expect(nearestShown(index, positions, 6)).toBe(4)
    expect(ancestorIds(SPANS, index, 6)).toEqual(['b1', 'b', 'root'])
  })

  test('the collapsed-row summary counts hidden spans and the errors among them', () => {
    const index2 = indexTree(SPANS)
    expect(hiddenSummary(index2, 0, 3, true)).toEqual({ hidden: 6, errors: 2 })
    expect(hiddenSummary(index2, 4, 1, false)).toEqual({ hidden: 2, errors: 1 })
  })

  test('a 10,000-deep chain indexes, collapses and walks without overflowing the stack', () => {
    const chain: TreeNodeLike[] = Array.from({ length: 10_000 }, (_, i) => ({ id: `s${i}`, depth: i, childCount: i < 9_999 ? 1 : 0 }))
    const deep = indexTree(chain)
    expect(deep.ends[0]).toBe(10_000)
    expect(deep.parents[9_999]).toBe(9_998)
    expect(visibleRows(chain, deep, new Set()).length).toBe(10_000)
    expect(visibleRows(chain, deep, new Set(['s5000'])).length).toBe(5_001)
    expect(ancestorIds(chain, deep, 9_999).length).toBe(9_999)
    const positions = rowPositions(chain.length, visibleRows(chain, deep, new Set(['s0'])))
    expect(nearestShown(deep, positions, 9_999)).toBe(0)
  })
})
