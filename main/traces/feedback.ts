/**
 * Feedback on spans, for every source (thumbs, notes and scores from the
 * workbench; Weave's `/feedback/create`): one generic table, indexed by span
 * and by trace. Rows keep each source's own type and payload; {@link toFeedbackItem}
 * maps them onto the API's three kinds, and the trace list's summaries and
 * filters read the same mapping in SQL ({@link THUMB_SQL}, {@link SCORE_SQL}).
 */
import type Database from 'better-sqlite3'
import type { z } from 'zod'
import { DEFAULT_FEEDBACK_NAMES, type FeedbackAddSchema, type FeedbackFilterSchema, type FeedbackItemSchema, type FeedbackSummarySchema } from '../../common/schemas/feedback'
import { uuidv7 } from './weave/ids'

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

/** Feedback as the API returns it. */
export type FeedbackItem = z.infer<typeof FeedbackItemSchema>

/** A trace's feedback at a glance. */
export type FeedbackSummary = z.infer<typeof FeedbackSummarySchema>

/** The trace list's feedback filter. */
export type FeedbackFilter = z.infer<typeof FeedbackFilterSchema>

/** A trace without feedback. */
export const NO_FEEDBACK: FeedbackSummary = Object.freeze({ count: 0, up: 0, down: 0, scores: Object.freeze({}) }) as FeedbackSummary

/** A `feedback` row as SQLite returns it. */
export interface FeedbackRow {
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

const inserts = new WeakMap<Database.Database, Database.Statement>()
/** The insert, prepared once per connection: online scoring stores thousands of rows a second. */
function insertStatement(db: Database.Database): Database.Statement {
  let statement = inserts.get(db)
  if (!statement) {
    statement = db.prepare(`INSERT INTO feedback (id, span_id, trace_id, type, name, value, payload, creator, created_ms, source, target_ref, project_id, extra)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    inserts.set(db, statement)
  }
  return statement
}

/** Stores one feedback row and returns it. */
export function addFeedback(db: Database.Database, input: FeedbackInput): Feedback {
  const row: Feedback = {
    id: input.id ?? uuidv7(), spanId: input.spanId ?? null, traceId: input.traceId ?? null, type: input.type,
    name: input.name ?? null, value: input.value ?? null, payload: input.payload ?? {}, creator: input.creator ?? null,
    createdMs: input.createdMs ?? Date.now(), source: input.source, targetRef: input.targetRef ?? null,
    projectId: input.projectId ?? null, extra: input.extra ?? {},
  }
  insertStatement(db).run(
    row.id, row.spanId, row.traceId, row.type, row.name, JSON.stringify(row.value), JSON.stringify(row.payload), row.creator,
    row.createdMs, row.source, row.targetRef, row.projectId, JSON.stringify(row.extra),
  )
  return row
}

/**
 * Which of a span's ids is unknown — `traceId`, `spanId` — or null when the
 * span is stored. Reads only keys: the span's payloads may be megabytes.
 */
export function unknownSpanField(db: Database.Database, traceId: string, spanId: string): 'traceId' | 'spanId' | null {
  const seq = db.prepare<[string], { seq: number }>('SELECT seq FROM traces WHERE trace_id = ?').get(traceId)?.seq
  if (seq === undefined) return 'traceId'
  return db.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM spans WHERE trace_seq = ? AND id = ?').get(seq, spanId) ? null : 'spanId'
}

/** Stores what a person said about a span in the workbench (the caller has checked the span exists). */
export function addSpanFeedback(db: Database.Database, request: z.output<typeof FeedbackAddSchema>, now = Date.now()): FeedbackItem {
  const row = addFeedback(db, {
    traceId: request.traceId, spanId: request.spanId, type: request.kind, name: request.name ?? DEFAULT_FEEDBACK_NAMES[request.kind],
    value: request.kind === 'note' ? null : request.value, payload: request.note === undefined ? {} : { note: request.note },
    creator: request.by ?? null, createdMs: now, source: 'ui',
  })
  return toFeedbackItem(row)
}

/** A span's feedback (by span id alone, as Weave addresses calls), oldest first. */
export function listFeedback(db: Database.Database, spanId: string): Feedback[] {
  return db.prepare<[string], FeedbackRow>('SELECT * FROM feedback WHERE span_id = ? ORDER BY created_ms, id').all(spanId).map(fromRow)
}

/** Feedback on one span of a trace, or on all its spans, oldest first. */
export function listTraceFeedback(db: Database.Database, traceId: string, spanId?: string): Feedback[] {
  const rows = spanId === undefined
    ? db.prepare<[string], FeedbackRow>('SELECT * FROM feedback WHERE trace_id = ? ORDER BY created_ms, id').all(traceId)
    : db.prepare<[string, string], FeedbackRow>('SELECT * FROM feedback WHERE span_id = ? AND trace_id = ? ORDER BY created_ms, id').all(spanId, traceId)
  return rows.map(fromRow)
}

/** Deletes one feedback row; returns it, or undefined when there was none. */
export function removeFeedback(db: Database.Database, id: string): Feedback | undefined {
  const row = db.prepare<[string], FeedbackRow>('DELETE FROM feedback WHERE id = ? RETURNING *').get(id)
  return row && fromRow(row)
}

/** A `feedback` row in API form. */
export function fromRow(r: FeedbackRow): Feedback {
  return {
    id: r.id, spanId: r.span_id, traceId: r.trace_id, type: r.type, name: r.name, value: r.value === null ? null : JSON.parse(r.value),
    payload: JSON.parse(r.payload) as Record<string, unknown>, creator: r.creator, createdMs: r.created_ms, source: r.source,
    targetRef: r.target_ref, projectId: r.project_id, extra: r.extra ? (JSON.parse(r.extra) as Record<string, unknown>) : {},
  }
}

const THUMBS_UP = '👍'
const THUMBS_DOWN = '👎'

const scalar = (v: unknown): number | string | boolean | null =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : null
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/**
 * A row as the API's thumbs, note or score. Weave's types map sensibly:
 * `wandb.runnable.X` and `wandb.annotation.X` are score X, a 👍/👎 reaction is
 * a thumb (other reactions are notes), `wandb.note.*` is a note; anything else
 * is a score named after its name or type.
 */
export function toFeedbackItem(f: Feedback): FeedbackItem {
  const base = { id: f.id, traceId: f.traceId, spanId: f.spanId, by: f.creator, createdMs: f.createdMs, source: f.source }
  const note = text(f.payload.note)
  const withNote = note === undefined ? {} : { note }
  if (f.type === 'thumbs' || f.type === 'note' || f.type === 'score') {
    // Scorers (online rules) say why and whether it passed.
    const reason = f.type === 'score' ? text(f.payload.reason) : undefined
    const pass = f.type === 'score' && typeof f.payload.pass === 'boolean' ? f.payload.pass : undefined
    return { ...base, kind: f.type, name: f.name ?? DEFAULT_FEEDBACK_NAMES[f.type], value: scalar(f.value), ...withNote, ...(reason === undefined ? {} : { reason }), ...(pass === undefined ? {} : { pass }) }
  }
  if (f.type.startsWith('wandb.reaction.')) {
    const emoji = text(f.payload.emoji) ?? ''
    if (emoji === THUMBS_UP || emoji === THUMBS_DOWN) return { ...base, kind: 'thumbs', name: 'thumbs', value: emoji === THUMBS_UP ? 1 : -1 }
    return { ...base, kind: 'note', name: 'reaction', value: null, note: emoji }
  }
  if (f.type.startsWith('wandb.note.')) return { ...base, kind: 'note', name: 'note', value: null, ...withNote }
  return { ...base, kind: 'score', name: f.name ?? f.type, value: scalar(f.value), ...withNote }
}

/** SQL: 1 for a thumbs up, -1 for a thumbs down, NULL otherwise, for a feedback row aliased `f`. */
export const THUMB_SQL = `(CASE WHEN f.type = 'thumbs' THEN CAST(f.value AS INTEGER)
  WHEN f.type LIKE 'wandb.reaction.%' THEN (CASE f.value WHEN '"${THUMBS_UP}"' THEN 1 WHEN '"${THUMBS_DOWN}"' THEN -1 END) END)`

/** SQL: the numeric value of a score row aliased `f` (booleans as 1 and 0), NULL for anything else. */
export const SCORE_SQL = `(CASE WHEN (f.type = 'score' OR f.type LIKE 'wandb.runnable.%' OR f.type LIKE 'wandb.annotation.%')
  AND json_valid(f.value) AND json_type(f.value) IN ('integer', 'real', 'true', 'false') THEN json_extract(f.value, '$') END)`

/** A WHERE condition on the `traces` table for the trace list's feedback filter (an indexed EXISTS on feedback by trace id). */
export function feedbackFilterSql(filter: FeedbackFilter): string {
  const exists = (extra: string) => `EXISTS (SELECT 1 FROM feedback f WHERE f.trace_id = traces.trace_id${extra})`
  switch (filter) {
    case 'any':
      return exists('')
    case 'none':
      return `NOT ${exists('')}`
    case 'up':
      return exists(` AND ${THUMB_SQL} = 1`)
    case 'down':
      return exists(` AND ${THUMB_SQL} = -1`)
  }
}

interface SummaryRow {
  trace_id: string
  name: string | null
  n: number
  up: number
  down: number
  scored: number
  mean: number | null
}

/** Feedback of the traces in a JSON array, grouped by trace and (for numeric scores) by score name. */
export const SUMMARY_SQL = `SELECT f.trace_id, CASE WHEN ${SCORE_SQL} IS NULL THEN NULL ELSE f.name END AS name, COUNT(*) AS n,
    COALESCE(SUM(${THUMB_SQL} = 1), 0) AS up, COALESCE(SUM(${THUMB_SQL} = -1), 0) AS down,
    COUNT(${SCORE_SQL}) AS scored, AVG(${SCORE_SQL}) AS mean
  FROM feedback f WHERE f.trace_id IN (SELECT value FROM json_each(?))
  GROUP BY f.trace_id, 2`

/**
 * Feedback summaries of the given traces (a page of the trace list): one
 * grouped query over the feedback-by-trace index. Traces without feedback are absent.
 */
export function summarizeFeedback(db: Database.Database, traceIds: readonly string[]): Map<string, FeedbackSummary> {
  const out = new Map<string, FeedbackSummary>()
  if (traceIds.length === 0) return out
  const rows = db.prepare<[string], SummaryRow>(SUMMARY_SQL).all(JSON.stringify(traceIds))
  for (const r of rows) {
    let summary = out.get(r.trace_id)
    if (!summary) out.set(r.trace_id, (summary = { count: 0, up: 0, down: 0, scores: {} }))
    summary.count += r.n
    summary.up += r.up
    summary.down += r.down
    // defineProperty: a score may be named `__proto__`.
    if (r.scored > 0 && r.mean !== null) Object.defineProperty(summary.scores, r.name ?? 'score', { value: r.mean, enumerable: true, writable: true, configurable: true })
  }
  return out
}
