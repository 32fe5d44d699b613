/**
 * Weave calls → Weft spans. A start becomes a running span and its end fills it
 * in (the trace database merges re-arrivals); an end whose start has not come
 * yet waits in `weave_calls.pending_end` and is merged when the start arrives.
 *
 * Weave sums children's `summary.usage` into every ancestor; Weft rolls usage up
 * itself, so a span keeps only its own usage: the call's usage minus what its
 * children reported (accumulated in `weave_calls.child_usage` as they end).
 */
import type { SpanInput } from '../../../common/schemas/span'
import type { TraceDb } from '../db'
import { parseWeaveRef, uuidv7 } from './ids'
import { parseIsoMs, type CallEnd, type CallStart } from './schemas'
import type Database from 'better-sqlite3'

/** One start or end of a `/call/upsert_batch`. */
export type CallItem = { start: CallStart } | { end: CallEnd }

/** Tokens per model, as Weft counts them. */
type Usage = Record<string, { inputTokens: number; outputTokens: number }>

/** A `weave_calls` row. */
export interface CallRow {
  id: string
  project_id: string
  trace_id: string | null
  parent_id: string | null
  op_name: string | null
  started_ms: number | null
  ended_ms: number | null
  pending_end: string | null
  child_usage: string | null
  display_name: string | null
}

/** What the batch did: one reply per item, and the traces that changed. */
export interface IngestResult {
  res: Array<{ id: string; trace_id: string } | Record<string, never>>
  traceIds: string[]
  spanCount: number
  /**
   * Evaluate calls this batch may have completed: those that ended in it, and
   * the parents of rows (predict_and_score) that ended in it, in case a row
   * arrives after its evaluation's end. See evaluations.ts.
   */
  evaluationIds: string[]
}

type Start = CallStart & { id: string; trace_id: string }

const cache = new WeakMap<Database.Database, ReturnType<typeof prepare>>()
/** Prepared statements on `weave_calls`, once per database handle. */
export function callStatements(db: Database.Database) {
  let s = cache.get(db)
  if (!s) cache.set(db, (s = prepare(db)))
  return s
}
function prepare(db: Database.Database) {
  return {
    get: db.prepare<[string], CallRow>('SELECT * FROM weave_calls WHERE id = ?'),
    put: db.prepare(`INSERT OR REPLACE INTO weave_calls (id, project_id, trace_id, parent_id, op_name, started_ms, ended_ms, pending_end, child_usage, display_name)
      VALUES (@id, @project_id, @trace_id, @parent_id, @op_name, @started_ms, @ended_ms, @pending_end, @child_usage, @display_name)`),
    rename: db.prepare('UPDATE weave_calls SET display_name = ? WHERE id = ?'),
  }
}

/** The op's short name: `greet` for `weave:///e/p/op/greet:abc`; other strings as they are. */
export function opShortName(opName: string): string {
  return parseWeaveRef(opName)?.name ?? opName
}

/** Stores a batch of starts and ends in one transaction; items may arrive in any order, across batches. */
export function ingestCalls(traces: TraceDb, items: readonly CallItem[]): IngestResult {
  const db = traces.sqlite
  const s = callStatements(db)
  const res: IngestResult['res'] = []
  const byId = new Map<string, { start?: Start; end?: CallEnd; order: number }>()
  const entry = (id: string) => {
    let e = byId.get(id)
    if (!e) byId.set(id, (e = { order: Infinity }))
    return e
  }
  items.forEach((item, index) => {
    if ('start' in item) {
      const start: Start = { ...item.start, id: item.start.id ?? uuidv7(), trace_id: item.start.trace_id ?? uuidv7() }
      res.push({ id: start.id, trace_id: start.trace_id })
      const e = entry(start.id)
      e.start ??= start
      if (!e.end) e.order = items.length + index
    } else {
      res.push({})
      const e = entry(item.end.id)
      e.end ??= item.end
      e.order = Math.min(e.order, index)
    }
  })
  // Children end before their parents, so completing calls in end order lets
  // each parent see its children's usage before it computes its own.
  const ordered = [...byId.entries()].sort((a, b) => a[1].order - b[1].order)
  const spans: SpanInput[] = []
  const evaluationIds = new Set<string>()
  db.transaction(() => {
    for (const [id, { start, end: newEnd }] of ordered) {
      const row = s.get.get(id)
      const end = newEnd ?? (row?.pending_end ? (JSON.parse(row.pending_end) as CallEnd) : undefined)
      if (!start && (!row || row.started_ms === null)) {
        // The end came first: keep it (the first one) until its start arrives.
        s.put.run({ ...emptyRow(id, end!.project_id), ...row, pending_end: row?.pending_end ?? JSON.stringify(end) })
        continue
      }
      const firstEnd = end !== undefined && (row?.ended_ms ?? null) === null
      const next: CallRow = start
        ? {
            ...emptyRow(id, start.project_id), ...row, project_id: start.project_id, trace_id: row?.trace_id ?? start.trace_id,
            parent_id: row?.started_ms != null ? row.parent_id : (start.parent_id ?? null), op_name: row?.op_name ?? start.op_name,
            started_ms: row?.started_ms ?? parseIsoMs(start.started_at)!,
          }
        : { ...row! }
      next.pending_end = null
      if (end) next.ended_ms = row?.ended_ms ?? parseIsoMs(end.ended_at)!
      const startName = start?.display_name ?? null
      if (end?.display_name && startName && end.display_name !== startName) next.display_name ??= end.display_name

      let usage: Usage = {}
      if (end && firstEnd) {
        const reported = readUsage(end.summary?.usage)
        usage = subtract(reported, row?.child_usage ? (JSON.parse(row.child_usage) as Usage) : {})
        if (next.parent_id) addChildUsage(s, next.parent_id, next.project_id, reported)
      }
      s.put.run(next)
      spans.push(toSpan(next, start, end, usage))
      // The substring test keeps ordinary calls from parsing their op ref a second time.
      if (end && next.op_name?.includes('Evaluation.')) {
        const op = opShortName(next.op_name)
        if (op === EVALUATE_OP) evaluationIds.add(id)
        else if (next.parent_id && ROW_OP.test(op)) evaluationIds.add(next.parent_id)
      }
    }
    traces.insertSpans(spans)
    // IMMEDIATE: reads then writes; another writer on the file must make this wait, not fail.
  }).immediate()
  return { res, traceIds: [...new Set(spans.map((span) => span.traceId))], spanCount: spans.length, evaluationIds: [...evaluationIds] }
}

/** Renames a call (`/call/update`): its span (and trace, when it names one) and what Weave reads back. */
export function renameCall(traces: TraceDb, id: string, displayName: string): boolean {
  const s = callStatements(traces.sqlite)
  const known = s.rename.run(displayName, id).changes > 0
  const traceId = s.get.get(id)?.trace_id
  return (traceId ? traces.renameSpan(traceId, id, displayName) : false) || known
}

function emptyRow(id: string, projectId: string): CallRow {
  return {
    id, project_id: projectId, trace_id: null, parent_id: null, op_name: null, started_ms: null, ended_ms: null,
    pending_end: null, child_usage: null, display_name: null,
  }
}

function addChildUsage(s: ReturnType<typeof callStatements>, parentId: string, projectId: string, usage: Usage): void {
  if (Object.keys(usage).length === 0) return
  const parent = s.get.get(parentId) ?? emptyRow(parentId, projectId)
  const sum = parent.child_usage ? (JSON.parse(parent.child_usage) as Usage) : {}
  for (const [model, u] of Object.entries(usage)) {
    const acc = (sum[model] ??= { inputTokens: 0, outputTokens: 0 })
    acc.inputTokens += u.inputTokens
    acc.outputTokens += u.outputTokens
  }
  s.put.run({ ...parent, child_usage: JSON.stringify(sum) })
}

/** `summary.usage[model]` → tokens (prompt_tokens or input_tokens, completion_tokens or output_tokens). */
export function readUsage(raw: unknown): Usage {
  const usage: Usage = {}
  if (typeof raw !== 'object' || raw === null) return usage
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0)
  for (const [model, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue
    const u = value as Record<string, unknown>
    usage[model] = { inputTokens: count(u.prompt_tokens ?? u.input_tokens), outputTokens: count(u.completion_tokens ?? u.output_tokens) }
  }
  return usage
}

function subtract(total: Usage, children: Usage): Usage {
  const own: Usage = {}
  for (const [model, u] of Object.entries(total)) {
    const c = children[model] ?? { inputTokens: 0, outputTokens: 0 }
    const inputTokens = Math.max(0, u.inputTokens - c.inputTokens)
    const outputTokens = Math.max(0, u.outputTokens - c.outputTokens)
    if (inputTokens > 0 || outputTokens > 0 || !children[model]) own[model] = { inputTokens, outputTokens }
  }
  return own
}

/** The op of a Weave evaluation's root call (Evaluation.evaluate, EvaluationLogger, Python). */
export const EVALUATE_OP = 'Evaluation.evaluate'
/** The op of one evaluated row: the JS SDK's camelCase and Python's (also EvaluationLogger's) snake_case. */
export const ROW_OP = /^Evaluation\.(predictAndScore|predict_and_score)$/

const EVALUATION_OP = /^Evaluation\.|(^|\.)(predict_and_score|predictAndScore)$/
const LLM_OP = /^(openai|anthropic|litellm|mistral|groq|cohere|google|gemini|vertexai|bedrock)[._]|chat\.completions|(^|\.)messages\.(create|stream)$|responses\.create$/i

/** Weft's kind for a Weave op: evaluations by Weave's op names, LLM calls by integration names, usage or request shape. */
export function inferKind(op: string, inputs: unknown, usage: Usage): SpanInput['kind'] {
  if (EVALUATION_OP.test(op)) return 'evaluation'
  const i = (typeof inputs === 'object' && inputs !== null ? inputs : {}) as Record<string, unknown>
  const looksLikeRequest = typeof i.model === 'string' && (Array.isArray(i.messages) || 'prompt' in i || 'input' in i)
  if (LLM_OP.test(op) || Object.keys(usage).length > 0 || looksLikeRequest) return 'llm'
  if (/embed/i.test(op)) return 'embedding'
  if (/retriev/i.test(op)) return 'retrieval'
  return 'other'
}

/** A Python client's exception is JSON ({type, message, traceback}); the JS SDK's is the message. */
function readException(exception: string): NonNullable<SpanInput['error']> {
  try {
    const parsed = JSON.parse(exception) as { type?: unknown; message?: unknown; traceback?: unknown }
    if (typeof parsed === 'object' && parsed !== null && typeof parsed.message === 'string') {
      const error: NonNullable<SpanInput['error']> = { message: parsed.message }
      if (typeof parsed.type === 'string') error.type = parsed.type
      if (typeof parsed.traceback === 'string') error.stack = parsed.traceback
      return error
    }
  } catch {}
  return { message: exception }
}

function toSpan(row: CallRow, start: Start | undefined, end: CallEnd | undefined, usage: Usage): SpanInput {
  const op = opShortName(row.op_name ?? '')
  const displayName = start?.display_name ?? end?.display_name ?? null
  const attributes: Record<string, unknown> = { ...(start?.attributes ?? {}) }
  if (start) {
    attributes['weave.op_name'] = start.op_name
    attributes['weave.project_id'] = start.project_id
    for (const key of ['wb_user_id', 'wb_run_id', 'thread_id'] as const) if (start[key]) attributes[`weave.${key}`] = start[key]
  }
  if (displayName) attributes['weave.display_name'] = displayName
  if (end) {
    attributes['weave.summary'] = end.summary ?? {}
    if (end.exception) attributes['weave.exception'] = end.exception
  }
  const span: SpanInput = {
    id: row.id,
    traceId: row.trace_id!,
    parentId: row.parent_id,
    // The span keeps the op (or display) name of its start; an end alone only fills in.
    name: (displayName ?? op).slice(0, 1000) || 'call',
    kind: inferKind(op, start?.inputs, usage),
    startMs: row.started_ms!,
    endMs: end ? parseIsoMs(end.ended_at)! : null,
    status: end ? (end.exception ? 'error' : 'ok') : 'running',
    error: end?.exception ? readException(end.exception) : null,
    attributes,
    usage,
  }
  if (start) span.inputs = start.inputs ?? {}
  if (end) span.output = end.output ?? null
  return span
}
