/**
 * Pure helpers behind the comparison view: which pinned versions changed,
 * a run's numbers from its rows, rows of two runs aligned, and the filters.
 */
import type { ResponseOf } from '../../../../common/contract'

/** One evaluation run as `evals.get` returns it. */
export type EvalRun = ResponseOf<'evals.get'>['run']
/** One row × trial of a run. */
export type EvalRow = ResponseOf<'evals.get'>['rows'][number]
/** `evals.compare`'s answer for baseline → one candidate. */
export type EvalComparison = ResponseOf<'evals.compare'>

/** A pinned slot (prompt, model, dataset, evaluation, scorer.<id>…) in both runs. */
export interface PinnedChange {
  key: string
  before: string | null
  after: string | null
  changed: boolean
}

/** Prompt, model, dataset and evaluation first, then scorers and judges in name order. */
const KEY_ORDER = ['prompt', 'model', 'dataset', 'evaluation']

/** Every pinned slot of either run, with whether its version differs. */
export function pinnedChanges(baseline: Record<string, string>, candidate: Record<string, string>): PinnedChange[] {
  const keys = [...new Set([...Object.keys(baseline), ...Object.keys(candidate)])]
  const rank = (k: string) => (KEY_ORDER.includes(k) ? KEY_ORDER.indexOf(k) : KEY_ORDER.length)
  keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  return keys.map((key) => {
    const before = baseline[key] ?? null
    const after = candidate[key] ?? null
    return { key, before, after, changed: before !== after }
  })
}

/** `prompt:triage@6ed642f…` → its parts; null when it is not in that shape. */
export function parsePinned(ref: string): { kind: string; name: string; digest: string } | null {
  const match = /^([a-z]+):(.+)@([0-9a-f]+)$/.exec(ref)
  return match ? { kind: match[1]!, name: match[2]!, digest: match[3]! } : null
}

/** `prompt:triage@6ed642fe66…` → `prompt:triage@6ed642f`. */
export function shortRef(ref: string | null): string {
  if (!ref) return '—'
  const parsed = parsePinned(ref)
  return parsed ? `${parsed.kind}:${parsed.name}@${parsed.digest.slice(0, 7)}` : ref
}

/** The value at fraction `q` (0–1) of sorted numbers, nearest rank. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

/** A run's headline numbers, from its rows (the stored summary may be absent while it runs). */
export interface RunStats {
  rows: number
  errors: number
  latencyP50: number | null
  latencyP95: number | null
  costUsd: number
  tokens: number
  /** Share of rows that passed every scorer that judged pass/fail; null when none did. */
  passRate: number | null
}

/** Numbers of one run computed from its rows. */
export function runStats(rows: readonly EvalRow[]): RunStats {
  const latencies = rows.map((r) => r.latencyMs).filter((v): v is number => v !== null).sort((a, b) => a - b)
  let errors = 0
  let costUsd = 0
  let tokens = 0
  let judged = 0
  let passed = 0
  for (const row of rows) {
    if (row.error) errors++
    costUsd += row.costUsd ?? 0
    tokens += row.tokens
    const verdicts = Object.values(row.scores).filter((s) => s?.pass !== undefined)
    if (verdicts.length) {
      judged++
      if (verdicts.every((s) => s!.pass)) passed++
    }
  }
  return { rows: rows.length, errors, latencyP50: percentile(latencies, 0.5), latencyP95: percentile(latencies, 0.95), costUsd, tokens, passRate: judged ? passed / judged : null }
}

/** The key aligning rows of two runs: the dataset row and the trial. */
export function rowKey(row: Pick<EvalRow, 'rowId' | 'trial'>): string {
  return `${row.rowId}#${row.trial}`
}

/** One line of the side-by-side outputs: the same row × trial in both runs. */
export interface AlignedRow {
  key: string
  rowId: string
  trial: number
  baseline: EvalRow | null
  candidate: EvalRow | null
  regressed: boolean
  improved: boolean
  outputChanged: boolean
}

/** Which aligned rows the outputs list shows. */
export type OutputFilter = 'regressed' | 'improved' | 'changed' | 'all'

/** Both runs' rows matched by row id and trial, in the baseline's order (rows only in the candidate last). */
export function alignRows(baseline: readonly EvalRow[], candidate: readonly EvalRow[], comparison: EvalComparison | null): AlignedRow[] {
  const regressed = new Set(comparison?.regressions.map((c) => c.rowId))
  const improved = new Set(comparison?.improvements.map((c) => c.rowId))
  const byKey = new Map(candidate.map((r) => [rowKey(r), r]))
  const out: AlignedRow[] = []
  const make = (b: EvalRow | null, c: EvalRow | null): AlignedRow => {
    const row = (b ?? c)!
    return {
      key: rowKey(row), rowId: row.rowId, trial: row.trial, baseline: b, candidate: c,
      regressed: regressed.has(row.rowId), improved: improved.has(row.rowId),
      outputChanged: outputText(b?.output, b?.error) !== outputText(c?.output, c?.error),
    }
  }
  for (const b of baseline) {
    const key = rowKey(b)
    out.push(make(b, byKey.get(key) ?? null))
    byKey.delete(key)
  }
  for (const c of byKey.values()) out.push(make(null, c))
  return out
}

/** The rows a filter keeps. */
export function filterRows(rows: readonly AlignedRow[], filter: OutputFilter): readonly AlignedRow[] {
  if (filter === 'all') return rows
  if (filter === 'regressed') return rows.filter((r) => r.regressed)
  if (filter === 'improved') return rows.filter((r) => r.improved)
  return rows.filter((r) => r.outputChanged)
}

/** An output as plain text: strings as they are, anything else as indented JSON; the error when there is no output. */
export function outputText(output: unknown, error?: string | null): string {
  if (output === undefined || output === null) return error ? `Error: ${error}` : ''
  if (typeof output === 'string') return output
  try {
    return JSON.stringify(output, null, 2) ?? String(output)
  } catch {
    return String(output)
  }
}

/** 0.123 → "0.123"; null → "—". */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  return Number.isInteger(value) ? String(value) : value.toFixed(3)
}

/** A signed delta: "+0.050", "−0.125", "0". */
export function formatDelta(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  if (value === 0) return '0'
  return `${value > 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`
}
