/**
 * LLM-as-judge: a rubric that is a versioned prompt, run on a judge model
 * config with the row's input, output and expected answer as variables. The
 * judge answers JSON `{"score": 0..1, "reason": "…"}` (or a bare number); a
 * pass threshold turns the score into pass/fail.
 */
import { z } from 'zod'
import type { Scorer } from './types'

const Params = z
  .object({
    /** The rubric prompt, e.g. `prompt:judge-helpfulness@v2`. */
    rubric: z.string().min(1, 'name the rubric prompt'),
    /** The judge model config, e.g. `model:judge`. */
    model: z.string().min(1, 'name the judge model config'),
    /** Scores at or above this pass. */
    passScore: z.number().min(0).max(1).default(0.5),
  })
  .strict()

/** Reads a judge's answer: JSON with `score` (and `reason`), or text that starts with a number. */
export function parseVerdict(text: string): { score: number; reason?: string } | null {
  const trimmed = text.trim()
  // Models wrap JSON in prose or fences; take the first {...} block.
  const block = /\{[\s\S]*\}/.exec(trimmed)?.[0]
  if (block) {
    try {
      const value = JSON.parse(block) as { score?: unknown; reason?: unknown }
      const score = Number(value.score)
      if (Number.isFinite(score)) return { score: Math.min(1, Math.max(0, score)), ...(typeof value.reason === 'string' ? { reason: value.reason } : {}) }
    } catch {
      // fall through to a bare number
    }
  }
  const number = /^-?\d+(\.\d+)?/.exec(trimmed)?.[0]
  return number === undefined ? null : { score: Math.min(1, Math.max(0, Number(number))) }
}

/** The LLM-as-judge scorer. */
export const llmJudgeScorer: Scorer<z.output<typeof Params>> = {
  meta: {
    type: 'llm-judge',
    label: 'LLM as judge',
    description: 'A rubric prompt (versioned) run on a judge model with the row’s input, output and expected answer; returns a score from 0 to 1 and the judge’s reason.',
    level: 'system',
    valueType: 'number',
    needsLlm: true,
  },
  params: Params,
  async score(input, params, context) {
    if (!context.judge) throw new Error('this run cannot call models, so the LLM judge cannot score')
    const { id: _id, expected: _expected, ...fields } = input.row
    const { text } = await context.judge(params.rubric, params.model, { input: fields, row: input.row, output: input.output, expected: input.expected ?? null }, context.signal)
    const verdict = parseVerdict(text)
    if (!verdict) return { score: 0, pass: false, reason: `the judge did not answer a score: ${text.slice(0, 200)}` }
    return { score: verdict.score, pass: verdict.score >= params.passScore, reason: verdict.reason ?? `judged ${verdict.score}` }
  },
}
