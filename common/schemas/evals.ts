/** What the evaluation operations return (issue 8): runs, their rows, summaries and comparisons. */
import { z } from 'zod'
import { SpanInputSchema } from './span'

const Score = z.object({ score: z.number(), pass: z.boolean().optional(), reason: z.string().optional() }).nullable()

/** One dataset row × trial of a run. */
export const EvalRowSchema = z.object({
  rowId: z.string(),
  trial: z.number().int(),
  output: z.unknown(),
  error: z.string().nullable(),
  latencyMs: z.number().nullable(),
  tokens: z.number(),
  costUsd: z.number().nullable(),
  scores: z.record(z.string(), Score),
  /** The row's trace: the target call(s), then the scorer calls. */
  traceId: z.string().optional(),
})

/** A run's numbers. */
export const EvalSummarySchema = z.object({
  rows: z.number().int(),
  errors: z.number().int(),
  scorers: z.record(
    z.string(),
    z.object({ mean: z.number().nullable(), passRate: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable(), scored: z.number().int() }),
  ),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  tokens: z.number(),
  costUsd: z.number(),
  /** Absent in summaries stored before it existed. */
  overall: z.object({ passed: z.number().int(), passRate: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() }).optional(),
})

/** A run as stored: what ran, with which pinned versions, and how it ended. */
export const EvalRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  definition: z.record(z.string(), z.unknown()),
  pinned: z.record(z.string(), z.string()),
  gitCommit: z.string().nullable(),
  status: z.enum(['running', 'finished', 'cancelled', 'failed', 'interrupted']),
  source: z.enum(['weft', 'sdk', 'weave']),
  startedMs: z.number(),
  endedMs: z.number().nullable(),
  total: z.number().int(),
  summary: EvalSummarySchema.nullable(),
  /** When this run arrived from a run bundle (`evals.import`); absent for runs made in this project. */
  importedMs: z.number().optional(),
})

const Change = z.object({ rowId: z.string(), scorer: z.string(), from: z.number(), to: z.number() })

/** Two runs compared row by row. */
export const EvalComparisonSchema = z.object({
  scorers: z.record(z.string(), z.object({ baseline: z.number().nullable(), candidate: z.number().nullable(), delta: z.number().nullable(), beyondNoise: z.boolean() })),
  regressions: z.array(Change),
  improvements: z.array(Change),
  changedOutputs: z.array(z.string()),
  onlyInBaseline: z.array(z.string()),
  onlyInCandidate: z.array(z.string()),
})

/** A run id as the engine makes them. */
export const EvalRunIdSchema = z.string().min(1).max(64).regex(/^[0-9A-Za-z_-]+$/, 'is not a run id')

/** What `evals.export` writes: a run bundle (JSON, importable elsewhere), CSV (one line per row × trial) or JUnit XML. */
export const EvalExportFormatSchema = z.enum(['bundle', 'csv', 'junit'])

/** The largest bundle `evals.import` reads and `evals.export` writes, in characters (a 5,000-row run with traces is a few tens of MB). */
export const MAX_BUNDLE_CHARS = 200 * 1024 * 1024

/**
 * A run bundle, version 1: the run, its rows, the content of every pinned
 * version the exporting store had (by ref, `prompt:x@digest`), and the rows'
 * trace spans — enough to list, show and compare the run on another machine.
 */
export const EvalRunBundleSchema = z
  .object({
    weftRunBundle: z.literal(1),
    exportedMs: z.number(),
    run: EvalRunSchema.omit({ importedMs: true }).extend({
      id: EvalRunIdSchema,
      // A running run has no final rows yet: it is exported once it ends.
      status: z.enum(['finished', 'cancelled', 'failed', 'interrupted']),
    }),
    rows: z.array(EvalRowSchema),
    objects: z.record(z.string().min(1).max(1000), z.string()),
    spans: z.array(SpanInputSchema),
  })
  .strict()

/** A run bundle as written and read. */
export type EvalRunBundle = z.input<typeof EvalRunBundleSchema>

/** One pinned version of a run and where its content was found. */
export const EvalPinnedVersionSchema = z.object({
  /** The pin's key in `run.pinned` (`prompt`, `dataset`, `scorer.judge.rubric`, …). */
  key: z.string(),
  ref: z.string(),
  /** The version's text; null when neither this project's store nor an imported bundle has it. */
  content: z.string().nullable(),
  /** project: this project's store; bundle: kept from the bundle the run was imported with. */
  from: z.enum(['project', 'bundle']).nullable(),
})

/** One step of a row's trace as scorers see it, in the engine and in the SDK's evaluate() (pre-order, like `traces.get`). */
export interface ScoredSpan {
  id: string
  parentId: string | null
  name: string
  kind: string
  status: string
  startMs: number
  endMs: number | null
  inputs?: unknown
  output?: unknown
  attributes: Record<string, unknown>
}
