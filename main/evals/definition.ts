/**
 * Evaluation definitions (`evals/*.yaml`, issue 8): dataset × target ×
 * scorers, trials, concurrency, per-row constraints and pass thresholds.
 * Everything is checked before any call — unknown scorer types, their
 * parameters, thresholds naming no scorer — with the file, line and field.
 */
import { z } from 'zod'
import { WeftError, type ErrorIssue } from '../../common/errors'
import { parseYamlWithSchema } from '../../common/yaml'
import type { Scorer } from './scorers/types'

const Ref = (kind: string) =>
  z.string().regex(new RegExp(`^(${kind}:)?[A-Za-z0-9][A-Za-z0-9._-]*(@[^\\s]+)?$`), `must be a reference like ${kind}:name@v3`)

/** The system under test. */
const TargetSchema = z.union(
  [
    z.object({ prompt: Ref('prompt'), model: Ref('model') }).strict(),
    z
      .object({
        http: z
          .object({
            url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
            method: z.enum(['POST', 'PUT']).default('POST'),
            headers: z.record(z.string(), z.string()).default({}),
            timeoutMs: z.number().int().positive().max(600_000).default(60_000),
          })
          .strict(),
      })
      .strict(),
  ],
  { error: 'target is either {prompt, model} or {http: {url}}' },
)

/** One scorer of the evaluation. */
const ScorerRefSchema = z
  .object({
    /** The name results use (unique in the evaluation). */
    id: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must start with a letter: letters, digits, _ . - (at most 64)'),
    type: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()

/** An evaluation definition as written. */
export const EvaluationSchema = z
  .object({
    description: z.string().max(2000).optional(),
    dataset: Ref('dataset'),
    target: TargetSchema,
    scorers: z.array(ScorerRefSchema).min(1, 'at least one scorer'),
    trials: z.number().int().min(1).max(100).default(1),
    concurrency: z.number().int().min(1).max(256).default(4),
    constraints: z
      .object({ maxLatencyMs: z.number().positive().optional(), maxCostUsd: z.number().nonnegative().optional() })
      .strict()
      .default({}),
    /** Per scorer id, the pass rate (or mean score) a run must reach; `overall` is the share of rows that ran without an error. */
    thresholds: z.record(z.string(), z.number().min(0).max(1, 'is a fraction between 0 and 1')).default({}),
  })
  .strict()

/** A checked evaluation definition. */
export type EvaluationDefinition = z.output<typeof EvaluationSchema>

/**
 * Reads and checks a definition. `lookup` finds scorers by type (the
 * registry); their parameters are checked here too, so a typo fails before
 * the first model call.
 */
export function parseEvaluation(text: string, file: string, lookup: (type: string) => Scorer | undefined): EvaluationDefinition {
  const definition = parseYamlWithSchema(text, EvaluationSchema, file)
  const issues: ErrorIssue[] = []
  const ids = new Set<string>()
  definition.scorers.forEach((ref, i) => {
    if (ids.has(ref.id)) issues.push({ file, path: `scorers.${i}.id`, message: `"${ref.id}" is used twice` })
    ids.add(ref.id)
    const scorer = lookup(ref.type)
    if (!scorer) return void issues.push({ file, path: `scorers.${i}.type`, message: `unknown scorer type "${ref.type}"` })
    // Templates ({{expected.x}}) are filled per row; check the shape with them still in place.
    const checked = scorer.params.safeParse(ref.params)
    if (!checked.success && !JSON.stringify(ref.params).includes('{{')) {
      for (const issue of checked.error.issues) issues.push({ file, path: ['scorers', i, 'params', ...issue.path.map(String)].join('.'), message: issue.message })
    }
  })
  for (const name of Object.keys(definition.thresholds)) {
    if (name !== 'overall' && !ids.has(name)) issues.push({ file, path: `thresholds.${name}`, message: `no scorer has the id "${name}"` })
  }
  if (issues.length > 0) {
    const first = issues[0]!
    throw new WeftError('INVALID_FILE', `${file}: ${first.path}: ${first.message}`, issues)
  }
  return definition
}

/** A threshold from the command line: `category>=0.9`, `overall>=0.95`. */
export function parseThreshold(text: string, scorerIds: readonly string[]): { scorer: string; min: number } {
  const match = /^\s*([A-Za-z][A-Za-z0-9_.-]*)\s*>=\s*(0(?:\.\d+)?|1(?:\.0+)?)\s*$/.exec(text)
  if (!match) throw new WeftError('INVALID_REQUEST', `--threshold takes scorer>=fraction, like "category>=0.9", not "${text}"`, [{ path: 'threshold', message: 'not scorer>=fraction' }])
  const scorer = match[1]!
  if (scorer !== 'overall' && !scorerIds.includes(scorer)) {
    throw new WeftError('INVALID_REQUEST', `--threshold names "${scorer}", which is not a scorer of this evaluation (${scorerIds.join(', ')})`, [{ path: 'threshold', message: 'unknown scorer' }])
  }
  return { scorer, min: Number(match[2]) }
}
