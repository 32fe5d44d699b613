/**
 * Reading the trace list: the `traces` rollup rows, filtered and paginated by
 * (start, trace id) so pages stay stable while new traces arrive.
 */
import type Database from 'better-sqlite3'
import type { z } from 'zod'
import { WeftError } from '../../common/errors'
import type { TraceQuerySchema } from '../../common/schemas/trace'
import { feedbackFilterSql, NO_FEEDBACK, summarizeFeedback, type FeedbackSummary } from './feedback'
import { attributeFilter, textFilter } from './search'

/** One row of the trace list. */
export interface TraceSummary {
  traceId: string
  /** The span naming the trace: its earliest parentless span, or the earliest span until that arrives. */
  rootSpanId: string | null
  rootName: string
  rootKind: string
  startMs: number
  endMs: number | null
  latencyMs: number | null
  status: string
  spanCount: number
  errorCount: number
  inputTokens: number
  outputTokens: number
  totalTokens: number
  costUsd: number
  sessionId: string | null
  inputsPreview: string | null
  outputPreview: string | null
  /** Feedback on the trace's spans. */
  feedback: FeedbackSummary
}

/** Filters, sort and page for {@link TraceDb.listTraces}; filters apply to the trace's root span and rollups. */
export type TraceQuery = z.input<typeof TraceQuerySchema>

/** A `traces` row as SQLite returns it. */
export type TraceRow = { [K in keyof Omit<TraceSummary, 'feedback'> as SnakeKey<K & string>]: TraceSummary[K] } & { trace_id: string }
type SnakeKey<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeKey<T>}` : S

/** The `traces` columns, in insert order. */
export const TRACE_COLUMNS = `trace_id, root_span_id, root_name, root_kind, start_ms, end_ms, latency_ms, status, span_count, error_count,
  input_tokens, output_tokens, total_tokens, cost_usd, session_id, inputs_preview, output_preview`


/** A `traces` row in API form, with its feedback summary ({@link summarizeFeedback}) when it has any. */
export function toSummary(r: TraceRow, feedback: FeedbackSummary = NO_FEEDBACK): TraceSummary {
  return {
    traceId: r.trace_id, rootSpanId: r.root_span_id, rootName: r.root_name, rootKind: r.root_kind, startMs: r.start_ms,
    endMs: r.end_ms, latencyMs: r.latency_ms, status: r.status, spanCount: r.span_count, errorCount: r.error_count,
    inputTokens: r.input_tokens, outputTokens: r.output_tokens, totalTokens: r.total_tokens, costUsd: r.cost_usd,
    sessionId: r.session_id, inputsPreview: r.inputs_preview, outputPreview: r.output_preview, feedback,
  }
}

/** The column each sort orders by (nulls sort as -1 so running traces stay in the order). */
const SORT_COLUMNS = { start: 'start_ms', latency: 'COALESCE(latency_ms, -1)', cost: 'cost_usd', tokens: 'total_tokens' } as const

/** Traces in the chosen order; the cursor is the last row's (sort value, trace id), opaque to callers. */
export function listTraces(db: Database.Database, q: TraceQuery): { traces: TraceSummary[]; nextCursor: string | null } {
  const where: string[] = []
  const params: Record<string, unknown> = {}
  const add = (sql: string, key: string, value: unknown) => {
    if (value === undefined) return
    where.push(sql)
    params[key] = value
  }
  add('root_name = @name', 'name', q.name)
  add('root_kind = @kind', 'kind', q.kind)
  add('status = @status', 'status', q.status)
  add('start_ms >= @fromMs', 'fromMs', q.fromMs)
  add('start_ms < @toMs', 'toMs', q.toMs)
  add('latency_ms >= @minLatencyMs', 'minLatencyMs', q.minLatencyMs)
  add('cost_usd >= @minCostUsd', 'minCostUsd', q.minCostUsd)
  if (q.text) {
    const filter = textFilter(db, q.text)
    where.push(filter.sql)
    Object.assign(params, filter.params)
  }
  if (q.feedback) where.push(feedbackFilterSql(q.feedback))
  Object.entries(q.attributes ?? {}).forEach(([key, value], i) => {
    const filter = attributeFilter(db, key, value, i)
    where.push(filter.sql)
    Object.assign(params, filter.params)
  })
  const column = SORT_COLUMNS[q.sort ?? 'start']
  const desc = (q.order ?? 'desc') === 'desc'
  if (q.cursor) {
    const [value, id] = decodeCursor(q.cursor)
    const cmp = desc ? '<' : '>'
    where.push(`(${column} ${cmp} @cValue OR (${column} = @cValue AND trace_id ${cmp} @cId))`)
    params.cValue = value
    params.cId = id
  }
  const limit = Math.max(1, Math.min(1000, Math.floor(q.limit ?? 100)))
  const dir = desc ? 'DESC' : 'ASC'
  const sql = `SELECT ${TRACE_COLUMNS}, ${column} AS sort_value FROM traces ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${column} ${dir}, trace_id ${dir} LIMIT ${limit + 1}`
  const rows = db.prepare<[Record<string, unknown>], TraceRow & { sort_value: number }>(sql).all(params)
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  const nextCursor = rows.length > limit && last ? Buffer.from(JSON.stringify([last.sort_value, last.trace_id])).toString('base64url') : null
  // Feedback for this page only: one grouped query over its trace ids.
  const feedback = summarizeFeedback(db, page.map((r) => r.trace_id))
  return { traces: page.map((r) => toSummary(r, feedback.get(r.trace_id))), nextCursor }
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return [value[0], value[1]]
  } catch {
    // fall through to the error below
  }
  throw new WeftError('INVALID_REQUEST', 'Invalid cursor', [{ path: 'cursor', message: 'not a cursor from listTraces' }])
}
