/**
 * What the trace query operations return: trace list rows, a trace as a flat
 * pre-order tree with subtree rollups, one span in full, and window stats.
 */
import { z } from 'zod'
import { FeedbackFilterSchema, FeedbackSummarySchema } from './feedback'
import { SPAN_KINDS, SpanInputSchema } from './span'

/** One row of the trace list (rollups of its whole trace). */
export const TraceSummarySchema = z.object({
  traceId: z.string(),
  rootSpanId: z.string().nullable(),
  rootName: z.string(),
  rootKind: z.string(),
  startMs: z.number(),
  endMs: z.number().nullable(),
  latencyMs: z.number().nullable(),
  status: z.string(),
  spanCount: z.number().int(),
  errorCount: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  totalTokens: z.number().int(),
  costUsd: z.number(),
  sessionId: z.string().nullable(),
  inputsPreview: z.string().nullable(),
  outputPreview: z.string().nullable(),
  /** Feedback on any of the trace's spans. */
  feedback: FeedbackSummarySchema,
})

/** One span of a trace tree, in pre-order, with the rollups of its subtree. */
export const TraceNodeSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  kind: z.string(),
  startMs: z.number(),
  endMs: z.number().nullable(),
  status: z.string(),
  error: z.object({ message: z.string(), type: z.string().optional(), stack: z.string().optional() }).nullable(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number().nullable(),
  subtreeLatencyMs: z.number().nullable(),
  subtreeTokens: z.number(),
  subtreeCostUsd: z.number(),
  subtreeErrorCount: z.number().int(),
  depth: z.number().int().nonnegative(),
  childCount: z.number().int().nonnegative(),
})

/** A span with its full inputs and output. */
export const StoredSpanSchema = SpanInputSchema.extend({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
})

/** Filters, sort and page of the trace list. Filters apply to each trace's root span and rollups. */
export const TraceQuerySchema = z
  .object({
    name: z.string().min(1).max(1000).optional(),
    kind: z.enum(SPAN_KINDS).optional(),
    status: z.enum(['ok', 'error', 'running']).optional(),
    fromMs: z.number().nonnegative().optional(),
    toMs: z.number().nonnegative().optional(),
    minLatencyMs: z.number().nonnegative().optional(),
    minCostUsd: z.number().nonnegative().optional(),
    text: z.string().min(1).max(500).optional(),
    /** Root-span attributes that must equal these values (`{"user.id": "u1"}`). */
    attributes: z
      .record(z.string().min(1).max(200), z.union([z.string().max(1000), z.number(), z.boolean()]))
      .refine((a) => Object.keys(a).length <= 10, 'at most 10 attribute filters')
      .optional(),
    /** Traces with any feedback, a thumbs up, a thumbs down, or none. */
    feedback: FeedbackFilterSchema.optional(),
    sort: z.enum(['start', 'latency', 'cost', 'tokens']).default('start'),
    order: z.enum(['desc', 'asc']).default('desc'),
    limit: z.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(1000).optional(),
  })
  .strict()

/** Aggregates over traces started in a time window. */
export const TraceStatsSchema = z.object({
  count: z.number().int(),
  errors: z.number().int(),
  p50LatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
  totalTokens: z.number(),
  costUsd: z.number(),
})

/** Where apps send spans, and with which token. */
export const IngestInfoSchema = z.object({
  /** The ingest server's base URL, or null when it is not running in this host. */
  url: z.string().nullable(),
  /** Why it is not running (port taken, disabled), when it is not. */
  error: z.string().nullable(),
  /** The open project's ingest token. */
  token: z.string(),
  /** Traces stored in the open project. */
  traceCount: z.number().int().nonnegative(),
})

/** A dataset version the W&B Weave SDK saved into this project (importable as a Weft dataset). */
export const WeaveDatasetSchema = z.object({
  name: z.string(),
  digest: z.string(),
  versionIndex: z.number().int(),
  rowCount: z.number().int(),
  createdMs: z.number(),
  /** The Weave project (`entity/project`) it was saved under. */
  projectId: z.string(),
  description: z.string().nullable(),
})
