/**
 * W&B Weave evaluations show up as Weft evaluation runs (issue 8): when an
 * `Evaluation.evaluate` call ends (the JS `Evaluation`, `EvaluationLogger`, or
 * Python), its calls are read back from the trace database, mapped
 * (evaluationRows.ts) and stored as a run with source 'weave', so `weft eval
 * list/show/compare` and the evals.* operations see it like any run.
 *
 * The run keeps the evaluate call's ref in `pinned.call`; a re-sent end (or a
 * row arriving after it) finds that run and rewrites the same rows, so
 * delivering a batch twice never makes a second run.
 */
import type Database from 'better-sqlite3'
import { runStore, type RunStore } from '../../evals/runStore'
import { summarize } from '../../evals/summary'
import type { SpanNode, TraceDb } from '../db'
import { callStatements, EVALUATE_OP, opShortName, ROW_OP, type CallRow } from './calls'
import { weaveRowIds } from './datasets'
import { valueDigest } from './digest'
import { mapWeaveEvaluation, type EvalCall, type WeaveEvaluationCalls, type WeaveRun } from './evaluationRows'
import { parseWeaveRef } from './ids'
import { readObject } from './objects'
import { parsePyJson } from './pyjson'
import { readRow, tableRowDigests } from './tables'

/**
 * Records the evaluations among these calls (ids from `ingestCalls`'s
 * `evaluationIds`) as runs; returns the run ids written. Never throws: ingest
 * must not fail because an evaluation could not be mapped, so failures are
 * logged and the evaluation skipped.
 */
export function recordWeaveEvaluations(traces: TraceDb, callIds: readonly string[], log: (message: string) => void = console.warn): string[] {
  const runIds: string[] = []
  for (const id of callIds) {
    try {
      const runId = recordWeaveEvaluation(traces, id)
      if (runId) runIds.push(runId)
    } catch (error) {
      log(`weft: the Weave evaluation ${id} was not recorded as a run: ${(error as Error).stack ?? String(error)}`)
    }
  }
  return runIds
}

/** Records one ended evaluate call as a run (creating it or rewriting its rows); undefined when it is not one yet. */
export function recordWeaveEvaluation(traces: TraceDb, callId: string): string | undefined {
  const calls = readWeaveEvaluation(traces, callId)
  return calls ? storeWeaveRun(traces.sqlite, mapWeaveEvaluation(calls)) : undefined
}

/** The run recorded for a Weave evaluate call (by its ref, `pinned.call`), if any. */
export function findWeaveRun(db: Database.Database, evaluateCallRef: string): string | undefined {
  // Unindexed, but eval_runs holds one row per run and this runs once per evaluation end.
  return db.prepare<[string], { id: string }>("SELECT id FROM eval_runs WHERE source = 'weave' AND json_extract(pinned, '$.call') = ?").get(evaluateCallRef)?.id
}

/** Stores a mapped run in one transaction: a half-written run is never seen, and a re-delivery rewrites the same rows. */
export function storeWeaveRun(db: Database.Database, run: WeaveRun): string {
  const runs = runStore(db)
  return db.transaction(() => {
    const runId = findWeaveRun(db, run.pinned.call) ?? runs.create(
      // The store keeps definitions as JSON; a Weave run's says what Weave ran, not a Weft target.
      run.name, run.definition as unknown as Parameters<RunStore['create']>[1], run.pinned, null, run.total,
      { now: run.startedMs, source: 'weave', pid: null },
    )
    for (const row of run.rows) runs.record(runId, row)
    runs.finish(runId, run.status, summarize(run.rows), run.endedMs)
    return runId
  }).immediate()
}

/** An ended evaluate call's calls as the mapping needs them, or undefined when the call is not (yet) an ended evaluation. */
export function readWeaveEvaluation(traces: TraceDb, callId: string): WeaveEvaluationCalls | undefined {
  const db = traces.sqlite
  const root = callStatements(db).get.get(callId)
  if (!root?.trace_id || root.started_ms === null || root.ended_ms === null || opShortName(root.op_name ?? '') !== EVALUATE_OP) return undefined
  const traceId = root.trace_id
  const inTrace = db.prepare<[string], CallRow>('SELECT * FROM weave_calls WHERE trace_id = ? AND started_ms IS NOT NULL').all(traceId)
  const nodes = new Map<string, SpanNode>()
  const stack = [...(traces.getTrace(traceId)?.roots ?? [])]
  while (stack.length) {
    const node = stack.pop()!
    nodes.set(node.id, node)
    stack.push(...node.children)
  }
  const byParent = new Map<string, CallRow[]>()
  for (const row of inTrace) {
    if (!row.parent_id) continue
    const siblings = byParent.get(row.parent_id)
    if (siblings) siblings.push(row)
    else byParent.set(row.parent_id, [row])
  }
  const descendants: CallRow[] = [...(byParent.get(root.id) ?? [])]
  for (let i = 0; i < descendants.length; i++) descendants.push(...(byParent.get(descendants[i]!.id) ?? []))

  // Only the root and the rows need their payloads; the rest are read from the tree.
  const toCall = (row: CallRow, withPayloads: boolean): EvalCall | undefined => {
    const node = nodes.get(row.id)
    if (!node) return undefined
    const call: EvalCall = {
      id: row.id, opName: row.op_name ?? '', parentId: row.parent_id, startMs: node.startMs, endMs: node.endMs,
      status: node.status === 'error' ? 'error' : node.status === 'running' ? 'running' : 'ok', error: node.error?.message ?? null,
      tokens: node.inputTokens + node.outputTokens, costUsd: node.costUsd,
    }
    if (withPayloads) {
      const span = traces.getSpan(traceId, row.id)
      call.inputs = span?.inputs
      call.output = span?.output
    }
    return call
  }
  const rootCall = toCall(root, true)
  if (!rootCall) return undefined
  const calls = descendants.flatMap((row) => toCall(row, row.parent_id === root.id && ROW_OP.test(opShortName(row.op_name ?? ''))) ?? [])
  const self = (rootCall.inputs as { self?: unknown } | undefined)?.self
  const evaluation = typeof self === 'string' ? resolveObject(db, self) : null
  const dataset = readDataset(db, evaluation?.dataset)
  return {
    projectId: root.project_id, traceId, root: rootCall, displayName: nodes.get(root.id)?.name ?? root.display_name, calls, evaluation,
    datasetRowCount: dataset ? dataset.digests.length : null,
    exampleIds: (example) => exampleIds(db, root.project_id, dataset, example),
  }
}

interface Dataset {
  digests: string[]
  /** Row ids by row digest, in dataset order (identical rows share a digest). */
  ids: Map<string, string[]>
}

/** A Weave dataset ref's rows keyed as `weave.importDataset` keys them (weaveRowIds). */
function readDataset(db: Database.Database, ref: unknown): Dataset | undefined {
  const val = typeof ref === 'string' ? resolveObject(db, ref) : null
  const table = typeof val?.rows === 'string' ? parseWeaveRef(val.rows) : undefined
  if (table?.kind !== 'table') return undefined
  const digests = tableRowDigests(db, table.projectId, table.name)
  if (!digests) return undefined
  const rows = digests.map((d) => asRow(readRow(db, table.projectId, d)))
  const ids = new Map<string, string[]>()
  weaveRowIds(rows).forEach((id, i) => ids.set(digests[i]!, [...(ids.get(digests[i]!) ?? []), id]))
  return { digests, ids }
}

/** The row ids an example can take: a dataset row ref's, else an inline row's own id or digest id. */
function exampleIds(db: Database.Database, projectId: string, dataset: Dataset | undefined, example: unknown): string[] {
  if (typeof example === 'string') {
    const ref = parseWeaveRef(example)
    const digest = ref && ref.extra.at(-2) === 'id' ? ref.extra.at(-1) : undefined
    if (digest) {
      const known = dataset?.ids.get(digest)
      if (known) return known
      const row = readRow(db, ref!.projectId || projectId, digest)
      return row === undefined ? [`w-${digest.slice(0, 12)}`] : weaveRowIds([asRow(row)])
    }
  }
  if (typeof example === 'object' && example !== null && !Array.isArray(example)) return weaveRowIds([example as Record<string, unknown>])
  // Anything else (a bare string or number as the example) is keyed by its own digest.
  return [`w-${valueDigest(parsePyJson(JSON.stringify(example ?? null))).slice(0, 12)}`]
}

function asRow(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value }
}

function resolveObject(db: Database.Database, uri: string): Record<string, unknown> | null {
  const ref = parseWeaveRef(uri)
  if (ref?.kind !== 'object') return null
  const val = readObject(db, ref.projectId, ref.name, ref.version!)?.val
  return typeof val === 'object' && val !== null && !Array.isArray(val) ? (val as Record<string, unknown>) : null
}
