/** Evaluation runs, rows and comparisons for tests and benchmarks of the comparison and trend views. */
import type { EvalComparison, EvalRow, EvalRun } from './compareModel'

/** A finished run of `triage` pinning `prompt` at `promptDigest`. */
export function sampleRun(id: string, overrides: Partial<EvalRun> = {}, promptDigest = 'a'.repeat(40)): EvalRun {
  return {
    id, name: 'triage', definition: {}, status: 'finished', source: 'weft', startedMs: 1_800_000_000_000, endedMs: 1_800_000_005_000, total: 2,
    gitCommit: '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    pinned: { evaluation: `evaluation:triage@${'e'.repeat(40)}`, dataset: `dataset:tickets@${'d'.repeat(40)}`, prompt: `prompt:triage@${promptDigest}`, model: `model:offline@${'m'.repeat(40)}` },
    summary: { rows: 2, errors: 0, scorers: { mentions: { mean: 0.5, passRate: 0.5, low: 0.1, high: 0.9, scored: 2 } }, latencyP50Ms: 100, latencyP95Ms: 200, tokens: 10, costUsd: 0.01 },
    ...overrides,
  }
}

/** A row with one `mentions` score. */
export function sampleRow(rowId: string, output: unknown, score: number, extra: Partial<EvalRow> = {}): EvalRow {
  return { rowId, trial: 0, output, error: null, latencyMs: 100, tokens: 5, costUsd: 0.005, scores: { mentions: { score, pass: score >= 0.5 } }, traceId: `trace-${rowId}`, ...extra }
}

/** `n` rows with outputs of a few sentences, scores alternating. */
export function manyRows(n: number, variant: string): EvalRow[] {
  return Array.from({ length: n }, (_, i) =>
    sampleRow(`row-${i}`, `Ticket ${i}: the ${variant} answer says the printer on floor ${i % 7} needs toner and a restart before Monday.`, (i + (variant === 'b' ? 1 : 0)) % 3 ? 1 : 0, { latencyMs: 50 + (i % 400), costUsd: 0.0001 * (i % 50) }),
  )
}

/** A comparison with the given regressions and changed outputs. */
export function sampleComparison(overrides: Partial<EvalComparison> = {}): EvalComparison {
  return {
    scorers: { mentions: { baseline: 0.5, candidate: 0.25, delta: -0.25, beyondNoise: true } },
    regressions: [], improvements: [], changedOutputs: [], onlyInBaseline: [], onlyInCandidate: [],
    ...overrides,
  }
}
