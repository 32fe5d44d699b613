/**
 * Feedback on spans (issue 7): thumbs, notes and scores people add in the
 * workbench, and Weave feedback mapped onto the same three kinds.
 */
import { z } from 'zod'

/** What feedback says: a thumb, a free-text note, or a named score. */
export const FEEDBACK_KINDS = ['thumbs', 'note', 'score'] as const

/** One of {@link FEEDBACK_KINDS}. */
export const FeedbackKindSchema = z.enum(FEEDBACK_KINDS)

/** The name feedback of each kind gets when none is given. */
export const DEFAULT_FEEDBACK_NAMES: Record<z.infer<typeof FeedbackKindSchema>, string> = { thumbs: 'thumbs', note: 'note', score: 'score' }

const idField = z.string().min(1, 'must not be empty').max(128, 'is longer than 128 characters')
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `is longer than ${max} characters`)
    .refine((s) => !/[\r\n]/.test(s), 'must be one line')
const noteField = z.string().trim().min(1, 'must not be empty').max(10_000, 'is longer than 10,000 characters')

/** Fields every kind of new feedback shares. */
const target = {
  traceId: idField,
  spanId: idField,
  /** Which score or label it sets (`correctness`); defaults to the kind's name. */
  name: oneLine(100).optional(),
  /** Who gave it. */
  by: oneLine(100).optional(),
}

/** A score's value: a finite number, or a category. */
export const ScoreValueSchema = z.union([z.number(), z.string().max(200)], {
  error: 'must be a finite number or a category of at most 200 characters',
})

/** `feedback.add`'s request: which span, and what is said about it. */
export const FeedbackAddSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ ...target, kind: z.literal('thumbs'), value: z.number().refine((v) => v === 1 || v === -1, 'must be 1 (up) or -1 (down)'), note: noteField.optional() }).strict(),
    z.object({ ...target, kind: z.literal('note'), note: noteField }).strict(),
    z.object({ ...target, kind: z.literal('score'), value: ScoreValueSchema, note: noteField.optional() }).strict(),
  ],
  { error: 'must be thumbs, note or score' },
)

/** One piece of feedback as the API returns it, whatever its source. */
export const FeedbackItemSchema = z.object({
  id: z.string(),
  traceId: z.string().nullable(),
  spanId: z.string().nullable(),
  kind: FeedbackKindSchema,
  name: z.string(),
  /** 1 or -1 for thumbs, a number, category or boolean for scores, null for notes (and Weave values that are not scalars). */
  value: z.union([z.number(), z.string(), z.boolean()]).nullable(),
  note: z.string().optional(),
  /** Why a scorer gave this score (online evaluation: the scorer's or the judge's reason). */
  reason: z.string().optional(),
  /** Whether the score passed, when a scorer said. */
  pass: z.boolean().optional(),
  by: z.string().nullable(),
  createdMs: z.number(),
  /** Where it came from: `ui`, `weave`, … */
  source: z.string(),
})

/** A trace's feedback at a glance, for the trace list. */
export const FeedbackSummarySchema = z.object({
  count: z.number().int().nonnegative(),
  up: z.number().int().nonnegative(),
  down: z.number().int().nonnegative(),
  /** Mean of each score name's numeric values (booleans count as 1 and 0). */
  scores: z.record(z.string(), z.number()),
})

/** The trace list's feedback filter: some, thumbs up, thumbs down, or none at all. */
export const FeedbackFilterSchema = z.enum(['any', 'up', 'down', 'none'])
