/**
 * The evaluation loop (issue 8), free of storage and transport: every row ×
 * trial not already done is sent to the target with bounded concurrency,
 * scored, constrained (latency, cost), and handed to `record` — which stores
 * it before the next progress event, so a killed run resumes with exactly the
 * rows that are missing. A failing row is a result, never the end of the run.
 */
import { setMaxListeners } from 'node:events'
import type { SpanInput } from '../../common/schemas/span'
import { lookup, resolveParams } from './params'
import { nowMs, rowSpans, scoredSpans, startRowTrace, type RowTrace } from './rowTrace'
import type { JudgeCall, ScoredSpan, Scorer } from './scorers/types'
import type { RowResult } from './summary'

/** What the target answered for one row. */
export interface TargetAnswer {
  output: unknown
  latencyMs: number
  tokens: number
  costUsd: number | null
  /** The row's steps when they did not go through the row's trace (an app's own spans, read back). */
  spans?: ScoredSpan[]
}

/** One scorer as a run uses it. */
export interface RunScorer {
  id: string
  scorer: Scorer
  /** Parameters as written; `{{row.path}}` templates are filled per row. */
  params: Record<string, unknown>
  /** Column mapping: where `expected` and `output` are read from (dotted paths; `output.` reads the target's output). */
  columns?: { expected?: string; output?: string }
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
  /** Calls the system under test; records its call(s) as spans under `trace`. */
  target(row: Record<string, unknown>, signal: AbortSignal, trace: RowTrace): Promise<TargetAnswer>
  scorers: readonly RunScorer[]
  constraints?: { maxLatencyMs?: number; maxCostUsd?: number }
  /** `rowId/trial` keys already stored (resume): they are not run again. */
  done?: ReadonlySet<string>
  /** Stores one result with its trace; awaited before the row counts as done. */
  record(result: RowResult, spans: SpanInput[]): Promise<void> | void
  onProgress?(progress: RunProgress): void
  /** Lets LLM-as-judge scorers call models; `trace` records the call under the scorer's span. */
  judge?: (trace: { add: RowTrace['add']; newId(): string; parentId: string }) => JudgeCall
  /** Names the row's root span (`eval NAME`) and tags it. */
  name?: string
  runId?: string
  signal?: AbortSignal
  now?: () => number
}

/**
 * Reads a column-mapped input: `output` / `output.a.b` from the target's
 * output (a JSON string is parsed to reach inside it), anything else from the
 * row (`row.` prefix optional).
 */
export function mapped(path: string, row: Record<string, unknown>, output: unknown): unknown {
  const [head, ...rest] = path.split('.')
  if (head === 'output') {
    if (rest.length === 0) return output
    let value = output
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value) as unknown
      } catch {
        throw new Error(`column ${path}: the output is text, not JSON`)
      }
    }
    return lookup({ output: value }, path)
  }
  return lookup(row, head === 'row' ? rest.join('.') : path)
}

/** The key of a row's trial in `done`. */
export const resultKey = (rowId: string, trial: number) => `${rowId}/${trial}`

/** Runs what is left; resolves when every row × trial is recorded or the signal aborts. */
export async function runLoop(options: RunLoopOptions): Promise<{ ran: number; skipped: number; cancelled: boolean }> {
  const now = options.now ?? (() => performance.now())
  const signal = options.signal ?? new AbortController().signal
  // Every call in flight listens on the run's signal (the provider, fetch, a judge): more than Node's default of 10 is expected, not a leak.
  setMaxListeners(Math.max(10, options.concurrency * 4), signal)
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

  // Parameters without a {{row}} template are the same for every row: checked once, not per row.
  const fixedParams = options.scorers.map(({ scorer, params }) => (JSON.stringify(params).includes('{{') ? null : scorer.params.parse(params)))

  const runOne = async ({ row, trial }: (typeof work)[number]): Promise<void> => {
    const trace = startRowTrace()
    const startedMs = nowMs()
    let answer: TargetAnswer | null = null
    let error: string | null = null
    try {
      answer = await options.target(row, signal, trace)
    } catch (caught) {
      if (signal.aborted) return
      error = (caught as Error).message || String(caught)
    }
    const steps = answer?.spans ?? scoredSpans(trace.spans)
    const scores: RowResult['scores'] = {}
    for (const [index, { id, scorer, params, columns }] of options.scorers.entries()) {
      if (!answer) {
        scores[id] = null
        continue
      }
      const spanId = trace.newId()
      const scoreStart = nowMs()
      let reason: string | undefined
      let failed: string | null = null
      try {
        const filled = fixedParams[index] ?? scorer.params.parse(resolveParams(params, row, scorer.literalParams))
        const output = columns?.output ? mapped(columns.output, row, answer.output) : answer.output
        const expected = columns?.expected ? mapped(columns.expected, row, answer.output) : row.expected
        const judge = options.judge?.({ add: trace.add, newId: trace.newId, parentId: spanId })
        const result = await scorer.score({ output, row, expected, latencyMs: answer.latencyMs, costUsd: answer.costUsd, spans: steps }, filled, { signal, judge })
        reason = result.reason
        scores[id] = { score: result.score, ...(result.pass === undefined ? {} : { pass: result.pass }), ...(result.reason ? { reason: result.reason } : {}) }
      } catch (caught) {
        if (signal.aborted) return
        // A scorer that cannot judge this row (a missing column, a bad value) scores it as failed, with the reason kept.
        failed = (caught as Error).message || String(caught)
        scores[id] = { score: 0, pass: false, reason: failed }
        error ??= `scorer ${id}: ${failed}`
      }
      trace.add({
        id: spanId, parentId: trace.rootId, name: `score ${id}`, kind: 'evaluation', startMs: scoreStart, endMs: nowMs(),
        status: failed ? 'error' : 'ok', error: failed ? { message: failed } : null,
        output: scores[id], attributes: { 'weft.scorer': scorer.meta.type, 'weft.scorer_id': id, ...(reason ? { 'weft.reason': reason } : {}) },
      })
    }
    const c = options.constraints ?? {}
    if (answer && c.maxLatencyMs !== undefined) scores['constraint.latency'] = { score: Number(answer.latencyMs <= c.maxLatencyMs), pass: answer.latencyMs <= c.maxLatencyMs }
    if (answer && c.maxCostUsd !== undefined) {
      const ok = (answer.costUsd ?? 0) <= c.maxCostUsd
      scores['constraint.cost'] = { score: Number(ok), pass: ok }
    }
    const result: RowResult = {
      rowId: row.id, trial, output: answer?.output ?? null, error, latencyMs: answer?.latencyMs ?? null,
      tokens: answer?.tokens ?? 0, costUsd: answer?.costUsd ?? null, scores, traceId: trace.traceId,
    }
    if (signal.aborted) return
    const inputs = Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'id' && key !== 'expected'))
    const spans = rowSpans(trace, {
      name: `eval ${options.name ?? 'row'}`, kind: 'evaluation', startMs: startedMs, endMs: nowMs(),
      status: error ? 'error' : 'ok', error: error ? { message: error } : null,
      inputs, output: { output: result.output, expected: row.expected ?? null, scores },
      attributes: { 'weft.source': 'eval', 'weft.eval.name': options.name ?? null, 'weft.eval.run': options.runId ?? null, 'weft.eval.row': row.id, 'weft.eval.trial': trial },
    })
    await options.record(result, spans)
    finished++
    if (error) errors++
    for (const [id, score] of Object.entries(scores)) {
      if (!score) continue
      const sum = (sums[id] ??= { total: 0, n: 0 })
      sum.total += score.score
      sum.n++
    }
    const elapsed = now() - started
    const remaining = work.length - finished
    options.onProgress?.({
      done: skipped + finished,
      total,
      errors,
      means: Object.fromEntries(Object.entries(sums).map(([id, sum]) => [id, sum.total / sum.n])),
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
