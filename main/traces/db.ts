/**
 * The trace database (issue 6): spans from every door land here, rolled up per
 * trace in the same transaction so the trace list never scans spans.
 */
import type Database from 'better-sqlite3'
import type { Span, SpanInput } from '../../common/schemas/span'
import { WeftError } from '../../common/errors'
import { validateSpans } from './validate'
import { indexTraceText } from './search'
import { openTraceFile } from './schema'
import { buildTree, type SpanNode, type SpanRow } from './tree'
import { Rollups } from './rollup'
import { factsOfRow, MetricRollups } from './metrics'
import { listTraces, toSummary, TRACE_COLUMNS, type TraceQuery, type TraceRow, type TraceSummary } from './query'

export type { TraceQuery, TraceSummary } from './query'
export type { SpanNode } from './tree'

/** Serialized inputs/outputs above this many characters go to `payloads`. */
export const PAYLOAD_THRESHOLD = 64 * 1024
/** Characters of inputs/output kept in the row for lists and text search. */
export const PREVIEW_CHARS = 500

/** A stored span with full inputs/output. */
export type StoredSpan = Span & { inputTokens: number; outputTokens: number }

/** Aggregates over traces started in a window. */
export interface TraceStats {
  count: number
  errors: number
  p50LatencyMs: number | null
  p95LatencyMs: number | null
  totalTokens: number
  costUsd: number
}

/** An open trace database. */
export interface TraceDb {
  /** The SQLite handle, for doors that keep their own tables in the same file (the Weave door's objects). */
  readonly sqlite: Database.Database
  /** Validates and stores a batch in one transaction; re-arrivals fill in what was missing. */
  insertSpans(spans: readonly SpanInput[]): void
  /** A trace's spans as a tree with subtree rollups, or undefined when unknown. */
  getTrace(traceId: string): { trace: TraceSummary; roots: SpanNode[] } | undefined
  /** Traces newest first, paginated by (start, trace id). */
  listTraces(query: TraceQuery): { traces: TraceSummary[]; nextCursor: string | null }
  /** One span of a trace with its full inputs/output. */
  getSpan(traceId: string, id: string): StoredSpan | undefined
  /** Counts, latency percentiles, tokens and cost of traces started in [fromMs, toMs). */
  stats(window: { fromMs: number; toMs: number }): TraceStats
  /** Renames a span (and its trace, when it names the trace); false when the span is unknown. */
  renameSpan(traceId: string, id: string, name: string): boolean
  /** Adds up to `limit` new or changed traces to the text index; returns how many (0: caught up). */
  indexText(limit: number): number
  /** How many traces are stored. */
  count(): number
  /** Closes the database. */
  close(): void
}

/** The `spans` columns in insert order. */
const SPAN_COLUMNS = [
  'trace_seq', 'id', 'trace_id', 'parent_id', 'name', 'kind', 'start_ms', 'end_ms', 'status', 'error', 'inputs', 'inputs_preview', 'inputs_external',
  'output', 'output_preview', 'output_external', 'attributes', 'usage', 'input_tokens', 'output_tokens', 'cost_usd', 'session_id',
] as const satisfies ReadonlyArray<keyof SpanRow>

/** A row's values in {@link SPAN_COLUMNS} order: positional binding is measurably faster than named. */
function spanValues(r: SpanRow): unknown[] {
  return [r.trace_seq, r.id, r.trace_id, r.parent_id, r.name, r.kind, r.start_ms, r.end_ms, r.status, r.error, r.inputs, r.inputs_preview, r.inputs_external,
    r.output, r.output_preview, r.output_external, r.attributes, r.usage, r.input_tokens, r.output_tokens, r.cost_usd, r.session_id]
}

/** Opens (creating and migrating) the trace database in `file`. */
export function openTraceDb(file: string): TraceDb {
  const db = openTraceFile(file)
  const s = {
    seq: db.prepare<[string], { seq: number }>('SELECT seq FROM traces WHERE trace_id = ?'),
    getRow: db.prepare<[number, string], SpanRow>('SELECT * FROM spans WHERE trace_seq = ? AND id = ?'),
    putRow: db.prepare(`INSERT OR REPLACE INTO spans (${SPAN_COLUMNS.join(', ')}) VALUES (${SPAN_COLUMNS.map(() => '?').join(', ')})`),
    addRow: db.prepare(`INSERT INTO spans (${SPAN_COLUMNS.join(', ')}) VALUES (${SPAN_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (trace_seq, id) DO NOTHING`),
    putPayload: db.prepare('INSERT OR REPLACE INTO payloads (trace_seq, span_id, field, json) VALUES (?, ?, ?, ?)'),
    getPayload: db.prepare<[number, string, string], { json: string }>('SELECT json FROM payloads WHERE trace_seq = ? AND span_id = ? AND field = ?'),
    trace: db.prepare<[string], TraceRow>(`SELECT ${TRACE_COLUMNS} FROM traces WHERE trace_id = ?`),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM traces'),
    rename: db.prepare('UPDATE spans SET name = ? WHERE trace_seq = ? AND id = ?'),
    renameTrace: db.prepare('UPDATE traces SET root_name = ? WHERE seq = ? AND root_span_id = ?'),
    traceSpans: db.prepare<[number], SpanRow>('SELECT * FROM spans WHERE trace_seq = ?'),
    latencies: db.prepare<[number, number], { latency_ms: number | null; errors: number; tokens: number; cost: number }>(
      'SELECT latency_ms, error_count > 0 AS errors, total_tokens AS tokens, cost_usd AS cost FROM traces WHERE start_ms >= ? AND start_ms < ?',
    ),
  }

  const rollups = new Rollups(db)
  const metrics = new MetricRollups(db)
  const insert = db.transaction((spans: Span[]) => {
    rollups.begin()
    metrics.reset()
    for (const span of spans) {
      // Most spans are new: try the insert first and read the stored row only on a re-arrival.
      const fresh = toRow(span, 0)
      const seq = (fresh.row.trace_seq = rollups.seqFor(fresh.row))
      if (s.addRow.run(spanValues(fresh.row)).changes === 1) {
        for (const [field, json] of fresh.payloads) s.putPayload.run(seq, span.id, field, json)
        rollups.add(undefined, fresh.row)
        metrics.addSpan(span, fresh.row.input_tokens, fresh.row.output_tokens)
        continue
      }
      const existing = s.getRow.get(seq, span.id)!
      const row = merge(existing, span)
      if (row.payloads.length === 0 && sameRow(existing, row.row)) continue
      s.putRow.run(spanValues(row.row))
      for (const [field, json] of row.payloads) s.putPayload.run(seq, span.id, field, json)
      rollups.add(existing, row.row)
      // Only a change that touches a finished span moves the metrics (most re-arrivals are a start, then its end).
      if (existing.end_ms !== null || row.row.end_ms !== null) metrics.add(factsOfRow(existing), factsOfRow(row.row))
    }
    rollups.flush()
    metrics.flush()
  })

  const rename = db.transaction((traceId: string, id: string, name: string) => {
    const seq = s.seq.get(traceId)?.seq
    const old = seq === undefined ? undefined : s.getRow.get(seq, id)
    if (seq === undefined || !old || s.rename.run(name, seq, id).changes === 0) return false
    s.renameTrace.run(name, seq, id)
    // The span's metrics move to its new op.
    metrics.reset()
    metrics.add(factsOfRow(old), factsOfRow({ ...old, name }))
    metrics.flush()
    return true
  })

  return {
    sqlite: db,
    insertSpans(input) {
      const spans = validate(input)
      try {
        // IMMEDIATE: take the write lock before reading, so another writer (a
        // second process, the CLI beside `weft serve`) makes this wait rather than fail.
        insert.immediate(spans)
      } catch (error) {
        rollups.reset()
        metrics.reset()
        throw error
      }
    },
    getTrace(traceId) {
      const trace = s.trace.get(traceId)
      if (!trace) return undefined
      return { trace: toSummary(trace), roots: buildTree(s.traceSpans.all(s.seq.get(traceId)!.seq)) }
    },
    listTraces(query) {
      return listTraces(db, query)
    },
    getSpan(traceId, id) {
      const seq = s.seq.get(traceId)?.seq
      const row = seq === undefined ? undefined : s.getRow.get(seq, id)
      if (!row) return undefined
      const field = (name: 'inputs' | 'output', inline: string | null, external: number): unknown => {
        const json = external ? s.getPayload.get(row.trace_seq, id, name)?.json : inline
        return json === null || json === undefined ? undefined : JSON.parse(json)
      }
      return {
        id: row.id, traceId: row.trace_id, parentId: row.parent_id, name: row.name, kind: row.kind as Span['kind'],
        startMs: row.start_ms, endMs: row.end_ms, status: row.status as Span['status'],
        error: row.error === null ? null : (JSON.parse(row.error) as Span['error']),
        inputs: field('inputs', row.inputs, row.inputs_external), output: field('output', row.output, row.output_external),
        attributes: JSON.parse(row.attributes) as Span['attributes'], usage: JSON.parse(row.usage) as Span['usage'],
        costUsd: row.cost_usd, sessionId: row.session_id, inputTokens: row.input_tokens, outputTokens: row.output_tokens,
      }
    },
    stats({ fromMs, toMs }) {
      const rows = s.latencies.all(fromMs, toMs)
      const latencies = rows.flatMap((r) => (r.latency_ms === null ? [] : [r.latency_ms])).sort((a, b) => a - b)
      return {
        count: rows.length,
        errors: rows.reduce((n, r) => n + r.errors, 0),
        p50LatencyMs: percentile(latencies, 0.5),
        p95LatencyMs: percentile(latencies, 0.95),
        totalTokens: rows.reduce((n, r) => n + r.tokens, 0),
        costUsd: rows.reduce((n, r) => n + r.cost, 0),
      }
    },
    count() {
      return s.count.get()!.n
    },
    indexText(limit) {
      return indexTraceText(db, limit)
    },
    renameSpan: (traceId, id, name) => rename.immediate(traceId, id, name),
    close() {
      db.close()
    },
  }
}

/** Parses the whole batch first so one bad span leaves nothing inserted. */
function validate(input: readonly SpanInput[]): Span[] {
  const { spans, issues } = validateSpans(input)
  if (issues.length > 0) {
    const first = issues[0]!
    throw new WeftError('INVALID_REQUEST', `Invalid span at ${first.path}: ${first.message}`, issues)
  }
  return spans
}

type RowValues = Omit<SpanRow, never>

/**
 * Serializes a value into inline JSON or an external payload. The preview
 * column holds the first characters of a long value; it is NULL when the
 * inline value is short enough to be its own preview (readers fall back to it).
 */
function store(value: unknown): { inline: string | null; preview: string | null; external: number; json: string | null } {
  const json = value === undefined ? null : JSON.stringify(value)
  if (json === null || json === undefined) return { inline: null, preview: null, external: 0, json: null }
  const external = json.length > PAYLOAD_THRESHOLD ? 1 : 0
  // A short inline value is its own preview: storing it twice would cost ingest speed and disk.
  return { inline: external ? null : json, preview: json.length > PREVIEW_CHARS ? json.slice(0, PREVIEW_CHARS) : null, external, json }
}

function toRow(span: Span, traceSeq: number): { row: RowValues; payloads: Array<[string, string]> } {
  const inputs = store(span.inputs)
  const output = store(span.output)
  const payloads: Array<[string, string]> = []
  if (inputs.external) payloads.push(['inputs', inputs.json!])
  if (output.external) payloads.push(['output', output.json!])
  const usage = Object.values(span.usage)
  return {
    row: {
      trace_seq: traceSeq, id: span.id, trace_id: span.traceId, parent_id: span.parentId, name: span.name, kind: span.kind,
      start_ms: span.startMs, end_ms: span.endMs, status: span.status, error: span.error ? JSON.stringify(span.error) : null,
      inputs: inputs.inline, inputs_preview: inputs.preview, inputs_external: inputs.external,
      output: output.inline, output_preview: output.preview, output_external: output.external,
      attributes: JSON.stringify(span.attributes), usage: JSON.stringify(span.usage),
      input_tokens: usage.reduce((n, u) => n + u.inputTokens, 0), output_tokens: usage.reduce((n, u) => n + u.outputTokens, 0),
      cost_usd: span.costUsd, session_id: span.sessionId,
    },
    payloads,
  }
}

/**
 * A re-arrival (start then end, or a retry) fills only what the stored row
 * lacks: the first recorded value wins, so identical replays change nothing.
 */
function merge(old: SpanRow, span: Span): { row: RowValues; payloads: Array<[string, string]> } {
  const fresh = toRow(span, old.trace_seq)
  const n = fresh.row
  const hasInputs = old.inputs !== null || old.inputs_external === 1
  const hasOutput = old.output !== null || old.output_external === 1
  const usageEmpty = old.usage === '{}'
  const row: RowValues = {
    ...old,
    // Weave learns an op is an LLM call only from its end (usage); 'other' is a guess a later arrival may correct.
    kind: old.kind === 'other' ? n.kind : old.kind,
    end_ms: old.end_ms ?? n.end_ms,
    status: old.status === 'running' ? n.status : old.status,
    error: old.error ?? n.error,
    inputs: hasInputs ? old.inputs : n.inputs,
    inputs_preview: hasInputs ? old.inputs_preview : n.inputs_preview,
    inputs_external: hasInputs ? old.inputs_external : n.inputs_external,
    output: hasOutput ? old.output : n.output,
    output_preview: hasOutput ? old.output_preview : n.output_preview,
    output_external: hasOutput ? old.output_external : n.output_external,
    // Attributes only accumulate: a later batch may add keys, never drop them.
    attributes: JSON.stringify({ ...(JSON.parse(n.attributes) as object), ...(JSON.parse(old.attributes) as object) }),
    usage: usageEmpty ? n.usage : old.usage,
    input_tokens: usageEmpty ? n.input_tokens : old.input_tokens,
    output_tokens: usageEmpty ? n.output_tokens : old.output_tokens,
    cost_usd: old.cost_usd ?? n.cost_usd,
    session_id: old.session_id ?? n.session_id,
  }
  const payloads = fresh.payloads.filter(([field]) => (field === 'inputs' ? !hasInputs : !hasOutput))
  return { row, payloads }
}

function sameRow(a: SpanRow, b: RowValues): boolean {
  return (Object.keys(b) as Array<keyof RowValues>).every((key) => a[key] === b[key])
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? sorted[0]!
}
