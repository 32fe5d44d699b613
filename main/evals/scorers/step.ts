/**
 * Step scorer: picks one span of the row's trace — by name and/or kind, the
 * first (or the n-th) in start order — and scores its output (or inputs) with
 * any system-level scorer: "the retriever returned the right document", "the
 * tool call had the right arguments".
 */
import { z } from 'zod'
import type { Scorer } from './types'

const StepParams = z
  .object({
    select: z
      .object({ name: z.string().min(1).optional(), kind: z.string().min(1).optional(), index: z.number().int().min(0).default(0) })
      .strict()
      .refine((s) => s.name !== undefined || s.kind !== undefined, { message: 'give a span name or kind to select' }),
    /** Which side of the span is scored. */
    target: z.enum(['output', 'inputs']).default('output'),
    /** The scorer applied to that value: `{ type, params }`. */
    scorer: z.object({ type: z.string().min(1), params: z.unknown().optional() }).strict(),
  })
  .strict()

/** The step scorer's parameters as a definition writes them. */
export type StepParams = z.input<typeof StepParams>

/** Builds the step scorer over a registry (passed in, so the registry can include it without an import cycle). */
export function makeStepScorer(lookup: (type: string) => Scorer | undefined): Scorer<z.output<typeof StepParams>> {
  return {
    meta: {
      type: 'step',
      label: 'Step',
      description: 'Scores one step (span) of the row’s trace, chosen by name or kind, with another scorer — e.g. the retriever’s output contains the right document.',
      level: 'step',
      valueType: 'number',
      needsLlm: false,
    },
    params: StepParams.superRefine((p, ctx) => {
      const inner = lookup(p.scorer.type)
      if (!inner) return ctx.addIssue({ code: 'custom', path: ['scorer', 'type'], message: `unknown scorer "${p.scorer.type}"` })
      if (inner.meta.level !== 'system') return ctx.addIssue({ code: 'custom', path: ['scorer', 'type'], message: `"${p.scorer.type}" scores whole traces, not one step` })
      const params = inner.params.safeParse(p.scorer.params ?? {})
      if (!params.success) for (const issue of params.error.issues) ctx.addIssue({ code: 'custom', path: ['scorer', 'params', ...issue.path.map(String)], message: issue.message })
    }),
    async score(input, params, context) {
      if (!input.spans) return { score: 0, pass: false, reason: 'the row has no trace to pick a step from' }
      const { name, kind, index } = params.select
      const matches = [...input.spans].filter((s) => (name === undefined || s.name === name) && (kind === undefined || s.kind === kind)).sort((a, b) => a.startMs - b.startMs)
      const span = matches[index]
      const what = [name && `named ${name}`, kind && `of kind ${kind}`].filter(Boolean).join(' ')
      if (!span) return { score: 0, pass: false, reason: `no step ${what}${index ? ` #${index + 1}` : ''} (the trace has ${matches.length})` }
      const inner = lookup(params.scorer.type)!
      const value = params.target === 'inputs' ? span.inputs : span.output
      const result = await inner.score({ ...input, output: value }, inner.params.parse(params.scorer.params ?? {}), context)
      return { ...result, reason: `${span.name}: ${result.reason ?? (result.pass ? 'passed' : 'failed')}` }
    },
  }
}
