/**
 * The shape every scorer has (issue 8): metadata the app can list without
 * running anything, a zod schema for its parameters (checked when an
 * evaluation definition is read, so a bad one fails before any call), and a
 * small async function from one row's result to `{ score, pass?, reason? }`.
 */
import type { z } from 'zod'
import type { ScoredSpan } from '../../../common/schemas/evals'

/** What a scorer judges: the whole system's answer, one step (span) of its trace, or the path of steps. */
export type ScorerLevel = 'system' | 'step' | 'trajectory'

/** What the app shows about a scorer (safe to send to the renderer). */
export interface ScorerMeta {
  /** The `type` in an evaluation definition, e.g. `contains`. */
  type: string
  label: string
  description: string
  level: ScorerLevel
  /** `boolean` scores are 0 or 1 and always carry `pass`. */
  valueType: 'boolean' | 'number'
  /** Calls a model (costs money, needs a key). */
  needsLlm: boolean
}

/** One step of a row's trace, as scorers see it (shared with the SDK's evaluate()). */
export type { ScoredSpan }

/** What a scorer sees of one row's run. */
export interface ScoreInput {
  /** The target's output. */
  output: unknown
  /** The dataset row (all its columns). */
  row: Record<string, unknown>
  /** The expected answer the definition mapped for this scorer (often `row.expected`). */
  expected?: unknown
  latencyMs?: number
  costUsd?: number | null
  /** The row's trace, when the target was traced (step and trajectory scorers need it). */
  spans?: readonly ScoredSpan[]
}

/** A scorer's verdict on one row. */
export interface ScoreResult {
  /** 0..1 for most scorers; booleans as 0 or 1. */
  score: number
  pass?: boolean
  /** Why, in a sentence a person reads in the results table. */
  reason?: string
}

/** Calls a prompt version on a model config (the judge of LLM-as-judge scorers). */
export type JudgeCall = (prompt: string, model: string, variables: Record<string, unknown>, signal?: AbortSignal) => Promise<{ text: string; costUsd: number | null }>

/** What a scorer may use besides its input. */
export interface ScoreContext {
  signal?: AbortSignal
  /** Present when the run can call models (LLM-as-judge). */
  judge?: JudgeCall
}

/** A scorer: metadata, parameter schema, and the function. */
export interface Scorer<P = unknown> {
  meta: ScorerMeta
  params: z.ZodType<P>
  /** Parameters taken as written, never filled from the row (code, where `{{` is just code). */
  literalParams?: readonly string[]
  score(input: ScoreInput, params: P, context: ScoreContext): Promise<ScoreResult>
}
