/**
 * Online evaluation (issue 10): rules that score production spans as they
 * arrive — a span filter, a sampling rate and scorers in exactly the shape of
 * an evaluation definition's — with their running counters.
 */
import { z } from 'zod'
import { EvaluationScorerSchema } from './objects'
import { SpanKindSchema } from './span'

/** A rule's id (made by the workbench). */
export const OnlineRuleIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'is not a rule id')

/**
 * A rule's name: also the first half of its scores' names (`NAME/scorer-id`),
 * so it has no `/`.
 */
export const OnlineRuleNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'must start with a letter or digit: letters, digits, spaces, . _ - (at most 64)')

/** A scalar an attribute must equal (compared as text, so `200` matches the number 200). */
const AttributeValueSchema = z.union([z.string().max(500), z.number(), z.boolean()], { error: 'must be a string, number or boolean' })

/** Which spans a rule scores: every given condition must hold. */
export const OnlineFilterSchema = z.strictObject({
  /** The span's name (op): exact, or a glob with `*` and `?` (`llm.*`). */
  name: z.string().trim().min(1, 'must not be empty').max(200, 'is longer than 200 characters').optional(),
  kind: SpanKindSchema.optional(),
  /** Attributes that must be present with these values (`env = production`). */
  attributes: z.record(z.string().min(1, 'must not be empty').max(200), AttributeValueSchema).default({}),
})

/** A rule as written: what `online.save` takes. */
export const OnlineRuleInputSchema = z
  .strictObject({
    /** Present to update a rule; absent to create one. */
    id: OnlineRuleIdSchema.optional(),
    name: OnlineRuleNameSchema,
    filter: OnlineFilterSchema.default({ attributes: {} }),
    /** The share of matching spans scored, 0–1 (decided by a hash of the span id: the same spans every time). */
    sampleRate: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
    scorers: z.array(EvaluationScorerSchema).min(1, 'needs at least one scorer').max(20, 'at most 20 scorers'),
    paused: z.boolean().default(false),
  })
  .superRefine((rule, ctx) => {
    const seen = new Set<string>()
    rule.scorers.forEach((scorer, i) => {
      if (seen.has(scorer.id)) ctx.addIssue({ code: 'custom', path: ['scorers', i, 'id'], message: `duplicate scorer id "${scorer.id}"` })
      seen.add(scorer.id)
    })
  })

/** A rule as written (defaults filled). */
export type OnlineRuleInput = z.output<typeof OnlineRuleInputSchema>

/** What a rule has done so far. */
export const OnlineCountersSchema = z.object({
  /** Finished spans that matched the filter (while the rule was active, or by a backfill). */
  matched: z.number().int().nonnegative(),
  /** Of those, the ones the sampling rate chose. */
  sampled: z.number().int().nonnegative(),
  /** Sampled spans whose scoring is done. */
  scored: z.number().int().nonnegative(),
  /** Sampled spans waiting to be scored. */
  queued: z.number().int().nonnegative(),
  /** Scorer calls that failed (a judge that did not answer, a scorer that could not judge the span). */
  errors: z.number().int().nonnegative(),
  /** Tokens the LLM judges used. */
  judgeTokens: z.number().int().nonnegative(),
  /** What the judges cost, in US dollars (calls whose price is unknown add nothing). */
  costUsd: z.number().nonnegative(),
  lastScoredMs: z.number().nullable(),
  /** The last failure, to show beside the errors count. */
  lastError: z.string().nullable(),
})

/** A stored rule with its counters. */
export const OnlineRuleSchema = z.object({
  id: OnlineRuleIdSchema,
  name: z.string(),
  filter: z.object({ name: z.string().optional(), kind: SpanKindSchema.optional(), attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) }),
  sampleRate: z.number(),
  scorers: z.array(EvaluationScorerSchema),
  paused: z.boolean(),
  createdMs: z.number(),
  updatedMs: z.number(),
  counters: OnlineCountersSchema,
})

/** A stored rule. */
export type OnlineRule = z.output<typeof OnlineRuleSchema>

/** A backfill job's state, as `online.backfill` events report it. */
export const OnlineBackfillEventSchema = z.object({
  jobId: z.string(),
  ruleId: z.string(),
  /** Traces looked at so far, of those started in the range. */
  tracesDone: z.number().int().nonnegative(),
  tracesTotal: z.number().int().nonnegative(),
  /** Spans the job queued for scoring (sampled, not scored by the rule before), and how many of them are done. */
  queued: z.number().int().nonnegative(),
  scored: z.number().int().nonnegative(),
  state: z.enum(['running', 'finished', 'cancelled', 'failed']),
  message: z.string().optional(),
})

/** The payload of `online.backfill`. */
export type OnlineBackfillEvent = z.output<typeof OnlineBackfillEventSchema>

/**
 * The payload of an online score (feedback source `online`, type `score`,
 * name `RULE/SCORER`, value the score): the monitoring dashboards read it.
 */
export interface OnlineScorePayload {
  pass: boolean | null
  reason: string | null
  ruleId: string
  spanStartMs: number
  /** What the judge cost for this score, in US dollars (0 for scorers that call no model, and for calls whose price is unknown). */
  costUsd: number
}
