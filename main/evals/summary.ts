/**
 * A run's numbers (issue 8): per scorer the mean, pass rate and a 95%
 * interval; latency p50/p95, tokens, cost and errors; and the comparison of
 * runs aligned by row id — per-scorer deltas (and whether they are beyond
 * noise), regressions, improvements, and rows whose output changed.
 */

/** One scored row of a run (one trial). */
export interface RowResult {
  rowId: string
  trial: number
  output: unknown
  /** Null when the target failed for this row. */
  error: string | null
  latencyMs: number | null
  tokens: number
  costUsd: number | null
  /** Per scorer; null when the target failed so nothing was scored. `reason` says why (a judge's words, a scorer's error). */
  scores: Record<string, { score: number; pass?: boolean; reason?: string } | null>
  /** The row's trace (target call, then scorer calls), when it was traced. */
  traceId?: string
}

/** Summary of one scorer over a run. */
export interface ScorerSummary {
  mean: number | null
  /** Share of scored rows with pass true (null when the scorer gives no pass). */
  passRate: number | null
  /** 95% interval of the mean (Wilson for pass rates, normal for other means). */
  low: number | null
  high: number | null
  scored: number
}

/** Summary of a run. */
export interface RunSummary {
  rows: number
  errors: number
  scorers: Record<string, ScorerSummary>
  latencyP50Ms: number | null
  latencyP95Ms: number | null
  tokens: number
  costUsd: number
  /** Rows that ran without an error and failed no scorer (the `overall` threshold), with a 95% interval. */
  overall: { passed: number; passRate: number | null; low: number | null; high: number | null }
}

/** The p-th quantile (nearest rank) of sorted numbers. */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

/** Wilson score interval for k successes in n trials, 95%. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1]
  const z = 1.959964
  const p = k / n
  const denominator = 1 + (z * z) / n
  const centre = (p + (z * z) / (2 * n)) / denominator
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator
  return [Math.max(0, centre - half), Math.min(1, centre + half)]
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

/** Summarises a run's rows. */
export function summarize(rows: readonly RowResult[]): RunSummary {
  const scorerIds = [...new Set(rows.flatMap((r) => Object.keys(r.scores)))]
  const scorers: Record<string, ScorerSummary> = {}
  for (const id of scorerIds) {
    const scored = rows.map((r) => r.scores[id]).filter((s): s is NonNullable<typeof s> => s !== null && s !== undefined)
    const n = scored.length
    const mean = n ? scored.reduce((t, s) => t + s.score, 0) / n : null
    const withPass = scored.filter((s) => s.pass !== undefined)
    const passes = withPass.filter((s) => s.pass).length
    const passRate = withPass.length ? passes / withPass.length : null
    let low: number | null = null
    let high: number | null = null
    if (passRate !== null) [low, high] = wilson(passes, withPass.length)
    else if (mean !== null && n > 1) {
      const sd = Math.sqrt(scored.reduce((t, s) => t + (s.score - mean) ** 2, 0) / (n - 1))
      const half = (1.959964 * sd) / Math.sqrt(n)
      ;[low, high] = [mean - half, mean + half]
    }
    scorers[id] = {
      mean: mean === null ? null : round(mean),
      passRate: passRate === null ? null : round(passRate),
      low: low === null ? null : round(low),
      high: high === null ? null : round(high),
      scored: n,
    }
  }
  const latencies = rows.flatMap((r) => (r.latencyMs === null ? [] : [r.latencyMs])).sort((a, b) => a - b)
  const passed = rows.filter((r) => r.error === null && Object.values(r.scores).every((s) => s !== null && s.pass !== false)).length
  const [low, high] = rows.length ? wilson(passed, rows.length) : [null, null]
  return {
    rows: rows.length,
    errors: rows.filter((r) => r.error !== null).length,
    scorers,
    latencyP50Ms: quantile(latencies, 0.5),
    latencyP95Ms: quantile(latencies, 0.95),
    tokens: rows.reduce((t, r) => t + r.tokens, 0),
    costUsd: round(rows.reduce((t, r) => t + (r.costUsd ?? 0), 0)),
    overall: { passed, passRate: rows.length ? round(passed / rows.length) : null, low: low === null ? null : round(low), high: high === null ? null : round(high) },
  }
}

/** How a scorer moved between a baseline and a candidate run. */
export interface ScorerDelta {
  baseline: number | null
  candidate: number | null
  delta: number | null
  /** The candidate's mean lies outside the baseline's 95% interval. */
  beyondNoise: boolean
}

/** Two runs compared row by row. */
export interface RunComparison {
  scorers: Record<string, ScorerDelta>
  /** Rows (by id) where a scorer went from pass to fail, or its score dropped. */
  regressions: Array<{ rowId: string; scorer: string; from: number; to: number }>
  improvements: Array<{ rowId: string; scorer: string; from: number; to: number }>
  /** Rows whose output differs (first trial of each). */
  changedOutputs: string[]
  /** Row ids in only one of the runs. */
  onlyInBaseline: string[]
  onlyInCandidate: string[]
}

/** The mean score of each row (over trials) for one scorer. */
function rowMeans(rows: readonly RowResult[], scorer: string): Map<string, number> {
  const sums = new Map<string, { total: number; n: number }>()
  for (const r of rows) {
    const s = r.scores[scorer]
    if (!s) continue
    const entry = sums.get(r.rowId) ?? { total: 0, n: 0 }
    entry.total += s.score
    entry.n++
    sums.set(r.rowId, entry)
  }
  return new Map([...sums].map(([id, { total, n }]) => [id, total / n]))
}

/** Compares a candidate run with a baseline, aligned by row id. */
export function compareRuns(baseline: readonly RowResult[], candidate: readonly RowResult[]): RunComparison {
  const a = summarize(baseline)
  const b = summarize(candidate)
  const scorers: Record<string, ScorerDelta> = {}
  for (const id of new Set([...Object.keys(a.scorers), ...Object.keys(b.scorers)])) {
    const before = a.scorers[id]
    const after = b.scorers[id]
    const from = before?.passRate ?? before?.mean ?? null
    const to = after?.passRate ?? after?.mean ?? null
    const beyondNoise = to !== null && before?.low !== null && before?.low !== undefined && before.high !== null ? to < before.low || to > before.high : false
    scorers[id] = { baseline: from, candidate: to, delta: from === null || to === null ? null : round(to - from), beyondNoise }
  }
  const regressions: RunComparison['regressions'] = []
  const improvements: RunComparison['improvements'] = []
  for (const id of Object.keys(scorers)) {
    const before = rowMeans(baseline, id)
    const after = rowMeans(candidate, id)
    for (const [rowId, to] of after) {
      const from = before.get(rowId)
      if (from === undefined || from === to) continue
      ;(to < from ? regressions : improvements).push({ rowId, scorer: id, from: round(from), to: round(to) })
    }
  }
  const firstOutput = (rows: readonly RowResult[]) => {
    const map = new Map<string, string>()
    for (const r of [...rows].sort((x, y) => x.trial - y.trial)) if (!map.has(r.rowId)) map.set(r.rowId, JSON.stringify(r.output ?? null))
    return map
  }
  const before = firstOutput(baseline)
  const after = firstOutput(candidate)
  return {
    scorers,
    regressions,
    improvements,
    changedOutputs: [...after].filter(([id, out]) => before.has(id) && before.get(id) !== out).map(([id]) => id),
    onlyInBaseline: [...before.keys()].filter((id) => !after.has(id)),
    onlyInCandidate: [...after.keys()].filter((id) => !before.has(id)),
  }
}

/** Thresholds that fail, as `weft eval run` words them (`mentions 0.750 < 0.9`); `overall` is the share of rows that failed nothing. */
export function failedThresholds(summary: Pick<RunSummary, 'scorers'> & { overall?: RunSummary['overall'] }, thresholds: Record<string, number>): string[] {
  const failed: string[] = []
  for (const [scorer, min] of Object.entries(thresholds)) {
    const value = scorer === 'overall' ? (summary.overall?.passRate ?? null) : (summary.scorers[scorer]?.passRate ?? summary.scorers[scorer]?.mean ?? null)
    if (value === null || value < min) failed.push(`${scorer} ${value === null ? 'has no score' : value.toFixed(3)} < ${min}`)
  }
  return failed
}
