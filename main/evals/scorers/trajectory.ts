/**
 * Trajectory scorer: the sequence of steps (tool calls, by default) in a row's
 * trace against one or more acceptable paths. Modes:
 * - `exact`: the same steps in the same order;
 * - `in-order`: the expected steps in order, others allowed between them;
 * - `any-order`: the same steps, each as often, in any order;
 * - `subset`: only expected steps (some may be missing);
 * - `superset`: every expected step (others allowed, any order).
 * Unneeded repeats (a step taken more often than a path has it) fail every mode
 * unless `allowRepeats`. Optional argument checks compare a step's inputs with
 * the expected arguments. The reason lists missing, unexpected and repeated steps.
 */
import { z } from 'zod'
import type { ScoredSpan, Scorer } from './types'

const Step = z.string().min(1, 'a step is a span name')

const TrajectoryParams = z
  .object({
    /** One acceptable path, or several (the best-matching one counts). */
    expected: z.union([z.array(Step).min(1), z.array(z.array(Step).min(1)).min(1)], {
      error: 'expected must be a list of step names, or a list of such lists',
    }),
    mode: z.enum(['exact', 'in-order', 'any-order', 'subset', 'superset']).default('in-order'),
    /** Which spans are steps: these kinds (default tool calls). */
    kinds: z.array(z.string().min(1)).min(1).default(['tool']),
    allowRepeats: z.boolean().default(false),
    /** Per step name, arguments the step's inputs must contain (a partial match). */
    arguments: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .strict()

/** The trajectory scorer's parameters, as a definition writes them. */
export type TrajectoryParams = z.input<typeof TrajectoryParams>

/** Counts of each step name. */
function counts(steps: readonly string[]): Map<string, number> {
  const map = new Map<string, number>()
  for (const s of steps) map.set(s, (map.get(s) ?? 0) + 1)
  return map
}

/** True when `expected` occurs in `actual` in order (a subsequence). */
function isSubsequence(expected: readonly string[], actual: readonly string[]): boolean {
  let i = 0
  for (const step of actual) if (i < expected.length && step === expected[i]) i++
  return i === expected.length
}

/** Partial deep match: every key of `want` is in `have` with an equal (or, for objects, partially matching) value. */
export function matchesArguments(have: unknown, want: Record<string, unknown>): string | null {
  if (typeof have !== 'object' || have === null) return 'has no arguments'
  for (const [key, value] of Object.entries(want)) {
    const actual = (have as Record<string, unknown>)[key]
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const inner = matchesArguments(actual, value as Record<string, unknown>)
      if (inner) return `${key}.${inner}`
    } else if (JSON.stringify(actual) !== JSON.stringify(value)) {
      return `${key} is ${JSON.stringify(actual) ?? 'missing'}, expected ${JSON.stringify(value)}`
    }
  }
  return null
}

/** How one path compares with what the run did. */
export interface PathComparison {
  pass: boolean
  score: number
  missing: string[]
  unexpected: string[]
  repeated: string[]
}

/** Compares the actual steps with one acceptable path. */
export function comparePath(actual: readonly string[], expected: readonly string[], mode: z.output<typeof TrajectoryParams>['mode'], allowRepeats: boolean): PathComparison {
  const want = counts(expected)
  const have = counts(actual)
  const missing: string[] = []
  const unexpected: string[] = []
  const repeated: string[] = []
  let matched = 0
  for (const [step, n] of want) {
    const got = have.get(step) ?? 0
    matched += Math.min(n, got)
    for (let i = got; i < n; i++) missing.push(step)
    if (got > n) repeated.push(...Array.from({ length: got - n }, () => step))
  }
  for (const [step, n] of have) if (!want.has(step)) unexpected.push(...Array.from({ length: n }, () => step))
  const repeatsOk = allowRepeats || repeated.length === 0
  let pass: boolean
  switch (mode) {
    case 'exact':
      pass = actual.length === expected.length && actual.every((s, i) => s === expected[i])
      break
    case 'in-order':
      pass = isSubsequence(expected, actual) && repeatsOk
      break
    case 'any-order':
      pass = missing.length === 0 && unexpected.length === 0 && repeated.length === 0
      break
    case 'subset':
      pass = unexpected.length === 0 && repeatsOk
      break
    case 'superset':
      pass = missing.length === 0 && repeatsOk
      break
  }
  // Partial credit: F1 of the steps both have (order aside), so a near miss scores near 1.
  const precision = actual.length ? matched / actual.length : expected.length ? 0 : 1
  const recall = expected.length ? matched / expected.length : 1
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0
  return { pass, score: pass ? 1 : Math.round(f1 * 1000) / 1000, missing, unexpected, repeated }
}

function describe(c: PathComparison, actual: readonly string[], path: readonly string[]): string {
  const parts = [`took ${actual.length ? actual.join(' → ') : 'no steps'}; expected ${path.join(' → ')}`]
  if (c.missing.length) parts.push(`missing ${c.missing.join(', ')}`)
  if (c.unexpected.length) parts.push(`unexpected ${c.unexpected.join(', ')}`)
  if (c.repeated.length) parts.push(`repeated ${c.repeated.join(', ')}`)
  return parts.join('; ')
}

/** The steps of a trace: spans of the chosen kinds, in start order. */
export function stepsOf(spans: readonly ScoredSpan[], kinds: readonly string[]): ScoredSpan[] {
  const wanted = new Set(kinds)
  return spans.filter((s) => wanted.has(s.kind)).sort((a, b) => a.startMs - b.startMs)
}

/** The trajectory scorer. */
export const trajectoryScorer: Scorer<z.output<typeof TrajectoryParams>> = {
  meta: {
    type: 'trajectory',
    label: 'Trajectory',
    description: 'Compares the steps (tool calls by default) of the row’s trace with acceptable paths: exact, in order, any order, subset or superset; reports missing, unexpected and repeated steps, and checks tool arguments.',
    level: 'trajectory',
    valueType: 'number',
    needsLlm: false,
  },
  params: TrajectoryParams,
  async score(input, params) {
    if (!input.spans) return { score: 0, pass: false, reason: 'the row has no trace to read steps from' }
    const steps = stepsOf(input.spans, params.kinds)
    const actual = steps.map((s) => s.name)
    const paths = (typeof params.expected[0] === 'string' ? [params.expected] : params.expected) as string[][]
    let best: { c: PathComparison; path: string[] } | null = null
    for (const path of paths) {
      const c = comparePath(actual, path, params.mode, params.allowRepeats)
      if (!best || Number(c.pass) > Number(best.c.pass) || (c.pass === best.c.pass && c.score > best.c.score)) best = { c, path }
    }
    const { c, path } = best!
    for (const [name, want] of Object.entries(params.arguments ?? {})) {
      const step = steps.find((s) => s.name === name)
      if (!step) continue
      const problem = matchesArguments(step.inputs, want)
      if (problem) return { score: Math.min(c.score, 0.5), pass: false, reason: `${name}: ${problem}; ${describe(c, actual, path)}` }
    }
    return { score: c.score, pass: c.pass, reason: describe(c, actual, path) }
  },
}
