/**
 * The evaluation loop (issue 8), free of storage and transport: every row ×
 * trial not already done is sent to the target with bounded concurrency,
 * scored, constrained (latency, cost), and handed to `record` — which stores
 * it before the next progress event, so a killed run resumes with exactly the
 * rows that are missing. A failing row is a result, never the end of the run.
 */
import { resolveParams } from './params'
import type { JudgeCall, ScoredSpan, Scorer } from './scorers/types'
import type { RowResult } from './summary'

/** What the target answered for one row. */
export interface TargetAnswer {
  output: unknown
  latencyMs: number
  tokens: number
  costUsd: number | null
  /** The row's trace, for step and trajectory scorers. */
  spans?: ScoredSpan[]
}

/** One scorer as a run uses it. */
export interface RunScorer {
  id: string
  scorer: Scorer
  /** Parameters as written; `{{row.path}}` templates are filled per row. */
  params: Record<string, unknown>
}

/** Progress after each row. */
export interface RunProgress {
  done: number
  total: number
  errors: number
  /** Running mean per scorer over the rows done in this session. */
  means: Record<string, number>
  /** Milliseconds left at the current pace, or null before the first row. */
  etaMs: number | null
}

/** What {@link runLoop} needs. */
export interface RunLoopOptions {
  rows: ReadonlyArray<Record<string, unknown> & { id: string }>
  trials: number
  concurrency: number
  target(row: Record<string, unknown>, signal: AbortSignal): Promise<TargetAnswer>
  scorers: readonly RunScorer[]
  constraints?: { maxLatencyMs?: number; maxCostUsd?: number }
  /** `rowId/trial` keys already stored (resume): they are not run again. */
  done?: ReadonlySet<string>
  /** Stores one result; awaited before the row counts as done. */
  record(result: RowResult): Promise<void> | void
  onProgress?(progress: RunProgress): void
  /** Lets LLM-as-judge scorers call models. */
  judge?: JudgeCall
  signal?: AbortSignal
  now?: () => number
}

/** The key of a row's trial in `done`. */
export const resultKey = (rowId: string, trial: number) => `${rowId}/${trial}`

/** Runs what is left; resolves when every row × trial is recorded or the signal aborts. */
export async function runLoop(options: RunLoopOptions): Promise<{ ran: number; skipped: number; cancelled: boolean }> {
  const now = options.now ?? (() => performance.now())
  const signal = options.signal ?? new AbortController().signal
  const work: Array<{ row: RunLoopOptions['rows'][number]; trial: number }> = []
  let skipped = 0
  for (const row of options.rows) {
    for (let trial = 0; trial < options.trials; trial++) {
      if (options.done?.has(resultKey(row.id, trial))) skipped++
      else work.push({ row, trial })
    }
  }
  const total = options.rows.length * options.trials
  const sums: Record<string, { total: number; n: number }> = {}
  let finished = 0
  let errors = 0
  const started = now()

  const runOne = async ({ row, trial }: (typeof work)[number]): Promise<void> => {
    let answer: TargetAnswer | null = null
    let error: string | null = null
    try {
      answer = await options.target(row, signal)
    } catch (caught) {
      if (signal.aborted) return
      error = (caught as Error).message || String(caught)
    }
    const scores: RowResult['scores'] = {}
    for (const { id, scorer, params } of options.scorers) {
      if (!answer) {
        scores[id] = null
        continue
      }
      try {
        const filled = scorer.params.parse(resolveParams(params, row))
        const result = await scorer.score({ output: answer.output, row, expected: row.expected, latencyMs: answer.latencyMs, costUsd: answer.costUsd, spans: answer.spans }, filled, { signal, judge: options.judge })
        scores[id] = result.pass === undefined ? { score: result.score } : { score: result.score, pass: result.pass }
      } catch (caught) {
        // A scorer that cannot judge this row (a missing column, a bad value) scores it as failed, with the reason kept.
        scores[id] = { score: 0, pass: false }
        error ??= `scorer ${id}: ${(caught as Error).message}`
      }
    }
    const c = options.constraints ?? {}
    if (answer && c.maxLatencyMs !== undefined) scores['constraint.latency'] = { score: Number(answer.latencyMs <= c.maxLatencyMs), pass: answer.latencyMs <= c.maxLatencyMs }
    if (answer && c.maxCostUsd !== undefined) {
      const ok = (answer.costUsd ?? 0) <= c.maxCostUsd
      scores['constraint.cost'] = { score: Number(ok), pass: ok }
    }
    const result: RowResult = {
      rowId: row.id, trial, output: answer?.output ?? null, error, latencyMs: answer?.latencyMs ?? null,
      tokens: answer?.tokens ?? 0, costUsd: answer?.costUsd ?? null, scores,
    }
    if (signal.aborted) return
    await options.record(result)
    finished++
    if (error) errors++
    for (const [id, s] of Object.entries(scores)) {
      if (!s) continue
      const sum = (sums[id] ??= { total: 0, n: 0 })
      sum.total += s.score
      sum.n++
    }
    const elapsed = now() - started
    const remaining = work.length - finished
    options.onProgress?.({
      done: skipped + finished,
      total,
      errors,
      means: Object.fromEntries(Object.entries(sums).map(([id, s]) => [id, s.total / s.n])),
      etaMs: finished ? (elapsed / finished) * remaining : null,
    })
  }

  // A fixed pool: `concurrency` workers take the next item as they finish.
  let next = 0
  const worker = async () => {
    while (next < work.length && !signal.aborted) await runOne(work[next++]!)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, work.length)) }, worker))
  return { ran: finished, skipped, cancelled: signal.aborted }
}
