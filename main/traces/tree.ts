/**
 * Builds a trace's span tree with subtree rollups. Rollups are computed on
 * read rather than stored because a late child would otherwise force updates
 * up the whole ancestor chain on every insert.
 */

/** A span row as the database stores it (JSON columns still serialized). */
export interface SpanRow {
  /** The trace's arrival number (the storage key with id). */
  trace_seq: number
  id: string
  trace_id: string
  parent_id: string | null
  name: string
  kind: string
  start_ms: number
  end_ms: number | null
  status: string
  error: string | null
  inputs: string | null
  inputs_preview: string | null
  inputs_external: number
  output: string | null
  output_preview: string | null
  output_external: number
  attributes: string
  usage: string
  input_tokens: number
  output_tokens: number
  cost_usd: number | null
  session_id: string | null
}

/** One node of a trace tree, with its subtree's rollups. */
export interface SpanNode {
  id: string
  parentId: string | null
  name: string
  kind: string
  startMs: number
  endMs: number | null
  status: string
  error: { message: string; type?: string; stack?: string } | null
  inputsPreview: string | null
  outputPreview: string | null
  inputTokens: number
  outputTokens: number
  costUsd: number | null
  children: SpanNode[]
  /** Latest end minus earliest start over the subtree; null while nothing has ended. */
  subtreeLatencyMs: number | null
  subtreeTokens: number
  subtreeCostUsd: number
  subtreeErrorCount: number
}

/**
 * Links rows into trees, children sorted by start. Spans whose parent is not
 * (yet) in the trace become roots so an incomplete trace still shows them.
 */
export function buildTree(rows: readonly SpanRow[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>()
  for (const row of rows) nodes.set(row.id, toNode(row))
  const roots: SpanNode[] = []
  for (const node of nodes.values()) {
    const parent = node.parentId !== null && node.parentId !== node.id ? nodes.get(node.parentId) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  roots.sort(byStart)
  // Iterative post-order: a 10,000-deep chain would overflow a recursive walk.
  const order: SpanNode[] = []
  const stack = [...roots]
  while (stack.length > 0) {
    const node = stack.pop()!
    node.children.sort(byStart)
    order.push(node)
    for (const child of node.children) stack.push(child)
  }
  const minStart = new Map<SpanNode, number>()
  const maxEnd = new Map<SpanNode, number | null>()
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!
    let start = node.startMs
    let end = node.endMs
    for (const child of node.children) {
      start = Math.min(start, minStart.get(child)!)
      const childEnd = maxEnd.get(child)!
      if (childEnd !== null) end = end === null ? childEnd : Math.max(end, childEnd)
      node.subtreeTokens += child.subtreeTokens
      node.subtreeCostUsd += child.subtreeCostUsd
      node.subtreeErrorCount += child.subtreeErrorCount
    }
    minStart.set(node, start)
    maxEnd.set(node, end)
    node.subtreeLatencyMs = end === null ? null : end - start
  }
  return roots
}

function toNode(row: SpanRow): SpanNode {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    kind: row.kind,
    startMs: row.start_ms,
    endMs: row.end_ms,
    status: row.status,
    error: row.error === null ? null : (JSON.parse(row.error) as SpanNode['error']),
    // A short value is stored once, inline, and is its own preview.
    inputsPreview: row.inputs_preview ?? row.inputs,
    outputPreview: row.output_preview ?? row.output,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: row.cost_usd,
    children: [],
    subtreeLatencyMs: null,
    subtreeTokens: row.input_tokens + row.output_tokens,
    subtreeCostUsd: row.cost_usd ?? 0,
    subtreeErrorCount: row.status === 'error' ? 1 : 0,
  }
}

/**
 * A tree node as it travels: no nesting (a 10,000-deep chain must survive JSON
 * and IPC), its depth instead; and no previews — the span detail loads the
 * full payloads, and previews were most of a big trace's bytes.
 */
export type FlatSpanNode = Omit<SpanNode, 'children' | 'inputsPreview' | 'outputPreview'> & { depth: number; childCount: number }

/** The tree in pre-order (parents before children, siblings by start), each node with its depth. */
export function flattenTree(roots: readonly SpanNode[]): FlatSpanNode[] {
  const out: FlatSpanNode[] = []
  const stack: Array<{ node: SpanNode; depth: number }> = []
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ node: roots[i]!, depth: 0 })
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!
    const { children, inputsPreview: _inputs, outputPreview: _output, ...rest } = node
    out.push({ ...rest, depth, childCount: children.length })
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, depth: depth + 1 })
  }
  return out
}
