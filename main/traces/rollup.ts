/**
 * Per-trace rollups kept incrementally: each stored span contributes the
 * difference between its new and old row, so a trace fed one span per batch
 * costs O(1) per span instead of rescanning the trace (10,000 one-span
 * batches took ~12 s with a rescan).
 */
import type Database from 'better-sqlite3'
import { TRACE_COLUMNS, type TraceRow } from './query'
import type { SpanRow } from './tree'

/** A `traces` row with the bookkeeping columns rollups need. */
type RollupRow = TraceRow & { seq: number; root_parent_id: string | null; root_start_ms: number; running_count: number }

const COLUMNS = `${TRACE_COLUMNS}, seq, root_parent_id, root_start_ms, running_count`

/** Accumulates span changes for one transaction, then writes the touched traces. */
export class Rollups {
  private readonly getTrace
  private readonly putTrace
  private readonly pending = new Map<string, RollupRow>()
  private readonly columns: Array<keyof RollupRow>
  /** The last trace number handed out in this transaction (read again at each begin: other writers add traces too). */
  private lastSeq = 0
  private readonly maxSeq

  constructor(db: Database.Database) {
    this.getTrace = db.prepare<[string], RollupRow>(`SELECT ${COLUMNS} FROM traces WHERE trace_id = ?`)
    this.maxSeq = db.prepare<[], { n: number | null }>('SELECT MAX(seq) AS n FROM traces')
    // An upsert, not INSERT OR REPLACE: a replace deletes and re-inserts, touching every index twice.
    const names = COLUMNS.split(',').map((c) => c.trim())
    this.columns = names as Array<keyof RollupRow>
    // A changed trace goes back to the text indexer (search.ts): 1 = never indexed, 2 = indexed but stale.
    this.putTrace = db.prepare(`INSERT INTO traces (${names.join(', ')}, text_state) VALUES (${names.map(() => '?').join(', ')}, 1)
      ON CONFLICT (trace_id) DO UPDATE SET ${names.filter((n) => n !== 'trace_id').map((n) => `${n} = excluded.${n}`).join(', ')},
      text_state = CASE text_state WHEN 0 THEN 2 ELSE text_state END`)
  }

  /** Starts a batch; call first inside the write transaction. */
  begin(): void {
    this.pending.clear()
    this.lastSeq = this.maxSeq.get()!.n ?? 0
  }

  /** The number of the trace `row` belongs to, numbering a new trace; call before storing the span. */
  seqFor(row: Omit<SpanRow, 'trace_seq'>): number {
    return this.trace(row).seq
  }

  /** Folds one span's change (`old` undefined when it is new) into its trace. */
  add(old: SpanRow | undefined, row: SpanRow): void {
    const trace = this.trace(row)
    const running = (r: SpanRow | undefined) => (r && (r.status === 'running' || r.end_ms === null) ? 1 : 0)
    const errors = (r: SpanRow | undefined) => (r?.status === 'error' ? 1 : 0)
    trace.span_count += old ? 0 : 1
    trace.error_count += errors(row) - errors(old)
    trace.running_count += running(row) - running(old)
    trace.input_tokens += row.input_tokens - (old?.input_tokens ?? 0)
    trace.output_tokens += row.output_tokens - (old?.output_tokens ?? 0)
    trace.total_tokens = trace.input_tokens + trace.output_tokens
    trace.cost_usd += (row.cost_usd ?? 0) - (old?.cost_usd ?? 0)
    trace.start_ms = Math.min(trace.start_ms, row.start_ms)
    if (row.end_ms !== null) trace.end_ms = trace.end_ms === null ? row.end_ms : Math.max(trace.end_ms, row.end_ms)
    trace.session_id ??= row.session_id
    // The trace is named by its earliest parentless span; until one arrives
    // (children may come first) by its earliest span of any kind.
    const isRoot = row.parent_id === null
    const namerIsRoot = trace.root_parent_id === null
    const better = row.id === trace.root_span_id
      || (isRoot && (!namerIsRoot || row.start_ms < trace.root_start_ms))
      || (!isRoot && !namerIsRoot && row.start_ms < trace.root_start_ms)
    if (better) {
      trace.root_span_id = row.id
      trace.root_parent_id = row.parent_id
      trace.root_start_ms = row.start_ms
      trace.root_name = row.name
      trace.root_kind = row.kind
      // The trace keeps a real preview (a short span value is its own preview).
      trace.inputs_preview = row.inputs_preview ?? row.inputs
      trace.output_preview = row.output_preview ?? row.output
    }
    trace.status = trace.error_count > 0 ? 'error' : trace.running_count > 0 ? 'running' : 'ok'
    trace.latency_ms = trace.running_count === 0 && trace.end_ms !== null ? trace.end_ms - trace.start_ms : null
  }

  /** Writes every touched trace; call inside the span transaction. */
  flush(): void {
    for (const row of this.pending.values()) this.putTrace.run(this.columns.map((c) => row[c]))
    this.pending.clear()
  }

  /** Drops pending changes (the transaction rolled back). */
  reset(): void {
    this.pending.clear()
  }

  private trace(row: Omit<SpanRow, 'trace_seq'>): RollupRow {
    let trace = this.pending.get(row.trace_id)
    if (!trace) {
      trace = this.getTrace.get(row.trace_id) ?? this.empty(row)
      this.pending.set(row.trace_id, trace)
    }
    return trace
  }

  private empty(row: Omit<SpanRow, 'trace_seq'>): RollupRow {
    return {
      trace_id: row.trace_id, seq: ++this.lastSeq, root_span_id: row.id, root_parent_id: row.parent_id, root_start_ms: row.start_ms,
      root_name: row.name, root_kind: row.kind, start_ms: row.start_ms, end_ms: null, latency_ms: null, status: 'ok',
      span_count: 0, error_count: 0, running_count: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, cost_usd: 0,
      session_id: null, inputs_preview: row.inputs_preview ?? row.inputs, output_preview: row.output_preview ?? row.output,
    }
  }
}
