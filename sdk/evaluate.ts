/**
 * `evaluate()`: an evaluation run in the app's own process (issue 8). The
 * app's model function and scorers run here, each row × trial as one trace
 * (root `evaluate.row` → the model call, with whatever ops it makes → one
 * `score NAME` span per scorer); Weft records the run like its own (`weft eval list/show/
 * compare`, source `sdk`) and computes the summary. A throwing model or
 * scorer is that row's error, never the run's.
 */
import { hostname } from 'node:os'
import { activeExporter, state } from './client'
import { beginEvaluation, collectedSpans, collectTrace, endEvaluation, forgetTrace, type EvalSpan } from './collect'
import { EvalRecorder, type EvalRow, type EvalSummary } from './evalRecorder'
import { currentSpan, op } from './op'
import { getDataset } from './read'
import { storage, type Attributes, type Scope } from './span'

export type { EvalRow, EvalSummary } from './evalRecorder'
export type { EvalSpan } from './collect'

/** A dataset row: any object; `id` names it across runs and `expected` is handed to scorers. */
export type EvalDatasetRow = Record<string, unknown>

/** What a scorer sees of one row × trial. */
export interface ScorerInput<Row extends EvalDatasetRow = EvalDatasetRow, Output = unknown> {
  /** What the model function returned. */
  output: Output
  /** `row.expected`. */
  expected: unknown
  row: Row
  /** The model call's duration. */
  latencyMs: number
  /** The model call and every span it made, pre-order, for step and trajectory checks. */
  spans: readonly EvalSpan[]
}

/** A scorer's verdict: a number from 0 to 1, a boolean (1 or 0 with pass), or `{ score, pass?, reason? }`. */
export type ScorerResult = number | boolean | { score: number; pass?: boolean; reason?: string }

/** A scorer function; its name is the score's name. */
export type ScorerFunction<Row extends EvalDatasetRow = EvalDatasetRow, Output = unknown> = (input: ScorerInput<Row, Output>) => ScorerResult | Promise<ScorerResult>

/** Progress after each row × trial. */
export interface EvaluateProgress {
  done: number
  total: number
  errors: number
  /** The row × trial that just finished. */
  row: EvalRow
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions<Row extends EvalDatasetRow = EvalDatasetRow, Output = unknown> {
  /** The evaluation's name: runs of one name are listed and compared together. */
  name: string
  /** A dataset version in Weft (`tickets@v3`, `dataset:tickets@production`), or the rows themselves. */
  dataset: string | readonly Row[]
  /** The system under test, called once per row × trial with the row. */
  model: (row: Row) => Output | Promise<Output>
  /** Functions (named by their name) or `{ name, score }`. */
  scorers: ReadonlyArray<ScorerFunction<Row, Output> | { name: string; score: ScorerFunction<Row, Output> }>
  /** Runs per row (default 1, at most 100). */
  trials?: number
  /** Rows in flight at once (default 4, at most 256). */
  concurrency?: number
  description?: string
  onProgress?: (progress: EvaluateProgress) => void
}

/** What {@link evaluate} returns. */
export interface EvaluateResult {
  /** The run in Weft; null when it could not be recorded there (a warning said why). */
  runId: string | null
  /** Weft's summary of the recorded rows; null when the run was not recorded. */
  summary: EvalSummary | null
  /** Every row × trial, in dataset order then trial; outputs as the model returned them. */
  rows: EvalRow[]
}

// The rule of an evaluation definition's scorer ids, so SDK runs read like the engine's.
const SCORER_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/

interface NamedScorer {
  name: string
  score: ScorerFunction<EvalDatasetRow, unknown>
}

function wholeNumber(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) throw new TypeError(`evaluate(): ${field} must be a whole number from 1 to ${max}, not ${String(value)}`)
  return value
}

function readScorers(scorers: unknown): NamedScorer[] {
  if (!Array.isArray(scorers)) throw new TypeError('evaluate(): scorers must be an array of functions or { name, score } objects')
  const named = scorers.map((entry: unknown, i): NamedScorer => {
    const scorer = typeof entry === 'function' ? { name: entry.name, score: entry } : (entry as Partial<NamedScorer> | null)
    if (!scorer || typeof scorer.score !== 'function') throw new TypeError(`evaluate(): scorers[${i}] is neither a function nor { name, score }`)
    if (typeof scorer.name !== 'string' || !SCORER_NAME.test(scorer.name)) {
      throw new TypeError(`evaluate(): scorers[${i}] needs a name that starts with a letter (letters, digits, _ . -, at most 64), not "${String(scorer.name ?? '')}"; use a named function or { name, score }`)
    }
    return scorer as NamedScorer
  })
  const seen = new Set<string>()
  for (const { name } of named) {
    if (seen.has(name)) throw new TypeError(`evaluate(): two scorers are named "${name}"`)
    seen.add(name)
  }
  return named
}

/** Inline rows with their ids: `row.id` when it has one, else its position, so runs of the same rows compare. */
function identifyRows(rows: readonly unknown[]): Array<{ id: string; row: EvalDatasetRow }> {
  const firstAt = new Map<string, number>()
  return rows.map((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new TypeError(`evaluate(): dataset[${i}] must be an object`)
    const raw = (row as EvalDatasetRow).id
    const id = typeof raw === 'string' && raw !== '' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : String(i)
    if (id.length > 512) throw new TypeError(`evaluate(): dataset[${i}].id is longer than 512 characters`)
    const earlier = firstAt.get(id)
    if (earlier !== undefined) throw new TypeError(`evaluate(): dataset[${i}] and dataset[${earlier}] both have the id "${id}"`)
    firstAt.set(id, i)
    return { id, row: row as EvalDatasetRow }
  })
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? JSON.stringify(value).slice(0, 80) : String(value)
  return Array.isArray(value) ? 'an array' : 'an object without a numeric score'
}

function checkScore(name: string, score: number): number {
  if (!Number.isFinite(score) || score < 0 || score > 1) throw new RangeError(`scorer ${name} returned the score ${score}; scores are from 0 to 1`)
  return score
}

/** A scorer's return value as `{ score, pass?, reason? }`; anything else is that scorer's error. */
export function normalizeScore(name: string, value: unknown): { score: number; pass?: boolean; reason?: string } {
  if (typeof value === 'boolean') return { score: value ? 1 : 0, pass: value }
  if (typeof value === 'number') return { score: checkScore(name, value) }
  if (value !== null && typeof value === 'object' && typeof (value as { score?: unknown }).score === 'number') {
    const { score, pass, reason } = value as { score: number; pass?: unknown; reason?: unknown }
    const out: { score: number; pass?: boolean; reason?: string } = { score: checkScore(name, score) }
    if (pass !== undefined) {
      if (typeof pass !== 'boolean') throw new TypeError(`scorer ${name} returned pass ${describe(pass)}; pass is true or false`)
      out.pass = pass
    }
    if (reason !== undefined && reason !== null) out.reason = String(reason)
    return out
  }
  throw new TypeError(`scorer ${name} returned ${describe(value)}; return a number from 0 to 1, a boolean, or { score, pass?, reason? }`)
}

const message = (error: unknown) => (error instanceof Error ? error.message || error.name : String(error))

/** Token and cost totals of the model call's spans (what the trace database would add up). */
function usageOf(spans: readonly EvalSpan[]): { tokens: number; costUsd: number | null } {
  let tokens = 0
  let costUsd: number | null = null
  for (const span of spans) {
    for (const usage of Object.values(span.usage ?? {})) tokens += (usage.inputTokens || 0) + (usage.outputTokens || 0)
    if (span.costUsd !== undefined) costUsd = (costUsd ?? 0) + span.costUsd
  }
  return { tokens, costUsd }
}

/** What every row of one evaluation shares. */
interface RowContext {
  name: string
  runId: string | null
  model: (row: EvalDatasetRow) => unknown
  scorers: NamedScorer[]
  /** Attributes in scope where evaluate() was called (withAttributes, init): kept on every span of the rows. */
  attributes: Attributes | undefined
}

/** One row × trial, inside its root span. */
async function scoreRow(ctx: RowContext, id: string, row: EvalDatasetRow, trial: number): Promise<EvalRow> {
  const root = storage.getStore()?.span ?? null
  if (root) {
    // The attributes of the engine's row traces (main/evals/runLoop.ts), so both read alike in Weft.
    root.setAttribute('weft.source', 'eval')
    if (ctx.runId !== null) root.setAttribute('weft.eval.run', ctx.runId)
    root.setAttribute('weft.eval.name', ctx.name)
    root.setAttribute('weft.eval.row', id)
    root.setAttribute('weft.eval.trial', trial)
    collectTrace(root.traceId)
  }
  // Children hang under the root but do not inherit its weft.eval.* attributes (they describe the row, once).
  const inside = <T>(fn: () => T): T => (root ? storage.run({ span: root, attributes: ctx.attributes } satisfies Scope, fn) : fn())
  try {
    let output: unknown = null
    let error: string | null = null
    let latencyMs: number | null = null
    const started = performance.now()
    try {
      output = (await inside(() => ctx.model(row))) ?? null
      latencyMs = performance.now() - started
    } catch (caught) {
      error = message(caught)
    }
    const spans = root ? collectedSpans(root.traceId, root.id) : []
    const { tokens, costUsd } = usageOf(spans)
    const scores: EvalRow['scores'] = {}
    for (const scorer of ctx.scorers) {
      // A model that failed left nothing to score.
      if (latencyMs === null) {
        scores[scorer.name] = null
        continue
      }
      const input: ScorerInput = { output, expected: row.expected, row, latencyMs, spans: spans.slice() }
      const traced = op(
        async (_output: unknown, _expected: unknown) => {
          const span = currentSpan()
          span?.setAttribute('weft.scorer', 'sdk')
          span?.setAttribute('weft.scorer_id', scorer.name)
          const result = normalizeScore(scorer.name, await scorer.score(input))
          if (result.reason !== undefined) span?.setAttribute('weft.reason', result.reason)
          return result
        },
        { name: `score ${scorer.name}`, kind: 'evaluation', paramNames: ['output', 'expected'] },
      )
      try {
        const result = await inside(() => traced(output, row.expected))
        scores[scorer.name] = { score: result.score, ...(result.pass === undefined ? {} : { pass: result.pass }), ...(result.reason ? { reason: result.reason.slice(0, 2000) } : {}) }
      } catch (caught) {
        // As in Weft's engine: a scorer that cannot judge the row fails it, and the row keeps the reason.
        scores[scorer.name] = { score: 0, pass: false, reason: message(caught).slice(0, 2000) }
        error ??= `scorer ${scorer.name}: ${message(caught)}`
      }
    }
    return { rowId: id, trial, output, error, latencyMs, tokens, costUsd, scores, ...(root ? { traceId: root.traceId } : {}) }
  } finally {
    if (root) forgetTrace(root.traceId)
  }
}

/**
 * Runs `model` on every dataset row × trial with bounded concurrency, scores
 * each answer, records the run in Weft and returns `{ runId, summary, rows }`.
 * Bad options throw a TypeError before anything runs; a dataset that cannot be
 * read throws WeftReadError. When Weft cannot record the run, one warning says
 * why and the rows are still returned (runId and summary null).
 */
export async function evaluate<Row extends EvalDatasetRow = EvalDatasetRow, Output = unknown>(options: EvaluateOptions<Row, Output>): Promise<EvaluateResult> {
  if (options === null || typeof options !== 'object') throw new TypeError('evaluate() takes { name, dataset, model, scorers }')
  const name = typeof options.name === 'string' ? options.name.trim() : ''
  if (!name || name.length > 200) throw new TypeError('evaluate(): name must be a non-empty string of at most 200 characters')
  if (typeof options.model !== 'function') throw new TypeError('evaluate(): model must be a function (row) => output')
  const scorers = readScorers(options.scorers)
  const trials = wholeNumber(options.trials, 'trials', 1, 100)
  const concurrency = wholeNumber(options.concurrency, 'concurrency', 4, 256)
  if (typeof options.dataset !== 'string' && !Array.isArray(options.dataset)) throw new TypeError('evaluate(): dataset must be a reference like "tickets@v3" or an array of rows')

  activeExporter() // configures from WEFT_ENDPOINT / WEFT_TOKEN when init() was not called
  let dataset: string | null = null
  let rows: Array<{ id: string; row: EvalDatasetRow }>
  if (typeof options.dataset === 'string') {
    const found = await getDataset(options.dataset)
    dataset = found.ref // the digest read, so the run pins exactly these rows
    rows = found.rows.map((row, i) => ({ id: typeof row.id === 'string' ? row.id : String(i), row }))
  } else {
    rows = identifyRows(options.dataset)
  }
  const work = rows.flatMap((entry) => Array.from({ length: trials }, (_, trial) => ({ ...entry, trial })))
  const modelName = (options.model.name || 'model').slice(0, 200)
  const recorder = await EvalRecorder.start({
    name, dataset, scorers: scorers.map((s) => s.name), trials, total: work.length, model: modelName, concurrency, pid: process.pid, host: hostname(),
    ...(typeof options.description === 'string' ? { description: options.description.slice(0, 2000) } : {}),
  })

  const attributes = storage.getStore()?.attributes ?? state.rootScope?.attributes
  const ctx: RowContext = { name, runId: recorder.runId, model: op(options.model as (row: EvalDatasetRow) => unknown, { name: modelName }), scorers, attributes }
  const rowSpan = op((row: EvalDatasetRow, trial: number, rowId: string) => scoreRow(ctx, rowId, row, trial), { name: 'evaluate.row', kind: 'evaluation', paramNames: ['row', 'trial', 'rowId'] })
  const results: EvalRow[] = new Array<EvalRow>(work.length)
  let done = 0
  let errors = 0
  let progressWarned = false

  beginEvaluation()
  try {
    let next = 0
    const worker = async () => {
      while (next < work.length) {
        const index = next++
        const { id, row, trial } = work[index]!
        // Each row × trial is a trace of its own, even when evaluate() itself runs inside an op.
        const result = await storage.run({ span: null, attributes } satisfies Scope, () => rowSpan(row, trial, id))
        results[index] = result
        recorder.add(result)
        done++
        if (result.error !== null) errors++
        try {
          options.onProgress?.({ done, total: work.length, errors, row: result })
        } catch (error) {
          if (!progressWarned) state.warn(`Weft: evaluate("${name}"): onProgress threw (${message(error)}); the evaluation goes on.`)
          progressWarned = true
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, work.length)) }, worker))
  } catch (error) {
    await recorder.finish('failed')
    throw error
  } finally {
    endEvaluation()
  }
  // The rows' traces reach Weft before the run shows as finished (bounded: a Weft that is down costs 10 s).
  if (recorder.runId !== null) await state.exporter?.flush(10_000).catch(() => undefined)
  const { runId, summary } = await recorder.finish('finished')
  return { runId, summary, rows: results }
}
