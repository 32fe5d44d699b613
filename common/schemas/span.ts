/**
 * A span (Weave: a "call"): one step of a traced app. Every door — the Weft
 * SDK, OTLP, the Weave protocol — turns what it receives into this shape
 * before it reaches the trace database.
 */
import { z } from 'zod'

/** What a span does; unknown kinds map to `other`. */
export const SPAN_KINDS = ['llm', 'tool', 'retrieval', 'chain', 'agent', 'embedding', 'evaluation', 'other'] as const

/** One of {@link SPAN_KINDS}. */
export const SpanKindSchema = z.enum(SPAN_KINDS)

/** Tokens one model used in a span. */
export const ModelUsageSchema = z.object({
  inputTokens: z.number().int().nonnegative().default(0),
  outputTokens: z.number().int().nonnegative().default(0),
})

/** A span as it arrives (ids are strings: OTLP hex, Weave UUIDs, SDK ids). */
export const SpanInputSchema = z.object({
  id: z.string().min(1).max(128),
  traceId: z.string().min(1).max(128),
  parentId: z.string().min(1).max(128).nullable().default(null),
  name: z.string().min(1).max(1000),
  kind: SpanKindSchema.default('other'),
  /** Milliseconds since the epoch (fractional allowed). */
  startMs: z.number().nonnegative(),
  /** Null while the span is still running (its end may arrive in a later batch). */
  endMs: z.number().nonnegative().nullable().default(null),
  status: z.enum(['ok', 'error', 'running']).default('ok'),
  error: z.object({ message: z.string(), type: z.string().optional(), stack: z.string().optional() }).nullable().default(null),
  inputs: z.unknown().optional(),
  output: z.unknown().optional(),
  /** Everything else the source said, kept rather than dropped. */
  attributes: z.record(z.string(), z.unknown()).default({}),
  /** Token usage per model name. */
  usage: z.record(z.string(), ModelUsageSchema).default({}),
  /** US dollars, or null when unknown. */
  costUsd: z.number().nonnegative().nullable().default(null),
  /** Groups traces into a conversation or session, when the source says. */
  sessionId: z.string().max(256).nullable().default(null),
})

/** A span as it arrives. */
export type SpanInput = z.input<typeof SpanInputSchema>

/** A validated span. */
export type Span = z.output<typeof SpanInputSchema>
