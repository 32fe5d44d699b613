import { describe, expect, test } from 'vitest'
import { treeKeyAction, type TreeKeyContext } from './treeKeys'
import { indexTree, rowPositions, visibleRows, type TreeNodeLike } from './visibleRows'

/** r ─ a ─ a1 ; r ─ b. */
const SPANS: TreeNodeLike[] = [
  { id: 'r', depth: 0, childCount: 2 },
  { id: 'a', depth: 1, childCount: 1 },
  { id: 'a1', depth: 2, childCount: 0 },
  { id: 'b', depth: 1, childCount: 0 },
]

function context(current: number, collapsed: string[] = []): TreeKeyContext {
  const index = indexTree(SPANS)
  const set = new Set(collapsed)
  const rows = visibleRows(SPANS, index, set)
  return { index, rows, positions: rowPositions(SPANS.length, rows), current, pageRows: 2, isCollapsed: (i) => set.has(SPANS[i]!.id) }
}

describe('treeKeyAction', () => {
  test('with nothing selected, movement keys start at the first row and End at the last', () => {
    expect(treeKeyAction('ArrowDown', context(-1))).toEqual({ select: 0 })
    expect(treeKeyAction('End', context(-1))).toEqual({ select: 3 })
    expect(treeKeyAction('x', context(-1))).toBeNull()
  })

  test('up and down skip collapsed subtrees and stop at the ends', () => {
    expect(treeKeyAction('ArrowDown', context(1, ['a']))).toEqual({ select: 3 })
    expect(treeKeyAction('ArrowUp', context(3, ['a']))).toEqual({ select: 1 })
    expect(treeKeyAction('ArrowDown', context(3))).toEqual({ select: 3 })
    expect(treeKeyAction('ArrowUp', context(0))).toEqual({ select: 0 })
    expect(treeKeyAction('PageDown', context(0))).toEqual({ select: 2 })
  })

  test('left collapses an open parent, else goes to the parent; right expands, else enters', () => {
    expect(treeKeyAction('ArrowLeft', context(1))).toEqual({ collapse: 1 })
    expect(treeKeyAction('ArrowLeft', context(1, ['a']))).toEqual({ select: 0 })
    expect(treeKeyAction('ArrowLeft', context(2))).toEqual({ select: 1 })
    expect(treeKeyAction('ArrowLeft', context(0, ['r']))).toBeNull()
    expect(treeKeyAction('ArrowRight', context(1, ['a']))).toEqual({ expand: 1 })
    expect(treeKeyAction('ArrowRight', context(1))).toEqual({ select: 2 })
    expect(treeKeyAction('ArrowRight', context(3))).toBeNull()
  })
})
