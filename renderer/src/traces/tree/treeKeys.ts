/**
 * What a key does in the span tree, as a pure function of the tree's shape,
 * the shown rows and the current span, so the WAI-ARIA tree keyboard model is
 * testable apart from React.
 */
import { hasChildren, type TreeIndex } from './visibleRows'

/** The effect of a key: select a span, or collapse or expand one. */
export type TreeKeyAction = { select: number } | { collapse: number } | { expand: number }

/** What {@link treeKeyAction} reads. */
export interface TreeKeyContext {
  index: TreeIndex
  /** Shown span indexes, in order. */
  rows: Int32Array
  /** Span index → position among the shown rows, -1 when hidden. */
  positions: Int32Array
  /** The current span (shown), or -1 when none is selected. */
  current: number
  isCollapsed: (i: number) => boolean
  /** Rows in a page, for PageUp/PageDown. */
  pageRows: number
}

/**
 * Up/Down move, Left collapses or goes to the parent, Right expands or goes
 * to the first child, Home/End, PageUp/PageDown. Null: not a tree key.
 */
export function treeKeyAction(key: string, ctx: TreeKeyContext): TreeKeyAction | null {
  const { index, rows, positions, current } = ctx
  if (rows.length === 0) return null
  const at = (pos: number) => ({ select: rows[Math.max(0, Math.min(rows.length - 1, pos))]! })
  if (current < 0) return key === 'End' ? at(rows.length - 1) : ['ArrowDown', 'ArrowUp', 'Home', 'ArrowLeft', 'ArrowRight', 'PageDown', 'PageUp'].includes(key) ? at(0) : null
  const pos = positions[current]!
  switch (key) {
    case 'ArrowDown':
      return at(pos + 1)
    case 'ArrowUp':
      return at(pos - 1)
    case 'PageDown':
      return at(pos + ctx.pageRows)
    case 'PageUp':
      return at(pos - ctx.pageRows)
    case 'Home':
      return at(0)
    case 'End':
      return at(rows.length - 1)
    case 'ArrowLeft':
      if (hasChildren(index, current) && !ctx.isCollapsed(current)) return { collapse: current }
      return index.parents[current]! >= 0 ? { select: index.parents[current]! } : null
    case 'ArrowRight':
      if (!hasChildren(index, current)) return null
      return ctx.isCollapsed(current) ? { expand: current } : { select: current + 1 }
    default:
      return null
  }
}
