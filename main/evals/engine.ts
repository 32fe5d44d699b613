/**
 * Runs a saved evaluation (issue 8): reads `evals/NAME.yaml`, pins the
 * definition, dataset, prompt and model versions (and the git commit), runs
 * every row × trial through the loop, stores each result as it finishes, and
 * summarises. `resume` continues a run that was killed or cancelled with
 * exactly the rows it is missing.
 */
import { parseRef } from '../../common/refs'
import { WeftError } from '../../common/errors'
import type { Providers } from '../providers/registry'
import { runPrompt } from '../providers/runPrompt'
import { parseJsonl } from '../store/formats/dataset'
import type { ObjectStore } from '../store/store'
import type { TraceDb } from '../traces/db'
import { loadEvaluation, type DefinitionReader, type EvaluationDefinition } from './definition'
import { nowMs } from './rowTrace'
import { runLoop, type RunProgress, type RunScorer } from './runLoop'
import { runStore, type StoredRun } from './runStore'
import { lookupScorer } from './scorers'
import type { ScoredSpan } from './scorers/types'
import { summarize, type RowResult, type RunSummary } from './summary'
import type { SpanInput } from '../../common/schemas/span'
import { httpTarget, promptTarget, type Target } from './targets'

/** What {@link runEvaluation} needs. */
export interface EngineOptions {
  store: ObjectStore
  /**
   * The provider layer for this run, with its per-provider limits: calls in
   * flight per provider (`*` is every other provider).
   */
  providers(concurrency: Record<string, number>): Providers
  traces: TraceDb
  /** The evaluation's name (`evals/NAME.yaml`), or a reference to one version. */
  name: string
  /** Overrides of the definition (`--concurrency`, `--trials`, `--set key=value`). */
  concurrency?: number
  trials?: number
  set?: string[]
  /** Continue this run instead of starting one. */
  resume?: string
  cache?: boolean
  onProgress?(progress: RunProgress & { runId: string }): void
  /** Called once the run exists (before the first row), with its id. */
  onStart?(runId: string): void
  /** New row traces are in the trace database (coalesced, at most four times a second): the trace list and text index catch up. */
  spansAdded?(traceIds: readonly string[], count: number): void
  signal?: AbortSignal
}

/** The run as stored at the end, with its summary. */
export interface EngineResult {
  run: StoredRun
  summary: RunSummary
}

async function buildTarget(options: EngineOptions, definition: EvaluationDefinition, providers: Providers): Promise<Target> {
  const t = definition.target
  if (t.http) {
    // Step and trajectory scorers look inside the app: its own spans (traceparent) are read back from the trace database.
    const looksInside = definition.scorers.some((s) => lookupScorer(s.type)?.meta.level !== 'system')
    const waitMs = t.http.traceWaitMs ?? (looksInside ? 2000 : 0)
    return httpTarget({ ...t.http, ...(waitMs > 0 ? { appSpans: { waitMs, read: (traceId) => storedSpans(options.traces, traceId) } } : {}) })
  }
  return promptTarget({ store: options.store, providers, prompt: t.prompt!, model: t.model!, cache: options.cache })
}

/** A trace's stored spans as scorers see them (pre-order, with full inputs and outputs). */
function storedSpans(traces: TraceDb, traceId: string): ScoredSpan[] {
  const found = traces.getTrace(traceId)
  if (!found) return []
  const out: ScoredSpan[] = []
  const stack = [...found.roots].reverse()
  while (stack.length) {
    const node = stack.pop()!
    const span = traces.getSpan(traceId, node.id)
    if (span) {
      out.push({
        id: span.id, parentId: span.parentId, name: span.name, kind: span.kind, status: span.status, startMs: span.startMs, endMs: span.endMs,
        ...(span.inputs === undefined ? {} : { inputs: span.inputs }), ...(span.output === undefined ? {} : { output: span.output }), attributes: span.attributes,
      })
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!)
  }
  return out
}

/**
 * An LLM judge's rubric and model are pinned like the target's: resolved to
 * digests when the run starts (and written back into the run's definition),
 * so a label moved mid-run changes nothing and a resume judges alike.
 */
async function pinJudges(store: ObjectStore, definition: EvaluationDefinition): Promise<Record<string, string>> {
  const pinned: Record<string, string> = {}
  for (const scorer of definition.scorers) {
    if (!lookupScorer(scorer.type)?.meta.needsLlm) continue
    for (const [field, kind] of [['rubric', 'prompt'], ['model', 'model']] as const) {
      const ref = scorer.params[field]
      if (typeof ref !== 'string' || ref.includes('{{')) continue
      const found = await store.resolve(parseRef(ref, kind))
      const exact = `${kind}:${found.name}@${found.digest}`
      scorer.params = { ...scorer.params, [field]: exact }
      pinned[`scorer.${scorer.id}.${field}`] = exact
    }
  }
  return pinned
}

/** Reads references for the definition check, through the object store. */
export function storeReader(store: ObjectStore): DefinitionReader {
  return {
    resolve: async (ref, kind) => ({ ref: (await store.resolve(parseRef(ref, kind))).ref }),
    async readScorer(ref) {
      const { resolved, content } = await store.read(parseRef(ref, 'scorer'))
      if (resolved.kind !== 'scorer') throw new Error(`${resolved.ref} is a ${resolved.kind}, not a scorer`)
      return { ref: `scorer:${resolved.name}@${resolved.digest}`, content, file: `scorers/${resolved.name}.yaml` }
    },
  }
}

/** Runs (or resumes) an evaluation to the end, or until cancelled. */
export async function runEvaluation(options: EngineOptions): Promise<EngineResult> {
  const runs = runStore(options.traces.sqlite)
  let runId: string
  let definition: EvaluationDefinition
  let pinned: Record<string, string>
  if (options.resume) {
    const previous = runs.get(options.resume)
    if (!previous) throw new WeftError('NOT_FOUND', `No evaluation run ${options.resume}`, [{ path: 'resume', message: 'unknown run' }])
    if (previous.status === 'finished') throw new WeftError('CONFLICT', `Run ${previous.id} already finished`, [{ path: 'resume', message: 'finished' }])
    if (previous.status === 'running') throw new WeftError('CONFLICT', `Run ${previous.id} is still running`, [{ path: 'resume', message: 'running' }])
    if (previous.importedMs !== undefined) throw new WeftError('CONFLICT', `Run ${previous.id} was imported from a bundle; run the evaluation again here instead`, [{ path: 'resume', message: 'imported' }])
    if (previous.source !== 'weft') throw new WeftError('CONFLICT', `Run ${previous.id} was recorded by ${previous.source === 'sdk' ? 'the SDK' : 'W&B Weave'}; only Weft's own runs resume`, [{ path: 'resume', message: previous.source }])
    ;({ definition, pinned } = previous)
    runId = previous.id
    runs.reopen(runId)
  } else {
    const { resolved, content } = await options.store.read(parseRef(options.name, 'evaluation'))
    if (resolved.kind !== 'evaluation') throw new WeftError('INVALID_REQUEST', `${resolved.ref} is a ${resolved.kind}, not an evaluation`, [{ path: 'name', message: 'not an evaluation' }])
    const loaded = await loadEvaluation(content, `evals/${resolved.name}.yaml`, lookupScorer, storeReader(options.store), options.set)
    definition = loaded.definition
    if (options.concurrency) definition.concurrency = options.concurrency
    if (options.trials) definition.trials = options.trials
    const dataset = await options.store.resolve(parseRef(definition.dataset, 'dataset'))
    pinned = { evaluation: `evaluation:${resolved.name}@${resolved.digest}`, dataset: `dataset:${dataset.name}@${dataset.digest}`, ...loaded.pinned, ...(await pinJudges(options.store, definition)) }
    runId = '' // set below once the target pinned its versions
  }
  const { content: datasetText, resolved: datasetRef } = await options.store.read(parseRef(pinned.dataset!, 'dataset'))
  const rows = parseJsonl(datasetText, `datasets/${datasetRef.name}.jsonl`).map((r) => r as Record<string, unknown> & { id: string })
  // Rows in flight are the run's concurrency; a provider may be held lower (its rate limit).
  const providers = options.providers({ '*': definition.concurrency, ...definition.providerConcurrency })
  // A resumed run calls exactly the versions it pinned when it started.
  const target = await buildTarget(options, options.resume && definition.target.prompt ? { ...definition, target: { prompt: pinned.prompt!, model: pinned.model! } } : definition, providers)
  if (!options.resume) {
    pinned = { ...pinned, ...target.pinned }
    runId = runs.create(options.name, definition, pinned, await options.store.head().catch(() => null), rows.length * definition.trials)
  }
  options.onStart?.(runId)
  const scorers: RunScorer[] = definition.scorers.map((s) => ({ id: s.id, scorer: lookupScorer(s.type)!, params: s.params, ...(s.columns ? { columns: s.columns } : {}) }))
  // Rows are written in groups, one transaction per ~20 ms: a commit per row was 14% of a run's CPU.
  // A row counts as stored only once its group commits; a kill loses at most the rows of one group,
  // and a resume runs them again (it runs whatever is not stored).
  const writeGroup = options.traces.sqlite.transaction((group: Array<{ result: RowResult; spans: SpanInput[] }>) => {
    // One transaction: a row is stored with its trace or not at all.
    options.traces.insertSpans(group.flatMap((g) => g.spans))
    for (const { result } of group) runs.record(runId, result)
  })
  const added = { traceIds: [] as string[], count: 0, timer: null as NodeJS.Timeout | null }
  const flushAdded = () => {
    if (added.timer) clearTimeout(added.timer)
    added.timer = null
    if (added.count) options.spansAdded?.(added.traceIds, added.count)
    added.traceIds = []
    added.count = 0
  }
  const pending: Array<{ result: RowResult; spans: SpanInput[] }> = []
  let writeError: Error | null = null
  const stop = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  let writeTimer: NodeJS.Timeout | null = null
  const flushRows = () => {
    if (writeTimer) clearTimeout(writeTimer)
    writeTimer = null
    if (pending.length === 0) return
    const group = pending.splice(0)
    try {
      writeGroup.immediate(group)
    } catch (error) {
      // A database that cannot be written (disk full, locked too long) ends the run: results no one can keep are not worth paying for.
      writeError ??= error as Error
      stop.abort()
      return
    }
    for (const { result, spans } of group) {
      added.traceIds.push(result.traceId!)
      added.count += spans.length
    }
    added.timer ??= setTimeout(flushAdded, 250)
  }
  let outcome: Awaited<ReturnType<typeof runLoop>>
  try {
    outcome = await runLoop({
      rows,
      trials: definition.trials,
      concurrency: definition.concurrency,
      target: (row, signal, trace) => target.call(row, signal, trace),
      scorers,
      constraints: definition.constraints,
      done: runs.doneKeys(runId),
      record: (result, spans) => {
        pending.push({ result, spans })
        if (pending.length >= 128) flushRows()
        else writeTimer ??= setTimeout(flushRows, 20)
      },
      onProgress: (progress) => options.onProgress?.({ ...progress, runId }),
      name: options.name,
      runId,
      // The judge's rubric and model were pinned at the start (pinJudges); each call is a span under its scorer.
      judge: (trace) => async (prompt, model, variables, signal) => {
        const startMs = nowMs()
        const result = await runPrompt(options.store, providers, { prompt: parseRef(prompt, 'prompt'), model: parseRef(model, 'model'), variables }, { signal })
        const { response } = result
        trace.add({
          id: trace.newId(), parentId: trace.parentId, name: `judge ${(result.prompt.ref ?? prompt).replace(/^prompt:/, '').replace(/@.*$/, '')}`, kind: 'llm', startMs, endMs: nowMs(),
          status: response.error ? 'error' : 'ok', error: response.error ? { message: response.error.message, type: response.error.code } : null,
          inputs: { messages: result.rendered.messages }, output: { text: response.output },
          attributes: {
            'weft.prompt': `prompt:${(result.prompt.ref ?? prompt).replace(/^prompt:/, '').replace(/@.*$/, '')}@${result.prompt.digest}`,
            'weft.model': `model:${result.model.ref.replace(/^model:/, '').replace(/@.*$/, '')}@${result.model.digest}`, 'weft.cached': response.cached,
          },
          usage: response.usage ? { [model]: { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens } } : {},
          costUsd: response.costUsd,
        })
        if (response.error) throw new Error(`judge ${response.error.code}: ${response.error.message}`)
        return { text: response.output, costUsd: response.costUsd }
      },
      signal,
    })
  } finally {
    flushRows()
    flushAdded()
  }
  if (writeError) {
    runs.finish(runId, 'failed', null)
    throw new WeftError('INTERNAL', `Could not store the evaluation's results: ${(writeError as Error).message}`)
  }
  const summary = summarize(runs.rows(runId))
  runs.finish(runId, outcome.cancelled ? 'cancelled' : 'finished', summary)
  return { run: runs.get(runId)!, summary }
}
