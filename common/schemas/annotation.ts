/**
 * Annotation queues (issue 10): what people label, with which score fields,
 * and the labels they give.
 *
 * A queue is a versioned object (`queues/NAME.yaml`, kind `queue`): its source
 * (dataset rows, filtered traces, or an evaluation run's results), its score
 * fields (binary, categorical, numeric, text) and where accepted labels go when
 * written back. Annotations are local data (`.weft/traces.db`), one per item
 * and annotator, made offline-first: the renderer keeps each in its outbox
 * (Dexie) until `annotations.submit` has stored it, so the newest edit of an
 * annotation wins and a resubmission is harmless.
 */
import { z } from 'zod'

/** Kinds of score field. */
export const ANNOTATION_FIELD_TYPES = ['binary', 'categorical', 'numeric', 'text'] as const

/** A field's name: the key of its value in an annotation and, by default, `labels.<name>` in a written-back row. */
export const AnnotationFieldNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must start with a letter or _ and hold only letters, digits, _ or - (at most 64)')

const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `is longer than ${max} characters`)
    .refine((s) => !/[\r\n]/.test(s), 'must be one line')

const fieldCommon = {
  name: AnnotationFieldNameSchema,
  /** What the annotator should judge, shown beside the field. */
  description: z.string().max(2000).optional(),
  /** An item counts as done only when every required field has a value. */
  required: z.boolean().default(true),
}

/** One score field of a queue. Number keys pick options: 1–9, then 0 for the tenth. */
export const AnnotationFieldSchema = z.discriminatedUnion(
  'type',
  [
    // Keys: 1 (or y) for yes, 2 (or n) for no.
    z.object({ ...fieldCommon, type: z.literal('binary') }).strict(),
    z
      .object({
        ...fieldCommon,
        type: z.literal('categorical'),
        options: z
          .array(oneLine(100))
          .min(2, 'needs at least 2 options')
          .max(10, 'takes at most 10 options (number keys 1–9 and 0)')
          .refine((o) => new Set(o).size === o.length, 'must not repeat an option'),
      })
      .strict(),
    z
      .object({
        ...fieldCommon,
        type: z.literal('numeric'),
        min: z.number().finite(),
        max: z.number().finite(),
        /** Values are multiples of step from min (default 1). */
        step: z.number().positive().finite().default(1),
      })
      .strict()
      .refine((f) => f.max > f.min, { message: 'must be greater than min', path: ['max'] }),
    z.object({ ...fieldCommon, type: z.literal('text'), maxLength: z.number().int().positive().max(10_000).default(2000) }).strict(),
  ],
  { error: 'type must be binary, categorical, numeric or text' },
)

/** One score field of a queue. */
export type AnnotationField = z.output<typeof AnnotationFieldSchema>

/** A duration back from now: `30m`, `12h`, `7d`. */
const SinceSchema = z.string().regex(/^\d{1,5}[mhd]$/, 'must be a duration like 30m, 12h or 7d')

/** Where a queue's items come from. */
export const QueueSourceSchema = z.union(
  [
    /** Every row of a dataset (a name, or a reference to one version: `tickets@v3`). */
    z.object({ dataset: z.string().trim().min(1).max(400) }).strict(),
    /** Traces, newest first, by the root span's name, status, attributes and age. */
    z
      .object({
        traces: z
          .object({
            name: z.string().min(1).max(1000).optional(),
            status: z.enum(['ok', 'error']).optional(),
            since: SinceSchema.optional(),
            attributes: z.record(z.string().min(1).max(200), z.string().max(1000)).optional(),
            limit: z.number().int().positive().max(10_000).default(500),
          })
          .strict(),
      })
      .strict(),
    /** The rows of an evaluation run: by run id, or the latest finished run of an evaluation. */
    z
      .object({
        evaluation: z
          .object({
            name: z.string().min(1).max(200),
            /** A run id, or `latest` (default): the newest finished run of `name`. */
            run: z.string().min(1).max(100).default('latest'),
            /** Only rows that failed a scorer or errored. */
            failedOnly: z.boolean().default(false),
          })
          .strict(),
      })
      .strict(),
  ],
  { error: 'source must be {dataset: NAME}, {traces: {…}} or {evaluation: {name: …}}' },
)

/** `queues/NAME.yaml`: an annotation queue. Unknown keys are refused so typos surface. */
export const QueueDefinitionSchema = z
  .object({
    description: z.string().max(2000).optional(),
    /** Guidance shown to annotators (Markdown). */
    instructions: z.string().max(20_000).optional(),
    source: QueueSourceSchema,
    fields: z
      .array(AnnotationFieldSchema)
      .min(1, 'needs at least one field')
      .max(20, 'takes at most 20 fields')
      .refine((f) => new Set(f.map((x) => x.name)).size === f.length, 'must not repeat a field name'),
    /** Whether annotators may correct the expected answer (key e). */
    expected: z.boolean().default(true),
    writeBack: z
      .object({
        /** The dataset labels go to; required for trace and evaluation sources, default the source dataset. */
        dataset: z.string().trim().min(1).max(200).optional(),
        /** Where each field's value goes in a row (`expected.category`); default `labels.<field>`. */
        columns: z.record(AnnotationFieldNameSchema, z.string().regex(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/, 'must be a path like expected.category')).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()

/** A parsed queue definition. */
export type QueueDefinition = z.output<typeof QueueDefinitionSchema>

/** A value given to a field: yes/no, an option, a number, text; null clears it. */
export const AnnotationValueSchema = z.union([z.boolean(), z.number().finite(), z.string().max(10_000), z.null()], {
  error: 'must be true/false, a number, text (at most 10,000 characters) or null',
})

/** An annotation as the renderer submits it (from its outbox). */
export const AnnotationInputSchema = z
  .object({
    /** Made by the client once per (queue, item, annotator); resubmitting it is harmless. */
    id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, _ or -'),
    queue: z.string().min(1).max(200),
    /** The queue version (digest) whose fields the annotator saw; values are checked against it. */
    queueVersion: z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-character digest'),
    itemId: z.string().min(1).max(256),
    annotator: oneLine(100),
    values: z.record(AnnotationFieldNameSchema, AnnotationValueSchema),
    /** The expected answer as corrected by the annotator; absent when not changed. */
    expected: z.unknown().optional(),
    note: z.string().max(10_000).optional(),
    /** Client time of the edit: of two versions of one annotation, the newer is kept. */
    updatedMs: z.number().finite().nonnegative(),
  })
  .strict()

/** An annotation as the renderer submits it. */
export type AnnotationInput = z.output<typeof AnnotationInputSchema>

/** A stored annotation. */
export const AnnotationSchema = AnnotationInputSchema.extend({
  /** When the main side first stored it. */
  storedMs: z.number(),
  /** True when every required field of the queue version has a value. */
  complete: z.boolean(),
})

/** A stored annotation. */
export type Annotation = z.output<typeof AnnotationSchema>

/** One thing to label, with everything an annotator needs to judge it. */
export const AnnotationItemSchema = z.object({
  /** A dataset row's id; a trace id; `RUN:ROW:TRIAL` for an evaluation result. */
  id: z.string(),
  input: z.unknown(),
  output: z.unknown().optional(),
  /** The reference answer, when the source has one. */
  expected: z.unknown().optional(),
  /** Anything else worth seeing: other row fields, an evaluation row's scores, a trace's latency. */
  metadata: z.record(z.string(), z.unknown()),
  /** The trace to open beside it, when there is one. */
  traceId: z.string().nullable(),
  /** Every annotator's annotation of this item. */
  annotations: z.array(AnnotationSchema),
})

/** One thing to label. */
export type AnnotationItem = z.output<typeof AnnotationItemSchema>

/** A queue as the list shows it, with progress. */
export const QueueSummarySchema = z.object({
  name: z.string(),
  /** The current version's digest (annotations name it). */
  version: z.string(),
  definition: QueueDefinitionSchema,
  /** Items the source holds now; null when the source cannot be read (the reason is in `problem`). */
  total: z.number().int().nonnegative().nullable(),
  /** Items with at least one complete annotation. */
  done: z.number().int().nonnegative(),
  /** Complete annotations per annotator. */
  byAnnotator: z.record(z.string(), z.number().int().nonnegative()),
  problem: z.string().optional(),
})

/** Agreement between annotators on one field, over the items two or more of them completed. */
export const FieldAgreementSchema = z.object({
  field: z.string(),
  type: z.enum(ANNOTATION_FIELD_TYPES),
  /** Items with values from at least two annotators. */
  items: z.number().int().nonnegative(),
  /** Share of annotator pairs, over those items, that gave the same value (text: same after trimming and case); null without overlap. */
  percentAgreement: z.number().nullable(),
  /** Krippendorff's alpha (nominal for binary and categorical, interval for numeric); null for text or too little data. */
  alpha: z.number().nullable(),
  /** Each pair of annotators: shared items, share agreeing, Cohen's kappa (null for numeric and text). */
  pairs: z.array(z.object({ a: z.string(), b: z.string(), items: z.number().int().nonnegative(), agreement: z.number().nullable(), kappa: z.number().nullable() })),
})

/** How the labels of an item annotated by several people become one. */
export const WriteBackResolveSchema = z.union([
  /** The newest complete annotation of each item. */
  z.literal('latest'),
  /** Per field, the value most annotators gave (ties: the newest); expected from the newest annotation that corrected it. */
  z.literal('majority'),
  /** Only this annotator's annotations. */
  z.object({ annotator: oneLine(100) }).strict(),
])
