/**
 * The dashboard's numbers, read from the metric rollups (never from spans):
 * per bucket and per group (op, model, or everything; the top N apart, the
 * rest as "other") count, errors, latency percentiles from the merged
 * histograms, tokens and cost; and the online scorers' results per bucket.
 * Each bucket reads the widest rollup windows that fit in it (a day, 6 hours,
 * an hour, 15 minutes), with narrower ones at the ragged edges of the range.
 */
import type Database from 'better-sqlite3'
import type { z } from 'zod'
import { autoBucketMs, type MetricGroupSchema, type MetricTotalsSchema, type MonitorOpsSchema, type MonitorQuerySchema, type MonitorResultSchema, type ScoreSeriesSchema } from '../../common/schemas/monitor'
import { addHistogram, METRIC_WIDTHS, sparseQuantile } from '../traces/metrics'

type Query = z.output<typeof MonitorQuerySchema>
type Result = z.output<typeof MonitorResultSchema>
type Group = z.output<typeof MetricGroupSchema>
type Totals = z.output<typeof MetricTotalsSchema>

interface Row {
  minute: number
  op: string
  model: string
  count: number
  errors: number
  latency_ms: number
  histogram: Buffer
  input_tokens: number
  output_tokens: number
  cost_usd: number
}

/** Sums of one group in one bucket (or over the range). */
class Acc {
  count = 0
  errors = 0
  latencyMs = 0
  inputTokens = 0
  outputTokens = 0
  costUsd = 0
  /** Sparse (bucket → count): a dashboard has up to 2,000 buckets × 21 groups of these, each with a few dozen buckets used. */
  readonly hist = new Map<number, number>()

  add(r: Row): void {
    this.count += r.count
    this.errors += r.errors
    this.latencyMs += r.latency_ms
    this.inputTokens += r.input_tokens
    this.outputTokens += r.output_tokens
    this.costUsd += r.cost_usd
    addHistogram(this.hist, r.histogram)
  }

  quantile(q: number): number | null {
    return sparseQuantile(this.hist, this.count, q)
  }

  totals(): Totals {
    return {
      count: this.count, errors: this.errors, errorRate: this.count ? this.errors / this.count : null, meanMs: this.count ? this.latencyMs / this.count : null,
      p50Ms: this.quantile(0.5), p95Ms: this.quantile(0.95), p99Ms: this.quantile(0.99),
      inputTokens: this.inputTokens, outputTokens: this.outputTokens, costUsd: this.costUsd,
    }
  }
}

const MINUTE = 60_000

/**
 * The windows to read for [fromMin, toMin): the widest stored width that
 * divides the bucket covers the aligned middle, narrower ones the ragged
 * edges, minutes what is left — each span counted once.
 */
export function windowsToRead(fromMin: number, toMin: number, bucketMin: number): Array<{ width: number; from: number; to: number }> {
  const widths = [...METRIC_WIDTHS].filter((w) => w <= bucketMin && bucketMin % w === 0).sort((a, b) => b - a)
  const out: Array<{ width: number; from: number; to: number }> = []
  const cover = (lo: number, hi: number, i: number): void => {
    if (lo >= hi) return
    const w = widths[i]!
    if (w === 1) return void out.push({ width: 1, from: lo, to: hi })
    const a = Math.ceil(lo / w) * w
    const b = Math.floor(hi / w) * w
    if (a >= b) return cover(lo, hi, i + 1)
    out.push({ width: w, from: a, to: b })
    cover(lo, a, i + 1)
    cover(b, hi, i + 1)
  }
  cover(fromMin, toMin, 0)
  return out
}

/** Rollup rows for spans started in [fromMs, toMs) with the filters, from the widest windows the bucket size allows. */
function readRows(db: Database.Database, q: Pick<Query, 'fromMs' | 'toMs' | 'op' | 'model' | 'kind'>, bucketMs: number): Row[] {
  const where: string[] = []
  const params: unknown[] = []
  for (const column of ['op', 'model', 'kind'] as const) {
    if (q[column] === undefined) continue
    where.push(`${column} = ?`)
    params.push(q[column])
  }
  const stmt = db.prepare<unknown[], Row>(`SELECT minute, op, model, count, errors, latency_ms, histogram, input_tokens, output_tokens, cost_usd FROM span_metrics
    WHERE width = ? AND minute >= ? AND minute < ?${where.map((w) => ` AND ${w}`).join('')}`)
  const rows: Row[] = []
  for (const w of windowsToRead(Math.floor(q.fromMs / MINUTE), Math.ceil(q.toMs / MINUTE), Math.max(1, Math.round(bucketMs / MINUTE)))) {
    for (const row of stmt.iterate(w.width, w.from, w.to, ...params)) rows.push(row)
  }
  return rows
}

/** Dashboard series for a validated `monitor.query` request. */
export function queryMetrics(db: Database.Database, q: Query): Result {
  const bucketMs = q.bucketMs ?? autoBucketMs(q.toMs - q.fromMs)
  const firstBucket = Math.floor(q.fromMs / bucketMs) * bucketMs
  const buckets = Math.max(1, Math.ceil((q.toMs - firstBucket) / bucketMs))
  const timestamps = Array.from({ length: buckets }, (_, i) => firstBucket + i * bucketMs)
  const rows = readRows(db, q, bucketMs)

  // Top groups by volume; the rest become "other".
  const keyOf = q.groupBy === 'op' ? (r: Row) => r.op : q.groupBy === 'model' ? (r: Row) => r.model : () => ''
  const volume = new Map<string, number>()
  for (const r of rows) volume.set(keyOf(r), (volume.get(keyOf(r)) ?? 0) + r.count)
  const ranked = [...volume.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k)
  const top = q.groupBy === 'none' ? [''] : ranked.slice(0, q.top)
  const slot = new Map(top.map((k, i) => [k, i]))
  const hasOther = q.groupBy !== 'none' && ranked.length > top.length
  const groupCount = top.length + (hasOther ? 1 : 0)

  const cells: Array<Array<Acc | undefined>> = Array.from({ length: groupCount }, () => new Array<Acc | undefined>(buckets))
  const totals = Array.from({ length: groupCount }, () => new Acc())
  const all = new Acc()
  for (const r of rows) {
    const g = slot.get(keyOf(r)) ?? top.length
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((r.minute * MINUTE - firstBucket) / bucketMs)))
    ;(cells[g]![b] ??= new Acc()).add(r)
    totals[g]!.add(r)
    all.add(r)
  }

  const groups: Group[] = cells.map((row, g) => {
    const other = g >= top.length
    const key = other || q.groupBy === 'none' ? null : top[g]!
    const label = other ? 'other' : q.groupBy === 'none' ? 'all spans' : key === '' ? (q.groupBy === 'model' ? 'no model' : '(unnamed)') : key!
    const pick = (f: (a: Acc) => number) => timestamps.map((_, b) => (row[b] ? f(row[b]) : 0))
    const pickNull = (f: (a: Acc) => number | null) => timestamps.map((_, b) => (row[b] && row[b].count > 0 ? f(row[b]) : null))
    return {
      key, label, other,
      series: {
        count: pick((a) => a.count), errors: pick((a) => a.errors), errorRate: pickNull((a) => a.errors / a.count),
        p50Ms: pickNull((a) => a.quantile(0.5)), p95Ms: pickNull((a) => a.quantile(0.95)), p99Ms: pickNull((a) => a.quantile(0.99)),
        inputTokens: pick((a) => a.inputTokens), outputTokens: pick((a) => a.outputTokens), costUsd: pick((a) => a.costUsd),
      },
      totals: totals[g]!.totals(),
    }
  })
  // With nothing stored, an empty group list says so (rather than one line of zeros).
  const shown = rows.length === 0 ? [] : groups
  return { fromMs: q.fromMs, toMs: q.toMs, bucketMs, timestamps, groupBy: q.groupBy, groups: shown, total: all.totals(), scores: queryScores(db, q.fromMs, q.toMs, firstBucket, bucketMs, buckets) }
}

/** SQL: when an online score counts, the scored span's start (else when it was written); the index feedback_online covers it. */
const SCORE_TIME = "coalesce(json_extract(payload, '$.spanStartMs'), created_ms)"
const SCORE_VALUE = "(CASE WHEN json_valid(value) AND json_type(value) IN ('integer', 'real', 'true', 'false') THEN json_extract(value, '$') END)"

/** Online scorers' mean, pass rate and count per bucket, by score name (`<rule>/<scorer>`). */
export function queryScores(db: Database.Database, fromMs: number, toMs: number, firstBucket: number, bucketMs: number, buckets: number): Array<z.output<typeof ScoreSeriesSchema>> {
  const rows = db
    .prepare<[number, number, number, number], { name: string; b: number; n: number; scored: number; total: number | null; passed: number | null; judged: number }>(
      `SELECT coalesce(name, type) AS name, CAST((${SCORE_TIME} - ?) / ? AS INTEGER) AS b, COUNT(*) AS n,
         COUNT(${SCORE_VALUE}) AS scored, SUM(${SCORE_VALUE}) AS total,
         SUM(json_extract(payload, '$.pass') = 1) AS passed, COUNT(json_extract(payload, '$.pass')) AS judged
       FROM feedback WHERE source = 'online' AND ${SCORE_TIME} >= ? AND ${SCORE_TIME} < ?
       GROUP BY 1, 2 ORDER BY 1, 2`,
    )
    .all(firstBucket, bucketMs, fromMs, toMs)
  const byName = new Map<string, { mean: Array<number | null>; passRate: Array<number | null>; count: number[]; n: number; scored: number; total: number; passed: number; judged: number }>()
  for (const r of rows) {
    let s = byName.get(r.name)
    if (!s) byName.set(r.name, (s = { mean: new Array(buckets).fill(null), passRate: new Array(buckets).fill(null), count: new Array(buckets).fill(0), n: 0, scored: 0, total: 0, passed: 0, judged: 0 }))
    const b = Math.min(buckets - 1, Math.max(0, r.b))
    s.count[b] = r.n
    s.mean[b] = r.scored ? (r.total ?? 0) / r.scored : null
    s.passRate[b] = r.judged ? (r.passed ?? 0) / r.judged : null
    s.n += r.n
    s.scored += r.scored
    s.total += r.total ?? 0
    s.passed += r.passed ?? 0
    s.judged += r.judged
  }
  return [...byName.entries()].map(([name, s]) => ({
    name, mean: s.mean, passRate: s.passRate, count: s.count,
    totals: { count: s.n, mean: s.scored ? s.total / s.scored : null, passRate: s.judged ? s.passed / s.judged : null },
  }))
}

/** Ops, models and kinds seen (optionally since `fromMs`), busiest first, and the online score names, for pickers. */
export function listMonitorOps(db: Database.Database, fromMs = 0): z.output<typeof MonitorOpsSchema> {
  const rows = db
    .prepare<[number], { op: string; kind: string; model: string; n: number }>('SELECT op, kind, model, SUM(count) AS n FROM span_metrics WHERE width = 1440 AND minute >= ? GROUP BY op, kind, model')
    .all(Math.floor(fromMs / MINUTE / 1440) * 1440)
  const sum = (key: 'op' | 'model') => {
    const m = new Map<string, number>()
    for (const r of rows) m.set(r[key], (m.get(r[key]) ?? 0) + r.n)
    return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name, count]) => ({ name, count }))
  }
  const scores = db.prepare<[], { name: string }>("SELECT DISTINCT coalesce(name, type) AS name FROM feedback WHERE source = 'online' ORDER BY 1").all()
  return { ops: sum('op'), models: sum('model'), kinds: [...new Set(rows.map((r) => r.kind))].sort(), scores: scores.map((s) => s.name) }
}
