/**
 * zod schemas for the Weave trace-server requests Weft answers (field names as
 * on the wire, from the SDK's generated `traceServerApi.d.ts`). Unknown fields
 * are ignored, as the real server's pydantic models do; a bad field is reported
 * with its path (`batch.3.req.start.started_at: not a date`).
 */
import { z } from 'zod'

/** Milliseconds since the epoch of an ISO 8601 timestamp (microseconds kept as a fraction; no zone means UTC), or null. */
export function parseIsoMs(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text)
  if (!m) return null
  const zone = !m[4] || m[4].toUpperCase() === 'Z' ? 'Z' : m[4].includes(':') ? m[4] : `${m[4].slice(0, 3)}:${m[4].slice(3)}`
  const whole = Date.parse(`${m[1]}T${m[2]}${zone}`)
  if (Number.isNaN(whole)) return null
  const fraction = m[3] ? Number(`0.${m[3]}`) * 1000 : 0
  return whole + fraction
}

const id = z.string().min(1, 'must not be empty').max(128, 'longer than 128 characters')
const projectId = z.string().min(1, 'must not be empty')
const timestamp = z.string().refine((s) => {
  const ms = parseIsoMs(s)
  return ms !== null && ms >= 0
}, 'not a date (ISO 8601, after 1970)')
const record = z.record(z.string(), z.unknown())

/** A call's start (`StartedCallSchemaForInsert`). */
export const CallStartSchema = z.object({
  project_id: projectId,
  id: id.nullish(),
  op_name: z.string().min(1, 'must not be empty'),
  display_name: z.string().nullish(),
  trace_id: id.nullish(),
  parent_id: id.nullish(),
  started_at: timestamp,
  attributes: record.nullish(),
  inputs: record.nullish(),
  wb_user_id: z.string().nullish(),
  wb_run_id: z.string().nullish(),
  thread_id: z.string().nullish(),
})

/** A call's end (`EndedCallSchemaForInsert`). */
export const CallEndSchema = z.object({
  project_id: projectId,
  id,
  ended_at: timestamp,
  exception: z.string().nullish(),
  output: z.unknown().optional(),
  summary: record.nullish(),
  display_name: z.string().nullish(),
})

/** A validated call start. */
export type CallStart = z.output<typeof CallStartSchema>
/** A validated call end. */
export type CallEnd = z.output<typeof CallEndSchema>

const batchItem = z.preprocess(
  // `mode` defaults from which request is present, as the pydantic union does.
  (raw) => {
    if (typeof raw !== 'object' || raw === null || 'mode' in raw) return raw
    const req = (raw as { req?: unknown }).req
    const mode = typeof req === 'object' && req !== null && 'end' in req ? 'end' : 'start'
    return { ...raw, mode }
  },
  z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('start'), req: z.object({ start: CallStartSchema }) }),
    z.object({ mode: z.literal('end'), req: z.object({ end: CallEndSchema }) }),
  ]),
)

/** `/call/upsert_batch`. */
export const UpsertBatchSchema = z.object({ batch: z.array(batchItem) })
/** `/call/start`. */
export const CallStartReqSchema = z.object({ start: CallStartSchema })
/** `/call/end`. */
export const CallEndReqSchema = z.object({ end: CallEndSchema })
/** `/call/update`. */
export const CallUpdateSchema = z.object({ project_id: projectId, call_id: id, display_name: z.string().nullish(), wb_user_id: z.string().nullish() })
/** `/call/read`. */
export const CallReadSchema = z.object({ project_id: projectId, id, include_costs: z.boolean().nullish(), include_feedback: z.boolean().nullish() })

const strings = z.array(z.string()).nullish()
const sortBy = z.array(z.object({ field: z.string(), direction: z.enum(['asc', 'desc']) })).nullish()
const count = z.number().int().nonnegative().nullish()
/** A Mongo-like `{$expr: …}` (validated while it is evaluated). */
const query = z.object({ $expr: record }).nullish()

/** `CallsFilter`. */
export const CallsFilterSchema = z.object({
  op_names: strings, input_refs: strings, output_refs: strings, parent_ids: strings, trace_ids: strings,
  call_ids: strings, trace_roots_only: z.boolean().nullish(), wb_user_ids: strings, wb_run_ids: strings,
})

/** `/calls/stream_query` and `/calls/query_stats`. */
export const CallsQuerySchema = z.object({
  project_id: projectId,
  filter: CallsFilterSchema.nullish(),
  limit: count,
  offset: count,
  sort_by: sortBy,
  query,
  include_costs: z.boolean().nullish(),
  include_feedback: z.boolean().nullish(),
  columns: strings,
  expand_columns: strings,
})
/** A validated calls query. */
export type CallsQuery = z.output<typeof CallsQuerySchema>

/** `/obj/create` (the value itself is digested from the Python-typed parse). */
export const ObjCreateSchema = z.object({
  obj: z.object({
    project_id: projectId,
    object_id: z.string().min(1, 'must not be empty').max(128, 'longer than 128 characters'),
    val: z.unknown(),
    builtin_object_class: z.string().nullish(),
  }),
})
/** `/obj/read`. */
export const ObjReadSchema = z.object({ project_id: projectId, object_id: z.string().min(1), digest: z.string().min(1) })
/** `/objs/query`. */
export const ObjQuerySchema = z.object({
  project_id: projectId,
  filter: z.object({
    base_object_classes: strings, leaf_object_classes: strings, object_ids: strings,
    is_op: z.boolean().nullish(), latest_only: z.boolean().nullish(),
  }).nullish(),
  limit: count,
  offset: count,
  sort_by: sortBy,
  metadata_only: z.boolean().nullish(),
})
/** A validated objects query. */
export type ObjQuery = z.output<typeof ObjQuerySchema>

const row = z.record(z.string(), z.unknown(), { error: 'must be an object' })
/** `/table/create`. */
export const TableCreateSchema = z.object({ table: z.object({ project_id: projectId, rows: z.array(row) }) })
/** One `/table/update` step. */
export const TableUpdateStepSchema = z.union([
  z.object({ append: z.object({ row }) }),
  z.object({ pop: z.object({ index: z.number().int() }) }),
  z.object({ insert: z.object({ index: z.number().int(), row }) }),
], { error: 'must be {append:{row}}, {pop:{index}} or {insert:{index,row}}' })
/** `/table/create_from_digests`. */
export const TableFromDigestsSchema = z.object({ project_id: projectId, row_digests: z.array(z.string().min(1)) })
/** `/table/update`. */
export const TableUpdateSchema = z.object({ project_id: projectId, base_digest: z.string().min(1), updates: z.array(TableUpdateStepSchema) })
/** `/table/query` and `/table/query_stats`. */
export const TableQuerySchema = z.object({
  project_id: projectId,
  digest: z.string().min(1),
  filter: z.object({ row_digests: strings }).nullish(),
  limit: count,
  offset: count,
  sort_by: sortBy,
})
/** `/refs/read_batch`. */
export const RefsReadSchema = z.object({ refs: z.array(z.string()) })
/** `/file/content` and `/files/content`. */
export const FileContentSchema = z.object({ project_id: projectId, digest: z.string().min(1) })

/** `/feedback/create`. */
export const FeedbackCreateSchema = z.object({
  project_id: projectId,
  weave_ref: z.string().min(1, 'must not be empty'),
  creator: z.string().nullish(),
  feedback_type: z.string().min(1, 'must not be empty'),
  payload: record,
  annotation_ref: z.string().nullish(),
  runnable_ref: z.string().nullish(),
  call_ref: z.string().nullish(),
  trigger_ref: z.string().nullish(),
  wb_user_id: z.string().nullish(),
})
/** A validated feedback creation. */
export type FeedbackCreate = z.output<typeof FeedbackCreateSchema>
/** `/feedback/batch/create` (the Python client). */
export const FeedbackBatchSchema = z.object({ batch: z.array(FeedbackCreateSchema) })
/** `/feedback/query`. */
export const FeedbackQuerySchema = z.object({ project_id: projectId, fields: strings, query, sort_by: sortBy, limit: count, offset: count })
/** A validated feedback query. */
export type FeedbackQuery = z.output<typeof FeedbackQuerySchema>
