/**
 * Reading the trace list: the `traces` rollup rows, filtered and paginated by
 * (start, trace id) so pages stay stable while new traces arrive.
 */
import type Database from 'better-sqlite3'
import { WeftError } from '../../common/errors'

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
}

/** Filters for {@link TraceDb.listTraces}; all apply to the trace's root span and rollups. */
export interface TraceQuery {
  name?: string
  kind?: string
  status?: string
  fromMs?: number
  toMs?: number
  minLatencyMs?: number
  minCostUsd?: number
  text?: string
  limit: number
  cursor?: string
}


/** A `traces` row as SQLite returns it. */
export type TraceRow = { [K in keyof TraceSummary as SnakeKey<K & string>]: TraceSummary[K] } & { trace_id: string }
type SnakeKey<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeKey<T>}` : S

/** The `traces` columns, in insert order. */
export const TRACE_COLUMNS = `trace_id, root_span_id, root_name, root_kind, start_ms, end_ms, latency_ms, status, span_count, error_count,
  input_tokens, output_tokens, total_tokens, cost_usd, session_id, inputs_preview, output_preview`


/** A `traces` row in API form. */
export function toSummary(r: TraceRow): TraceSummary {
  return {
    traceId: r.trace_id, rootSpanId: r.root_span_id, rootName: r.root_name, rootKind: r.root_kind, startMs: r.start_ms,
    endMs: r.end_ms, latencyMs: r.latency_ms, status: r.status, spanCount: r.span_count, errorCount: r.error_count,
    inputTokens: r.input_tokens, outputTokens: r.output_tokens, totalTokens: r.total_tokens, costUsd: r.cost_usd,
    sessionId: r.session_id, inputsPreview: r.inputs_preview, outputPreview: r.output_preview,
  }
}

/** Traces newest first; the cursor is the last row's (start, trace id), opaque to callers. */
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
    add("(root_name LIKE @text ESCAPE '\\' OR inputs_preview LIKE @text ESCAPE '\\' OR output_preview LIKE @text ESCAPE '\\')",
      'text', `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
  }
  if (q.cursor) {
    const [start, id] = decodeCursor(q.cursor)
    where.push('(start_ms < @cStart OR (start_ms = @cStart AND trace_id < @cId))')
    params.cStart = start
    params.cId = id
  }
  const limit = Math.max(1, Math.min(1000, Math.floor(q.limit)))
  const sql = `SELECT ${TRACE_COLUMNS} FROM traces ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY start_ms DESC, trace_id DESC LIMIT ${limit + 1}`
  const rows = db.prepare<[Record<string, unknown>], TraceRow>(sql).all(params)
  const page = rows.slice(0, limit).map(toSummary)
  const last = page[page.length - 1]
  const nextCursor = rows.length > limit && last ? Buffer.from(JSON.stringify([last.startMs, last.traceId])).toString('base64url') : null
  return { traces: page, nextCursor }
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
