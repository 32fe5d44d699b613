/**
 * The shape of a trace tree held as flat arrays over its pre-order span list,
 * so that collapsing, expanding and walking never recurse: traces with
 * 10,000-deep call chains exist, and a recursive walk would overflow the stack.
 */

/** The fields of a span this module reads (a `TraceNode` has them all). */
export interface TreeNodeLike {
  id: string
  depth: number
  childCount: number
}

/** Subtree ranges and parents of a pre-order list, computed once per trace. */
export interface TreeIndex {
  /** `ends[i]`: one past the last descendant of span i (its subtree is `[i, ends[i])`). */
  ends: Int32Array
  /** `parents[i]`: index of span i's parent, or -1 for a root. */
  parents: Int32Array
  /** Span id → its index in the list. */
  indexOf: Map<string, number>
}

/**
 * Subtree ends and parents in one O(n) pass with an explicit stack. Depth
 * rather than childCount delimits subtrees: a child whose span has not arrived
 * yet is counted by its parent but absent from the list.
 */
export function indexTree(spans: readonly TreeNodeLike[]): TreeIndex {
  const n = spans.length
  const ends = new Int32Array(n)
  const parents = new Int32Array(n)
  const indexOf = new Map<string, number>()
  const stack: number[] = []
  for (let i = 0; i < n; i++) {
    const depth = spans[i]!.depth
    while (stack.length > 0 && spans[stack[stack.length - 1]!]!.depth >= depth) ends[stack.pop()!] = i
    parents[i] = stack.length > 0 ? stack[stack.length - 1]! : -1
    stack.push(i)
    indexOf.set(spans[i]!.id, i)
  }
  while (stack.length > 0) ends[stack.pop()!] = n
  return { ends, parents, indexOf }
}

/** Whether span i has descendants in the list. */
export function hasChildren(index: TreeIndex, i: number): boolean {
  return index.ends[i]! > i + 1
}

/**
 * The span indexes shown, in order, given which span ids are collapsed: a
 * collapsed span is shown and its whole subtree skipped in one jump, so this is
 * O(shown rows + collapsed spans), never more than O(n).
 */
export function visibleRows(spans: readonly TreeNodeLike[], index: TreeIndex, collapsed: ReadonlySet<string>): Int32Array {
  const n = spans.length
  const out = new Int32Array(n)
  let count = 0
  let i = 0
  while (i < n) {
    out[count++] = i
    i = collapsed.size > 0 && collapsed.has(spans[i]!.id) ? index.ends[i]! : i + 1
  }
  return out.subarray(0, count)
}

/** `positions[spanIndex]`: where a span sits among the shown rows, or -1 when hidden. O(n). */
export function rowPositions(n: number, rows: Int32Array): Int32Array {
  const positions = new Int32Array(n).fill(-1)
  for (let p = 0; p < rows.length; p++) positions[rows[p]!] = p
  return positions
}

/** The nearest shown span at or above span i (itself when shown). */
export function nearestShown(index: TreeIndex, positions: Int32Array, i: number): number {
  let at = i
  while (at >= 0 && positions[at]! < 0) at = index.parents[at]!
  return at
}

/** The ids of span i's ancestors, nearest first (a loop: depth may be 10,000). */
export function ancestorIds(spans: readonly TreeNodeLike[], index: TreeIndex, i: number): string[] {
  const ids: string[] = []
  for (let at = index.parents[i]!; at >= 0; at = index.parents[at]!) ids.push(spans[at]!.id)
  return ids
}

/** What a collapsed row summarises: how many spans it hides and how many of them failed. */
export function hiddenSummary(index: TreeIndex, i: number, subtreeErrorCount: number, ownError: boolean): { hidden: number; errors: number } {
  return { hidden: index.ends[i]! - i - 1, errors: Math.max(0, subtreeErrorCount - (ownError ? 1 : 0)) }
}
