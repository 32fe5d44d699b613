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
import { parseEvaluation, type EvaluationDefinition } from './definition'
import { runLoop, type RunProgress, type RunScorer } from './runLoop'
import { runStore, type StoredRun } from './runStore'
import { lookupScorer } from './scorers'
import { summarize, type RunSummary } from './summary'
import { httpTarget, promptTarget, type Target } from './targets'

/** What {@link runEvaluation} needs. */
export interface EngineOptions {
  store: ObjectStore
  providers: Providers
  traces: TraceDb
  /** The evaluation's name (`evals/NAME.yaml`), or a reference to one version. */
  name: string
  /** Overrides of the definition (`--concurrency`, `--trials`). */
  concurrency?: number
  trials?: number
  /** Continue this run instead of starting one. */
  resume?: string
  cache?: boolean
  onProgress?(progress: RunProgress & { runId: string }): void
  signal?: AbortSignal
}

/** The run as stored at the end, with its summary. */
export interface EngineResult {
  run: StoredRun
  summary: RunSummary
}

async function buildTarget(options: EngineOptions, definition: EvaluationDefinition): Promise<Target> {
  const t = definition.target
  if ('http' in t) return httpTarget(t.http)
  return promptTarget({ store: options.store, providers: options.providers, prompt: t.prompt, model: t.model, cache: options.cache })
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
    if (previous.source !== 'weft') throw new WeftError('CONFLICT', `Run ${previous.id} was recorded by ${previous.source === 'sdk' ? 'the SDK' : 'W&B Weave'}; only Weft's own runs resume`, [{ path: 'resume', message: previous.source }])
    ;({ definition, pinned } = previous)
    runId = previous.id
    runs.reopen(runId)
  } else {
    const { resolved, content } = await options.store.read(parseRef(options.name, 'evaluation'))
    if (resolved.kind !== 'evaluation') throw new WeftError('INVALID_REQUEST', `${resolved.ref} is a ${resolved.kind}, not an evaluation`, [{ path: 'name', message: 'not an evaluation' }])
    definition = parseEvaluation(content, `evals/${resolved.name}.yaml`, lookupScorer)
    if (options.concurrency) definition.concurrency = options.concurrency
    if (options.trials) definition.trials = options.trials
    const dataset = await options.store.resolve(parseRef(definition.dataset, 'dataset'))
    pinned = { evaluation: `evaluation:${resolved.name}@${resolved.digest}`, dataset: `dataset:${dataset.name}@${dataset.digest}` }
    runId = '' // set below once the target pinned its versions
  }
  const { content: datasetText, resolved: datasetRef } = await options.store.read(parseRef(pinned.dataset!, 'dataset'))
  const rows = parseJsonl(datasetText, `datasets/${datasetRef.name}.jsonl`).map((r) => r as Record<string, unknown> & { id: string })
  const target = await buildTarget(options, definition)
  if (!options.resume) {
    pinned = { ...pinned, ...target.pinned }
    runId = runs.create(options.name, definition, pinned, await options.store.head().catch(() => null), rows.length * definition.trials)
  }
  const scorers: RunScorer[] = definition.scorers.map((s) => ({ id: s.id, scorer: lookupScorer(s.type)!, params: s.params }))
  const outcome = await runLoop({
    rows,
    trials: definition.trials,
    concurrency: definition.concurrency,
    target: (row, signal) => target.call(row, signal),
    scorers,
    constraints: definition.constraints,
    done: runs.doneKeys(runId),
    record: (result) => runs.record(runId, result),
    onProgress: (progress) => options.onProgress?.({ ...progress, runId }),
    // The judge's rubric and model resolve like any reference (a label moved mid-run is seen by later rows).
    judge: async (prompt, model, variables, signal) => {
      const result = await runPrompt(options.store, options.providers, { prompt: parseRef(prompt, 'prompt'), model: parseRef(model, 'model'), variables }, { signal })
      if (result.response.error) throw new Error(`judge ${result.response.error.code}: ${result.response.error.message}`)
      return { text: result.response.output, costUsd: result.response.costUsd }
    },
    signal: options.signal,
  })
  const summary = summarize(runs.rows(runId))
  runs.finish(runId, outcome.cancelled ? 'cancelled' : 'finished', summary)
  return { run: runs.get(runId)!, summary }
}
