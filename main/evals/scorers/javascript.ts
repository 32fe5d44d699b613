/**
 * `javascript`: a custom scorer written in JavaScript (issue 8). The code
 * defines `function score({ output, expected, row, latencyMs, costUsd, spans })`
 * (sync or async) or is one function expression, and returns a number from 0
 * to 1, a boolean, or `{ score, pass?, reason? }`.
 *
 * It runs in a worker thread with a time and memory limit, inside a `vm`
 * context that has no file system, network, timers, `require`, `process`,
 * `eval` or `new Function` (see javascriptWorker.ts for how).
 */
import vm from 'node:vm'
import { z } from 'zod'
import { JavaScriptScorerError, runInScorerWorker } from './javascriptPool'
import { SCORER_FILENAME, type BridgeOutcome, type ReturnedValue, type ThrownValue } from './javascriptWorker'
import type { ScoreInput, Scorer, ScoreResult } from './types'

export { closeScorerWorkers, JavaScriptScorerError } from './javascriptPool'

const JavaScriptParams = z
  .strictObject({
    code: z
      .string({ error: 'code must be a string' })
      .min(1, { error: 'code must not be empty' })
      .max(100_000, { error: 'code may be at most 100000 characters' }),
    timeoutMs: z.number().int().min(1).max(30_000, { error: 'timeoutMs may be at most 30000' }).default(1000),
    memoryMb: z.number().int().min(16, { error: 'memoryMb must be at least 16' }).max(1024, { error: 'memoryMb may be at most 1024' }).default(64),
  })
  .superRefine((params, context) => {
    const problem = syntaxProblem(params.code)
    if (problem) context.addIssue({ code: 'custom', path: ['code'], message: `code does not parse: ${problem}` })
  })

/** Parameters of `javascript`. */
export type JavaScriptParams = z.infer<typeof JavaScriptParams>

// Parameters are checked once per row as well as when the definition is
// read; compiling 100 kB each time would be wasted work.
const syntaxChecked = new Map<string, string | null>()

/**
 * Why the code does not parse, or null. Compiling runs none of it, so this
 * is safe on the main thread. It mirrors the worker's `compile` (which
 * cannot import it): script form first, else one function expression, and
 * when both fail the error found further into the code.
 */
export function syntaxProblem(code: string): string | null {
  const known = syntaxChecked.get(code)
  if (known !== undefined) return known
  let problem: string | null = null
  try {
    new vm.Script(code, { filename: SCORER_FILENAME })
  } catch (asScript) {
    try {
      new vm.Script(`(\n${code}\n)`, { filename: SCORER_FILENAME, lineOffset: -1 })
    } catch (asExpression) {
      const error = (lineOf(asExpression) ?? 0) > (lineOf(asScript) ?? 0) ? asExpression : asScript
      problem = withLine((error as Error).message, lineOf(error))
    }
  }
  if (syntaxChecked.size >= 64) syntaxChecked.clear()
  syntaxChecked.set(code, problem)
  return problem
}

/** The line in the user's code a stack or syntax error points at (`scorer.js:LINE`). */
function lineOf(error: unknown): number | undefined {
  const stack = typeof error === 'string' ? error : String((error as Error | null)?.stack)
  const line = new RegExp(`${SCORER_FILENAME.replace('.', '\\.')}:(\\d+)`).exec(stack)?.[1]
  return line === undefined ? undefined : Number(line)
}

const withLine = (message: string, line: number | undefined) => (line ? `${message} (line ${line})` : message)

/** The one argument `score` receives, as JSON (the sandbox parses it with its own `JSON`). */
function encodeInput(input: ScoreInput): string {
  const { output, expected, row, latencyMs, costUsd, spans } = input
  try {
    return JSON.stringify({ output, expected, row, latencyMs, costUsd, spans })
  } catch (error) {
    throw new JavaScriptScorerError('bad-input', `the row cannot be passed to the scorer as JSON: ${(error as Error).message}`)
  }
}

const SHAPE = 'return a number from 0 to 1, a boolean, or { score, pass?, reason? }'

/** Checks a score the user's code gave: finite and within 0..1. */
function checkScore(text: string, where: string): number {
  const score = Number(text)
  if (!Number.isFinite(score)) throw new JavaScriptScorerError('bad-result', `${where} ${text}, not a finite number; ${SHAPE}`)
  if (score < 0 || score > 1) throw new JavaScriptScorerError('bad-result', `${where} ${text}, outside 0..1; ${SHAPE}`)
  return score
}

/** Turns what the user's code returned into a result, or says what is wrong with it. */
export function toScoreResult(returned: ReturnedValue): ScoreResult {
  if (returned.kind === 'boolean' && 'value' in returned) return { score: returned.value === 'true' ? 1 : 0, pass: returned.value === 'true' }
  if (returned.kind === 'number' && 'value' in returned) return { score: checkScore(returned.value, 'score returned') }
  if (returned.kind === 'object' && 'scoreKind' in returned) {
    if (returned.score === null) throw new JavaScriptScorerError('bad-result', `score returned an object whose score is ${returned.scoreKind}, not a number; ${SHAPE}`)
    const result: ScoreResult = { score: checkScore(returned.score, 'score returned an object whose score is') }
    if (returned.passKind !== 'undefined') {
      if (returned.pass === null) throw new JavaScriptScorerError('bad-result', `pass must be a boolean, not ${returned.passKind}`)
      result.pass = returned.pass
    }
    if (returned.reasonKind !== 'undefined') {
      if (returned.reason === null) throw new JavaScriptScorerError('bad-result', `reason must be a string, not ${returned.reasonKind}`)
      // The reason is shown in a table cell; a scorer that dumps a document there is cut short.
      result.reason = returned.reason.length > 1000 ? `${returned.reason.slice(0, 999)}…` : returned.reason
    }
    return result
  }
  throw new JavaScriptScorerError('bad-result', `score returned ${returned.kind}; ${SHAPE}`)
}

/** A readable message for a throw inside the user's code: name, message and the line it came from. */
export function describeThrow(thrown: ThrownValue): string {
  const head = thrown.name === 'thrown value' ? `threw ${thrown.message}` : `${thrown.name}: ${thrown.message}`
  return withLine(head, lineOf(thrown.stack))
}

/** A custom scorer in JavaScript, sandboxed in a worker. */
export const javascript: Scorer<JavaScriptParams> = {
  meta: {
    type: 'javascript',
    label: 'JavaScript',
    description:
      'Your own scorer: a function score({ output, expected, row, latencyMs, costUsd, spans }) that returns a number from 0 to 1, a boolean, or { score, pass, reason }. Runs in a sandbox with a time and memory limit, without files or network.',
    level: 'system',
    valueType: 'number',
    needsLlm: false,
  },
  params: JavaScriptParams,
  // `{{` in code is code (an object literal in a block), not a row template.
  literalParams: ['code'],
  async score(input, params, context) {
    const outcome = JSON.parse(
      await runInScorerWorker({ code: params.code, input: encodeInput(input), timeoutMs: params.timeoutMs }, params.memoryMb, context.signal),
    ) as BridgeOutcome
    if ('thrown' in outcome) throw new JavaScriptScorerError('thrown', describeThrow(outcome.thrown))
    return toScoreResult(outcome.returned)
  },
}
