/**
 * A W&B Weave evaluation's calls → a Weft evaluation run (issue 8), as pure
 * functions over call records so odd shapes can be tested by hand: each
 * predict_and_score call under `Evaluation.evaluate` is one row × trial, its
 * `scores` become Weft scores, its model call gives the error, latency, tokens
 * and cost. Reading the calls from the trace database is evaluations.ts.
 */
import type { RowResult } from '../../evals/summary'
import { opShortName, ROW_OP } from './calls'
import { parseWeaveRef } from './ids'

/** One Weave call as the mapping needs it (inputs, output and attributes only where read). */
export interface EvalCall {
  id: string
  /** As sent: an op ref (`weave:///e/p/op/name:digest`) or a bare name. */
  opName: string
  parentId: string | null
  startMs: number
  endMs: number | null
  status: 'ok' | 'error' | 'running'
  error: string | null
  /** The span's own tokens (Weft keeps each span's usage without its children's). */
  tokens: number
  costUsd: number | null
  inputs?: unknown
  output?: unknown
}

/** An ended `Evaluation.evaluate` call with everything under it. */
export interface WeaveEvaluationCalls {
  /** The Weave project (`entity/project`). */
  projectId: string
  /** The evaluation's trace: every row ran in it, so each row records it. */
  traceId: string
  root: EvalCall
  displayName: string | null
  /** The root's descendants, in any order; rows need inputs and output. */
  calls: EvalCall[]
  /** The Evaluation object's value (`inputs.self`), when stored. */
  evaluation: Record<string, unknown> | null
  /** Rows of the evaluation's dataset, when it is a stored Weave dataset. */
  datasetRowCount: number | null
  /**
   * The Weft row ids an example (a row ref or an inline row) can take: those
   * of the dataset rows it equals, in dataset order (identical rows share a
   * digest), or its own id.
   */
  exampleIds(example: unknown): string[]
}

/** What a Weave evaluation becomes. */
export interface WeaveRun {
  name: string
  /** Stored as the run's definition; Weave runs have no Weft target, so it says what Weave ran instead. */
  definition: {
    description: string
    dataset: string | null
    target: { weave: string | null }
    scorers: Array<{ id: string; type: 'weave'; params: Record<string, never> }>
    trials: number
    constraints: Record<string, never>
    thresholds: Record<string, never>
  }
  /** The evaluate call's ref (`call`, which finds the run again on re-delivery), the Evaluation, dataset and model refs. */
  pinned: Record<string, string> & { call: string }
  status: 'finished' | 'failed'
  startedMs: number
  endedMs: number
  total: number
  rows: RowResult[]
}

type Score = RowResult['scores'][string]
const MAX_DEPTH = 4

/**
 * A scorer's output as Weft scores: a boolean is 1/0 with pass, a number its
 * score, a dict each numeric or boolean field as `scorer.field` (nested dicts
 * too). Strings, lists and nulls carry no score and are left out.
 */
export function flattenScore(name: string, value: unknown, depth = 0): Record<string, NonNullable<Score>> {
  if (typeof value === 'boolean') return { [name]: { score: value ? 1 : 0, pass: value } }
  if (typeof value === 'number') return Number.isFinite(value) ? { [name]: { score: value } } : {}
  if (!isRecord(value) || depth >= MAX_DEPTH) return {}
  const scores: Record<string, NonNullable<Score>> = {}
  for (const [field, v] of Object.entries(value)) Object.assign(scores, flattenScore(`${name}.${field}`, v, depth + 1))
  return scores
}

/** Maps an evaluation's calls to a run; rows in call start order, trials counted per row id. */
export function mapWeaveEvaluation(e: WeaveEvaluationCalls): WeaveRun {
  const children = new Map<string, EvalCall[]>()
  for (const call of e.calls) {
    if (!call.parentId) continue
    const list = children.get(call.parentId) ?? []
    list.push(call)
    children.set(call.parentId, list)
  }
  for (const list of children.values()) list.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id))
  const rootInputs = isRecord(e.root.inputs) ? e.root.inputs : {}
  const modelRef = typeof rootInputs.model === 'string' ? rootInputs.model : null
  const listed = Array.isArray(e.evaluation?.scorers) ? e.evaluation.scorers.flatMap((s) => (typeof s === 'string' ? [refName(s)] : [])) : []
  const scorerNames = new Set(listed)
  const isScorer = (call: EvalCall) => opShortName(call.opName).endsWith('.score') || scorerNames.has(opShortName(call.opName))
  const scorerOf = (call: EvalCall) => opShortName(call.opName).replace(/\.score$/, '')

  const rowCalls = (children.get(e.root.id) ?? []).filter((c) => ROW_OP.test(opShortName(c.opName)))
  // A row still running (its end not here yet) is left for the conversion its end triggers.
  const drafts = rowCalls.filter((c) => c.status !== 'running').map((row) => {
    const kids = children.get(row.id) ?? []
    const model = kids.find((k) => modelRef !== null && k.opName === modelRef) ?? kids.find((k) => !isScorer(k) && !opShortName(k.opName).startsWith('Evaluation.'))
    const out = isRecord(row.output) ? row.output : {}
    const modelFailed = out.model_success === false || model?.status === 'error'
    const scores: Record<string, Score> = {}
    const byScorer = new Map<string, string[]>()
    if (isRecord(out.scores)) {
      for (const [scorer, value] of Object.entries(out.scores)) {
        const flat = flattenScore(scorer, value)
        Object.assign(scores, flat)
        byScorer.set(scorer, Object.keys(flat))
      }
    }
    const failedScorers = new Map(kids.filter((k) => isScorer(k) && k.status === 'error').map((k) => [scorerOf(k), k.error ?? 'failed']))
    const latency = typeof out.model_latency === 'number' && Number.isFinite(out.model_latency) ? Math.round(out.model_latency * 1000) : (duration(model) ?? duration(row))
    const measured = model ?? row
    return {
      row, model, modelFailed, scores, byScorer, failedScorers, latency,
      tokens: subtree(measured, children).reduce((t, c) => t + c.tokens, 0),
      costs: subtree(measured, children).flatMap((c) => (c.costUsd === null ? [] : [c.costUsd])),
      output: 'model_output' in out ? out.model_output : 'output' in out ? out.output : isRecord(row.output) ? null : (row.output ?? null),
      example: isRecord(row.inputs) ? row.inputs.example : undefined,
    }
  })

  // Every row carries every scorer's keys, as Weft's own runs do: a scorer
  // seen only as a dict elsewhere, or listed on the Evaluation but never
  // producing a number, still has its column.
  const keys = new Map<string, Set<string>>(listed.map((name) => [name, new Set()]))
  for (const d of drafts) {
    for (const [scorer, flat] of d.byScorer) for (const key of flat) (keys.get(scorer) ?? keys.set(scorer, new Set()).get(scorer)!).add(key)
    for (const scorer of d.failedScorers.keys()) if (!keys.has(scorer)) keys.set(scorer, new Set())
  }
  const seen = new Map<string, number>()
  const rows = drafts.map((d, index): RowResult => {
    let error = d.row.error ?? (d.modelFailed ? (d.model?.error ?? 'the model call failed') : null)
    for (const [scorer, set] of keys) {
      const columns = set.size ? [...set] : [scorer]
      const failure = d.byScorer.get(scorer)?.length ? undefined : d.failedScorers.get(scorer)
      for (const column of columns) {
        if (column in d.scores) continue
        // As in Weft's run loop: no model output means no scores; a scorer that threw scores 0 and names the error.
        d.scores[column] = failure !== undefined && !d.modelFailed ? { score: 0, pass: false } : null
      }
      if (failure !== undefined && !d.modelFailed) error ??= `scorer ${scorer}: ${failure}`
    }
    const ids = e.exampleIds(d.example)
    const candidates = ids.length ? ids : [`row-${index}`]
    const group = candidates.join('\n')
    const n = seen.get(group) ?? 0
    seen.set(group, n + 1)
    return {
      rowId: candidates[n % candidates.length]!, trial: Math.floor(n / candidates.length), output: d.output ?? null, error,
      latencyMs: d.latency, tokens: d.tokens, costUsd: d.costs.length ? d.costs.reduce((t, c) => t + c, 0) : null, scores: d.scores,
      traceId: e.traceId,
    }
  })

  const trialsAsked = Math.max(1, num(rootInputs.nTrials) ?? num(e.evaluation?.trials) ?? 1)
  const trials = rows.reduce((t, r) => Math.max(t, r.trial + 1), trialsAsked)
  const name = str(e.evaluation?.name) ?? e.displayName ?? opShortName(e.root.opName)
  const dataset = str(e.evaluation?.dataset)
  const pinned: WeaveRun['pinned'] = { call: callRef(e.projectId, e.root.id) }
  if (typeof rootInputs.self === 'string') pinned.evaluation = rootInputs.self
  if (dataset) pinned.dataset = dataset
  if (modelRef) pinned.model = modelRef
  return {
    name,
    definition: {
      description: `W&B Weave evaluation ${e.displayName ?? name}`, dataset, target: { weave: modelRef },
      scorers: [...keys.keys()].map((id) => ({ id, type: 'weave', params: {} })), trials, constraints: {}, thresholds: {},
    },
    pinned,
    status: e.root.status === 'error' ? 'failed' : 'finished',
    startedMs: e.root.startMs,
    endedMs: e.root.endMs ?? e.root.startMs,
    total: Math.max(rowCalls.length, e.datasetRowCount === null ? 0 : e.datasetRowCount * trials),
    rows,
  }
}

/** A Weave call's ref. */
export function callRef(projectId: string, callId: string): string {
  return `weave:///${projectId}/call/${callId}`
}

function subtree(call: EvalCall, children: Map<string, EvalCall[]>): EvalCall[] {
  const out: EvalCall[] = []
  const stack = [call]
  while (stack.length) {
    const c = stack.pop()!
    out.push(c)
    stack.push(...(children.get(c.id) ?? []))
  }
  return out
}

/** An op or object ref's name (`exact` for `…/op/exact:digest`); other strings as they are. */
function refName(ref: string): string {
  return parseWeaveRef(ref)?.name ?? ref
}

function duration(call: EvalCall | undefined): number | null {
  return call && call.endMs !== null ? Math.max(0, Math.round(call.endMs - call.startMs)) : null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}
