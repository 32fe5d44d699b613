/**
 * Span metrics kept at ingest (issue 10) so a dashboard never scans spans:
 * per window (a minute up to a day), per (op = span name, kind, model), the count,
 * errors, a latency histogram, tokens and cost of the spans that started in
 * that window. A span counts once it has ended; each stored change adds its
 * new facts and takes back its old ones, so re-arrivals, duplicates and
 * running→finished updates never count twice. A batch is aggregated in memory
 * and each touched row is upserted once.
 */
import type Database from 'better-sqlite3'
import type { Span } from '../../common/schemas/span'
import type { SpanRow } from './tree'

/**
 * Window widths kept, in minutes: a pyramid, so a chart of any range reads a
 * few thousand rows at most (30 days in 6-hour buckets: 120 windows per key,
 * not 43,200 minutes). Each divides the next, and every bucket size a
 * dashboard draws is a multiple of the widths it reads.
 */
export const METRIC_WIDTHS = [1, 15, 60, 360, 1440] as const

/**
 * Latency histogram: bucket 0 holds latencies up to {@link HISTOGRAM_MIN_MS};
 * bucket i ≥ 1 holds (MIN·G^(i-1), MIN·G^i]. G = 1.04 puts every percentile
 * within 2% of the exact value (the bucket's geometric middle is reported).
 */
export const HISTOGRAM_MIN_MS = 0.1
const GROWTH = 1.04
const LOG_GROWTH = Math.log(GROWTH)
/** Buckets up to ~30 hours; longer latencies share the last one. */
export const HISTOGRAM_BUCKETS = 1 + Math.ceil(Math.log(30 * 3_600_000 / HISTOGRAM_MIN_MS) / LOG_GROWTH)

/** The histogram bucket of a latency. */
export function latencyBucket(ms: number): number {
  if (!(ms > HISTOGRAM_MIN_MS)) return 0
  return Math.min(HISTOGRAM_BUCKETS - 1, 1 + Math.floor(Math.log(ms / HISTOGRAM_MIN_MS) / LOG_GROWTH - 1e-9))
}

/** The latency a bucket stands for: its geometric middle (0 for the first). */
export function bucketLatency(bucket: number): number {
  if (bucket <= 0) return 0
  return HISTOGRAM_MIN_MS * Math.pow(GROWTH, bucket - 0.5)
}

/** Sparse histogram → BLOB: (bucket, count) pairs of little-endian int32 (a batch's change may take spans back), buckets ascending; empty buckets left out. */
export function encodeHistogram(counts: ReadonlyMap<number, number>): Buffer {
  const keys = [...counts.keys()].filter((k) => counts.get(k)! !== 0).sort((a, b) => a - b)
  const buf = Buffer.allocUnsafe(keys.length * 8)
  keys.forEach((k, i) => {
    buf.writeUInt32LE(k, i * 8)
    buf.writeInt32LE(counts.get(k)!, i * 8 + 4)
  })
  return buf
}

/** Adds a stored histogram into `into` (dense, one slot per bucket), `sign` times. */
export function addHistogram(into: Float64Array | Map<number, number>, blob: Uint8Array, sign = 1): void {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength)
  for (let o = 0; o + 8 <= blob.byteLength; o += 8) {
    const bucket = view.getUint32(o, true)
    const n = view.getInt32(o + 4, true) * sign
    if (into instanceof Map) into.set(bucket, (into.get(bucket) ?? 0) + n)
    else into[bucket]! += n
  }
}

/** The latency at quantile q (0..1) of a sparse histogram (bucket → count) holding `total` spans, or null when empty. */
export function sparseQuantile(hist: ReadonlyMap<number, number>, total: number, q: number): number | null {
  if (total <= 0) return null
  const rank = Math.max(1, Math.ceil(q * total))
  let seen = 0
  const buckets = [...hist.keys()].sort((a, b) => a - b)
  for (const bucket of buckets) {
    seen += hist.get(bucket)!
    if (seen >= rank) return bucketLatency(bucket)
  }
  return buckets.length ? bucketLatency(buckets[buckets.length - 1]!) : null
}

/** The latency at quantile q (0..1) of a dense histogram holding `total` spans, or null when empty. */
export function histogramQuantile(hist: Float64Array, total: number, q: number): number | null {
  if (total <= 0) return null
  const rank = Math.max(1, Math.ceil(q * total))
  let seen = 0
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!
    if (seen >= rank) return bucketLatency(i)
  }
  return bucketLatency(hist.length - 1)
}

/** Attributes naming a span's model when its usage does not (OpenTelemetry GenAI, OpenInference). */
const MODEL_ATTRIBUTES = ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name']

/**
 * The model a span is charted under: the usage key with the most tokens (the
 * OTLP door's "unknown" placeholder aside), else a model attribute, else ''
 * (none).
 */
export function spanModel(usage: Span['usage'], attributes: Record<string, unknown> | null): string {
  let best = ''
  let most = -1
  for (const model in usage) {
    if (model === 'unknown') continue
    const u = usage[model]!
    const tokens = u.inputTokens + u.outputTokens
    if (tokens > most) {
      best = model
      most = tokens
    }
  }
  if (best || !attributes) return best
  for (const key of MODEL_ATTRIBUTES) {
    const value = attributes[key]
    if (typeof value === 'string' && value !== '') return value.slice(0, 200)
  }
  return ''
}

/** What one finished span adds to its rows. */
export interface SpanFacts {
  startMs: number
  latencyMs: number
  op: string
  kind: string
  model: string
  error: boolean
  inputTokens: number
  outputTokens: number
  costUsd: number
}

/** A stored row's facts (parsing its usage, and its attributes only when usage names no model), or undefined while it runs. */
export function factsOfRow(row: Omit<SpanRow, 'trace_seq'>): SpanFacts | undefined {
  if (row.end_ms === null) return undefined
  const usage = JSON.parse(row.usage) as Span['usage']
  let model = spanModel(usage, null)
  if (!model) model = spanModel({}, JSON.parse(row.attributes) as Record<string, unknown>)
  return {
    startMs: row.start_ms, latencyMs: Math.max(0, row.end_ms - row.start_ms), op: row.name, kind: row.kind, model,
    error: row.status === 'error', inputTokens: row.input_tokens, outputTokens: row.output_tokens, costUsd: row.cost_usd ?? 0,
  }
}

/** A `span_metrics` row as SQLite returns it. */
export interface MetricRow {
  width: number
  minute: number
  op: string
  kind: string
  model: string
  count: number
  errors: number
  latency_ms: number
  histogram: Buffer
  input_tokens: number
  output_tokens: number
  cost_usd: number
}

interface Pending {
  op: string
  kind: string
  model: string
  count: number
  errors: number
  latencyMs: number
  histogram: Map<number, number>
  inputTokens: number
  outputTokens: number
  costUsd: number
}

const SEP = '\u0000'

const emptyPending = (op: string, kind: string, model: string): Pending =>
  ({ op, kind, model, count: 0, errors: 0, latencyMs: 0, histogram: new Map(), inputTokens: 0, outputTokens: 0, costUsd: 0 })

/**
 * Accumulates span changes for one write transaction, then updates each
 * touched row once. Only minutes are gathered per span (the hot path); the
 * wider windows are summed from them at flush.
 */
export class MetricRollups {
  /** minute → (op, kind, model) key → change. */
  private readonly minutes = new Map<number, Map<string, Pending>>()
  private readonly upsertRow
  private readonly removeEmpty

  constructor(db: Database.Database) {
    const key = 'width = ? AND minute = ? AND op = ? AND kind = ? AND model = ?'
    // One statement per touched row: the stored row absorbs the change, its histogram merged by weft_histogram_add.
    this.upsertRow = db.prepare(`INSERT INTO span_metrics (width, minute, op, kind, model, count, errors, latency_ms, histogram, input_tokens, output_tokens, cost_usd)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (width, minute, op, kind, model) DO UPDATE SET count = count + excluded.count, errors = errors + excluded.errors,
        latency_ms = latency_ms + excluded.latency_ms, histogram = weft_histogram_add(histogram, excluded.histogram),
        input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, cost_usd = cost_usd + excluded.cost_usd`)
    this.removeEmpty = db.prepare(`DELETE FROM span_metrics WHERE ${key} AND count <= 0`)
  }

  /** Adds a newly stored span (the common case, kept free of allocations beyond the batch's rows); ignored while it runs. */
  addSpan(span: Span, inputTokens: number, outputTokens: number): void {
    if (span.endMs === null) return
    this.fold(span.startMs, span.endMs - span.startMs, span.name, span.kind, spanModel(span.usage, span.attributes), span.status === 'error', inputTokens, outputTokens, span.costUsd ?? 0, 1)
  }

  /** Folds one stored change into the batch: takes back `old`'s facts and adds `next`'s (either may be undefined). */
  add(old: SpanFacts | undefined, next: SpanFacts | undefined): void {
    if (old) this.fold(old.startMs, old.latencyMs, old.op, old.kind, old.model, old.error, old.inputTokens, old.outputTokens, old.costUsd, -1)
    if (next) this.fold(next.startMs, next.latencyMs, next.op, next.kind, next.model, next.error, next.inputTokens, next.outputTokens, next.costUsd, 1)
  }

  /** Writes every touched row (minutes, then the wider windows summed from them); call inside the span transaction. */
  flush(): void {
    for (const width of METRIC_WIDTHS.slice(1)) {
      const wide = new Map<number, Map<string, Pending>>()
      for (const [minute, byKey] of this.minutes) {
        const start = minute - (minute % width)
        let keys = wide.get(start)
        if (!keys) wide.set(start, (keys = new Map()))
        for (const [key, p] of byKey) {
          let h = keys.get(key)
          if (!h) keys.set(key, (h = emptyPending(p.op, p.kind, p.model)))
          h.count += p.count
          h.errors += p.errors
          h.latencyMs += p.latencyMs
          for (const [bucket, n] of p.histogram) h.histogram.set(bucket, (h.histogram.get(bucket) ?? 0) + n)
          h.inputTokens += p.inputTokens
          h.outputTokens += p.outputTokens
          h.costUsd += p.costUsd
        }
      }
      for (const [start, byKey] of wide) for (const p of byKey.values()) this.write(width, start, p)
    }
    for (const [minute, byKey] of this.minutes) for (const p of byKey.values()) this.write(1, minute, p)
    this.minutes.clear()
  }

  /** Drops pending changes (the transaction rolled back, or a new one starts). */
  reset(): void {
    this.minutes.clear()
  }

  private write(width: number, minute: number, p: Pending): void {
    if (p.count === 0 && p.errors === 0 && p.latencyMs === 0 && p.inputTokens === 0 && p.outputTokens === 0 && p.costUsd === 0 && [...p.histogram.values()].every((n) => n === 0)) return
    this.upsertRow.run(width, minute, p.op, p.kind, p.model, p.count, p.errors, p.latencyMs, encodeHistogram(p.histogram), p.inputTokens, p.outputTokens, p.costUsd)
    // Spans taken back (a change moved them to another row) may leave this one empty.
    if (p.count < 0) this.removeEmpty.run(width, minute, p.op, p.kind, p.model)
  }

  private fold(startMs: number, latency: number, op: string, kind: string, model: string, error: boolean, inputTokens: number, outputTokens: number, costUsd: number, sign: number): void {
    const minute = Math.floor(startMs / 60_000)
    let byKey = this.minutes.get(minute)
    if (!byKey) this.minutes.set(minute, (byKey = new Map()))
    const key = op + SEP + kind + SEP + model
    let p = byKey.get(key)
    if (!p) byKey.set(key, (p = emptyPending(op, kind, model)))
    const ms = latency > 0 ? latency : 0
    const bucket = latencyBucket(ms)
    p.count += sign
    if (error) p.errors += sign
    p.latencyMs += sign * ms
    p.histogram.set(bucket, (p.histogram.get(bucket) ?? 0) + sign)
    p.inputTokens += sign * inputTokens
    p.outputTokens += sign * outputTokens
    p.costUsd += sign * costUsd
  }
}

/**
 * A stored histogram plus a change (empty buckets dropped). It runs for every
 * row a batch touches, where the stored side holds up to a few hundred
 * buckets and the change a few: each of the change's buckets is found by
 * binary search and the stored pairs between them are copied in bulk.
 */
export function mergeHistograms(stored: Uint8Array, change: Uint8Array): Buffer {
  const vs = new DataView(stored.buffer, stored.byteOffset, stored.byteLength)
  const vc = new DataView(change.buffer, change.byteOffset, change.byteLength)
  const out = Buffer.allocUnsafe(stored.byteLength + change.byteLength)
  const pairs = stored.byteLength >> 3
  let o = 0
  let from = 0
  for (let c = 0; c + 8 <= change.byteLength; c += 8) {
    const bucket = vc.getUint32(c, true)
    const n = vc.getInt32(c + 4, true)
    // The first stored pair at or after `bucket`.
    let lo = from
    let hi = pairs
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (vs.getUint32(mid * 8, true) < bucket) lo = mid + 1
      else hi = mid
    }
    out.set(stored.subarray(from * 8, lo * 8), o)
    o += (lo - from) * 8
    const sum = n + (lo < pairs && vs.getUint32(lo * 8, true) === bucket ? vs.getInt32(lo * 8 + 4, true) : 0)
    from = lo < pairs && vs.getUint32(lo * 8, true) === bucket ? lo + 1 : lo
    if (sum !== 0) {
      out.writeUInt32LE(bucket, o)
      out.writeInt32LE(sum, o + 4)
      o += 8
    }
  }
  out.set(stored.subarray(from * 8), o)
  o += (pairs - from) * 8
  return out.subarray(0, o)
}

/**
 * SQL functions the metrics migration uses to fill `span_metrics` from spans
 * already stored, with the very code ingest uses: `weft_span_model(usage,
 * attributes)` and the aggregates `weft_latency_histogram(latency_ms)` and
 * `weft_histogram_sum(histogram)`; and
 * `weft_histogram_add(a, b)`, with which ingest merges a batch into a row.
 */
export function registerMetricFunctions(db: Database.Database): void {
  db.function('weft_histogram_add', { deterministic: true }, (a: unknown, b: unknown) => mergeHistograms(a as Uint8Array, b as Uint8Array))
  db.aggregate('weft_histogram_sum', {
    start: () => new Map<number, number>(),
    step: (counts: Map<number, number>, blob: unknown) => addHistogram(counts, blob as Uint8Array),
    result: (counts: Map<number, number>) => encodeHistogram(counts),
  })
  db.function('weft_span_model', { deterministic: true }, (usage: unknown, attributes: unknown) => {
    const model = spanModel(JSON.parse(String(usage)) as Span['usage'], null)
    return model || (typeof attributes === 'string' ? spanModel({}, JSON.parse(attributes) as Record<string, unknown>) : '')
  })
  db.aggregate('weft_latency_histogram', {
    start: () => new Map<number, number>(),
    step: (counts: Map<number, number>, latency: unknown) => {
      const bucket = latencyBucket(Number(latency))
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1)
    },
    result: (counts: Map<number, number>) => encodeHistogram(counts),
  })
}
