/**
 * Weave's side of feedback on spans (`/feedback/create`, `/feedback/query`,
 * `include_feedback`), stored in the generic feedback table (../feedback.ts).
 * Weave's feedback types map onto a name and a value (`wandb.runnable.<scorer>`
 * → name = scorer, value = payload.output) and keep their full payload and refs.
 */
import type Database from 'better-sqlite3'
import { addFeedback, fromRow, listFeedback, type Feedback, type FeedbackRow } from '../feedback'
import { evaluate } from './expr'
import { parseWeaveRef } from './ids'
import type { FeedbackCreate, FeedbackQuery } from './schemas'

// The generic store lives in ../feedback.ts; the Weave door and its tests keep importing it from here.
export { addFeedback, listFeedback, type Feedback, type FeedbackInput } from '../feedback'

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
