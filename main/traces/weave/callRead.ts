/**
 * Weave calls read back (`/call/read`, `/calls/stream_query`): `weave_calls`
 * finds them, their spans hold the payloads, and the Weave-only fields come
 * from the `weave.*` span attributes the ingest added.
 */
import type { TraceDb } from '../db'
import { callStatements, opShortName, type CallRow } from './calls'
import { evaluate, getField } from './expr'
import { feedbackForSpan } from './feedback'
import type { CallsQuery } from './schemas'

/** A call as Weave's `CallSchema`. */
export interface WeaveCall {
  id: string
  project_id: string
  op_name: string
  display_name: string | null
  trace_id: string
  parent_id: string | null
  started_at: string
  ended_at: string | null
  exception: string | null
  attributes: Record<string, unknown>
  inputs: unknown
  output: unknown
  summary: Record<string, unknown>
  wb_user_id: string | null
  wb_run_id: string | null
  deleted_at: null
}

/** One call, or undefined when unknown (or only its end has arrived). */
export function readCall(traces: TraceDb, id: string, options: { includeFeedback?: boolean } = {}): WeaveCall | undefined {
  const row = callStatements(traces.sqlite).get.get(id)
  return row && row.started_ms !== null ? toCall(traces, row, options.includeFeedback ?? false) : undefined
}

/** The calls a query matches, in order, paginated. */
export function queryCalls(traces: TraceDb, query: CallsQuery): WeaveCall[] {
  const f = query.filter ?? {}
  const where = ['project_id = ?', 'started_ms IS NOT NULL']
  const args: unknown[] = [query.project_id]
  const inList = (column: string, values: readonly string[] | null | undefined) => {
    if (!values) return
    where.push(values.length === 0 ? '0' : `${column} IN (${values.map(() => '?').join(', ')})`)
    args.push(...values)
  }
  inList('id', f.call_ids)
  inList('trace_id', f.trace_ids)
  inList('parent_id', f.parent_ids)
  if (f.trace_roots_only) where.push('parent_id IS NULL')
  if (f.op_names) {
    // `…/op/name:*` matches every version of an op.
    const exact = f.op_names.filter((n) => !n.endsWith(':*'))
    const prefixes = f.op_names.filter((n) => n.endsWith(':*')).map((n) => n.slice(0, -1))
    const parts = [
      ...(exact.length ? [`op_name IN (${exact.map(() => '?').join(', ')})`] : []),
      ...prefixes.map(() => "substr(op_name, 1, length(?)) = ?"),
    ]
    where.push(parts.length ? `(${parts.join(' OR ')})` : '0')
    args.push(...exact, ...prefixes.flatMap((p) => [p, p]))
  }
  const refs = (values: readonly string[] | null | undefined) => (values && values.length ? new Set(values) : undefined)
  const inputRefs = refs(f.input_refs)
  const outputRefs = refs(f.output_refs)
  const userIds = refs(f.wb_user_ids)
  const runIds = refs(f.wb_run_ids)
  const sorted = (query.sort_by ?? []).filter((s) => s.field !== 'started_at' || s.direction !== 'asc')
  const inMemory = Boolean(query.query || inputRefs || outputRefs || userIds || runIds || sorted.length)
  const offset = query.offset ?? 0
  const limit = query.limit ?? Infinity
  const sql = `SELECT * FROM weave_calls WHERE ${where.join(' AND ')} ORDER BY started_ms ASC, id ASC`
  const includeFeedback = query.include_feedback ?? false
  if (!inMemory) {
    const rows = traces.sqlite.prepare<unknown[], CallRow>(`${sql} LIMIT ? OFFSET ?`).all(...args, Number.isFinite(limit) ? limit : -1, offset)
    return rows.flatMap((row) => toCall(traces, row, includeFeedback) ?? [])
  }
  const matches: WeaveCall[] = []
  for (const row of traces.sqlite.prepare<unknown[], CallRow>(sql).iterate(...args)) {
    const call = toCall(traces, row, includeFeedback)
    if (!call) continue
    if (inputRefs && !mentions(call.inputs, inputRefs)) continue
    if (outputRefs && !mentions(call.output, outputRefs)) continue
    if (userIds && !userIds.has(call.wb_user_id ?? '')) continue
    if (runIds && !runIds.has(call.wb_run_id ?? '')) continue
    if (query.query && !evaluate(query.query.$expr, call)) continue
    matches.push(call)
    if (!sorted.length && matches.length >= offset + limit) break
  }
  if (query.sort_by?.length) matches.sort(compareBy(query.sort_by))
  return matches.slice(offset, offset + limit)
}

function compareBy(sortBy: ReadonlyArray<{ field: string; direction: 'asc' | 'desc' }>) {
  return (a: WeaveCall, b: WeaveCall): number => {
    for (const { field, direction } of sortBy) {
      const x = getField(a, field) as number | string | null | undefined
      const y = getField(b, field) as number | string | null | undefined
      if (x === y) continue
      // Missing values sort last either way, as in the real server.
      if (x === undefined || x === null) return 1
      if (y === undefined || y === null) return -1
      const order = x < y ? -1 : 1
      return direction === 'desc' ? -order : order
    }
    return 0
  }
}

/** True when `value` holds one of `refs` as a string anywhere inside. */
function mentions(value: unknown, refs: ReadonlySet<string>): boolean {
  if (typeof value === 'string') return refs.has(value)
  if (Array.isArray(value)) return value.some((v) => mentions(v, refs))
  if (typeof value === 'object' && value !== null) return Object.values(value).some((v) => mentions(v, refs))
  return false
}

function toCall(traces: TraceDb, row: CallRow, includeFeedback: boolean): WeaveCall | undefined {
  const span = row.trace_id ? traces.getSpan(row.trace_id, row.id) : undefined
  if (!span) return undefined
  const attrs = span.attributes
  const own = Object.fromEntries(Object.entries(attrs).filter(([key]) => !key.startsWith('weave.')))
  const opName = typeof attrs['weave.op_name'] === 'string' ? attrs['weave.op_name'] : (row.op_name ?? span.name)
  const displayName = row.display_name ?? (typeof attrs['weave.display_name'] === 'string' ? attrs['weave.display_name'] : null)
  const exception = typeof attrs['weave.exception'] === 'string' ? attrs['weave.exception'] : (span.error?.message ?? null)
  const ended = span.endMs !== null
  const summary = { ...((attrs['weave.summary'] as Record<string, unknown> | undefined) ?? {}) }
  const weave: Record<string, unknown> = {
    status: exception ? 'error' : ended ? 'success' : 'running',
    trace_name: opShortName(opName),
    latency_ms: ended ? Math.round(span.endMs! - span.startMs) : null,
  }
  if (displayName) weave.display_name = displayName
  if (includeFeedback) weave.feedback = feedbackForSpan(traces.sqlite, row.id)
  summary.weave = weave
  const text = (key: string) => (typeof attrs[key] === 'string' ? (attrs[key] as string) : null)
  return {
    id: row.id,
    project_id: row.project_id,
    op_name: opName,
    display_name: displayName,
    trace_id: span.traceId,
    parent_id: span.parentId,
    started_at: new Date(span.startMs).toISOString(),
    ended_at: ended ? new Date(span.endMs!).toISOString() : null,
    exception,
    attributes: own,
    inputs: span.inputs ?? {},
    output: span.output ?? null,
    summary,
    wb_user_id: text('weave.wb_user_id'),
    wb_run_id: text('weave.wb_run_id'),
    deleted_at: null,
  }
}
