/**
 * The scorer registry (issue 8): every scorer by its `type`, and the list of
 * their metadata the app shows without running anything.
 */
import { contains } from './contains'
import { costMax } from './costMax'
import { equals } from './equals'
import { javascript } from './javascript'
import { jsonFieldEquals } from './jsonFieldEquals'
import { jsonSchema } from './jsonSchema'
import { jsonValid } from './jsonValid'
import { latencyMax } from './latencyMax'
import { levenshtein } from './levenshtein'
import { numeric } from './numeric'
import { regex } from './regex'
import { startsWith } from './startsWith'
import { llmJudgeScorer } from './llmJudge'
import { makeStepScorer } from './step'
import { trajectoryScorer } from './trajectory'
import type { Scorer, ScorerMeta } from './types'

const list: Scorer[] = [
  equals,
  contains,
  regex,
  startsWith,
  jsonValid,
  jsonSchema,
  jsonFieldEquals,
  levenshtein,
  numeric,
  latencyMax,
  costMax,
  llmJudgeScorer,
  javascript,
  trajectoryScorer
] as Scorer[]

/** Every scorer, keyed by `meta.type`. */
export const SCORERS: Record<string, Scorer> = Object.fromEntries(list.map((scorer) => [scorer.meta.type, scorer]))

/** Finds a scorer by type (undefined for an unknown type). */
export function lookupScorer(type: string): Scorer | undefined {
  return Object.prototype.hasOwnProperty.call(SCORERS, type) ? SCORERS[type] : undefined
}

// The step scorer wraps the others, so it is built over the registry it joins.
const step = makeStepScorer(lookupScorer) as Scorer
SCORERS[step.meta.type] = step

/** The metadata of every scorer, for the app's lists (nothing here runs). */
export const SCORER_METAS: readonly ScorerMeta[] = Object.values(SCORERS).map((scorer) => ({ ...scorer.meta }))
