/**
 * Feedback on spans, for every source (thumbs, notes and scores from the UI;
 * Weave's `/feedback/create`): one generic table indexed by span. Weave's
 * feedback types map onto a name and a value (`wandb.runnable.<scorer>` →
 * name = scorer, value = payload.output) and keep their full payload and refs.
 */
import type Database from 'better-sqlite3'
import { evaluate } from './expr'
import { parseWeaveRef, uuidv7 } from './ids'
import type { FeedbackCreate, FeedbackQuery } from './schemas'

/** A feedback row. */
export interface Feedback {
  id: string
  spanId: string | null
  traceId: string | null
  /** What kind of feedback (`thumbs`, `note`, `score`, `wandb.runnable.exactMatch`, …). */
  type: string
  /** Which score or label it sets, when it has one. */
  name: string | null
  value: unknown
  payload: Record<string, unknown>
  creator: string | null
  createdMs: number
  /** Where it came from: `ui`, `weave`, `sdk`, … */
  source: string
  /** What it is about when not a span (a Weave object ref). */
  targetRef: string | null
  projectId: string | null
  /** The source's own fields, kept. */
  extra: Record<string, unknown>
}

/** What {@link addFeedback} needs; the rest is defaulted. */
export type FeedbackInput = Pick<Feedback, 'type' | 'source'> & Partial<Omit<Feedback, 'type' | 'source'>>

interface FeedbackRow {
  id: string
  span_id: string | null
  trace_id: string | null
  type: string
  name: string | null
  value: string | null
  payload: string
  creator: string | null
  created_ms: number
  source: string
  target_ref: string | null
  project_id: string | null
  extra: string | null
}

/** Stores one feedback row and returns it. */
export function addFeedback(db: Database.Database, input: FeedbackInput): Feedback {
  const row: Feedback = {
    id: input.id ?? uuidv7(), spanId: input.spanId ?? null, traceId: input.traceId ?? null, type: input.type,
    name: input.name ?? null, value: input.value ?? null, payload: input.payload ?? {}, creator: input.creator ?? null,
    createdMs: input.createdMs ?? Date.now(), source: input.source, targetRef: input.targetRef ?? null,
    projectId: input.projectId ?? null, extra: input.extra ?? {},
  }
  db.prepare(`INSERT INTO feedback (id, span_id, trace_id, type, name, value, payload, creator, created_ms, source, target_ref, project_id, extra)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    row.id, row.spanId, row.traceId, row.type, row.name, JSON.stringify(row.value), JSON.stringify(row.payload), row.creator,
    row.createdMs, row.source, row.targetRef, row.projectId, JSON.stringify(row.extra),
  )
  return row
}

/** A span's feedback, oldest first. */
export function listFeedback(db: Database.Database, spanId: string): Feedback[] {
  return db.prepare<[string], FeedbackRow>('SELECT * FROM feedback WHERE span_id = ? ORDER BY created_ms, id').all(spanId).map(fromRow)
}

function fromRow(r: FeedbackRow): Feedback {
  return {
    id: r.id, spanId: r.span_id, traceId: r.trace_id, type: r.type, name: r.name, value: r.value === null ? null : JSON.parse(r.value),
    payload: JSON.parse(r.payload) as Record<string, unknown>, creator: r.creator, createdMs: r.created_ms, source: r.source,
    targetRef: r.target_ref, projectId: r.project_id, extra: r.extra ? (JSON.parse(r.extra) as Record<string, unknown>) : {},
  }
}

/** Weave's name and value for a feedback type and payload. */
export function weaveNameAndValue(type: string, payload: Record<string, unknown>): { name: string | null; value: unknown } {
  const runnable = /^wandb\.runnable\.(.+)$/.exec(type)
  if (runnable) return { name: runnable[1]!, value: payload.output ?? null }
  if (type.startsWith('wandb.reaction.')) return { name: 'reaction', value: payload.emoji ?? null }
  if (type.startsWith('wandb.note.')) return { name: 'note', value: payload.note ?? null }
  const annotation = /^wandb\.annotation\.(.+)$/.exec(type)
  if (annotation) return { name: annotation[1]!, value: payload.value ?? null }
  return { name: null, value: 'value' in payload ? payload.value : 'output' in payload ? payload.output : payload }
}

const EXTRA_KEYS = ['annotation_ref', 'runnable_ref', 'call_ref', 'trigger_ref', 'wb_user_id'] as const

/** `/feedback/create`: feedback on a call lands on its span. */
export function createWeaveFeedback(db: Database.Database, req: FeedbackCreate, now = Date.now()) {
  const ref = parseWeaveRef(req.weave_ref)
  const spanId = ref?.kind === 'call' ? ref.name : null
  const traceId = spanId
    ? (db.prepare<[string], { trace_id: string | null }>('SELECT trace_id FROM weave_calls WHERE id = ?').get(spanId)?.trace_id ?? null)
    : null
  const extra: Record<string, unknown> = {}
  for (const key of EXTRA_KEYS) if (req[key]) extra[key] = req[key]
  const row = addFeedback(db, {
    spanId, traceId, type: req.feedback_type, ...weaveNameAndValue(req.feedback_type, req.payload), payload: req.payload,
    creator: req.creator ?? null, createdMs: now, source: 'weave', targetRef: req.weave_ref, projectId: req.project_id, extra,
  })
  return { id: row.id, created_at: new Date(row.createdMs).toISOString(), wb_user_id: req.wb_user_id ?? 'weft', payload: req.payload }
}

/** A feedback row as Weave's `Feedback` record. */
function toWeave(f: Feedback): Record<string, unknown> {
  return {
    id: f.id, project_id: f.projectId, weave_ref: f.targetRef ?? (f.spanId ? `weave:///${f.projectId ?? 'weft/local'}/call/${f.spanId}` : null),
    creator: f.creator, feedback_type: f.type, payload: f.payload, created_at: new Date(f.createdMs).toISOString(),
    annotation_ref: null, runnable_ref: null, call_ref: null, trigger_ref: null, wb_user_id: 'weft', ...f.extra,
  }
}

/** A call's feedback in Weave's form (for `include_feedback`). */
export function feedbackForSpan(db: Database.Database, spanId: string): Array<Record<string, unknown>> {
  return listFeedback(db, spanId).map(toWeave)
}

/** `/feedback/query`: a project's feedback (Weave-sourced or not) filtered by `$expr`, sorted, paginated, optionally projected. */
export function queryWeaveFeedback(db: Database.Database, req: FeedbackQuery): Array<Record<string, unknown>> {
  const rows = db.prepare<[string], FeedbackRow>(
    `SELECT f.* FROM feedback f LEFT JOIN weave_calls c ON c.id = f.span_id
     WHERE COALESCE(f.project_id, c.project_id) = ? ORDER BY f.created_ms, f.id`,
  ).all(req.project_id)
  let result = rows.map((r) => toWeave(fromRow(r)))
  if (req.query) result = result.filter((f) => evaluate(req.query!.$expr, f))
  for (const { field, direction } of [...(req.sort_by ?? [])].reverse()) {
    result.sort((a, b) => {
      const x = a[field] as string | number
      const y = b[field] as string | number
      return x === y ? 0 : (x < y ? -1 : 1) * (direction === 'desc' ? -1 : 1)
    })
  }
  const offset = req.offset ?? 0
  result = result.slice(offset, req.limit === null || req.limit === undefined ? undefined : offset + req.limit)
  const fields = req.fields
  return fields && fields.length ? result.map((f) => Object.fromEntries(fields.map((k) => [k, f[k] ?? null]))) : result
}
