import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { makeStepScorer } from './step'
import type { ScoredSpan, Scorer } from './types'

// A tiny system-level scorer for the test: does the value's text contain `text`?
const includes: Scorer<{ text: string }> = {
  meta: { type: 'includes', label: 'Includes', description: '', level: 'system', valueType: 'boolean', needsLlm: false },
  params: z.object({ text: z.string().min(1) }).strict(),
  async score({ output }, { text }) {
    const pass = JSON.stringify(output).includes(text)
    return { score: Number(pass), pass, reason: pass ? `has ${text}` : `lacks ${text}` }
  },
}
const trajectoryLike = { ...includes, meta: { ...includes.meta, type: 'path', level: 'trajectory' as const } }
const registry: Record<string, Scorer> = { includes: includes as Scorer, path: trajectoryLike as Scorer }
const step = makeStepScorer((type) => registry[type])

const span = (name: string, kind: string, startMs: number, output: unknown, inputs?: unknown): ScoredSpan => ({ id: name + startMs, parentId: null, name, kind, status: 'ok', startMs, endMs: startMs + 1, output, inputs, attributes: {} })
const spans = [span('answer', 'llm', 5, 'Refunds take 5 days'), span('retrieve', 'retrieval', 1, ['doc-7', 'doc-9'], { query: 'refund time' }), span('retrieve', 'retrieval', 3, ['doc-1'])]

async function run(params: unknown) {
  return step.score({ output: null, row: {}, spans }, step.params.parse(params), {})
}

describe('step scorer', () => {
  it('scores the chosen span’s output or inputs with another scorer', async () => {
    expect(await run({ select: { name: 'retrieve' }, scorer: { type: 'includes', params: { text: 'doc-7' } } })).toEqual({ score: 1, pass: true, reason: 'retrieve: has doc-7' })
    expect(await run({ select: { kind: 'retrieval', index: 1 }, scorer: { type: 'includes', params: { text: 'doc-7' } } })).toMatchObject({ pass: false, reason: 'retrieve: lacks doc-7' })
    expect(await run({ select: { name: 'retrieve' }, target: 'inputs', scorer: { type: 'includes', params: { text: 'refund time' } } })).toMatchObject({ pass: true })
  })

  it('says when the step is not there, or the row has no trace', async () => {
    expect(await run({ select: { name: 'rerank' }, scorer: { type: 'includes', params: { text: 'x' } } })).toEqual({ score: 0, pass: false, reason: 'no step named rerank (the trace has 0)' })
    expect(await step.score({ output: null, row: {} }, step.params.parse({ select: { kind: 'llm' }, scorer: { type: 'includes', params: { text: 'x' } } }), {})).toMatchObject({ pass: false })
  })

  it('refuses an unknown or unsuitable inner scorer and bad inner params, naming the field', () => {
    const paths = (params: unknown) => step.params.safeParse(params).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    expect(paths({ select: { name: 'a' }, scorer: { type: 'nope' } })).toEqual(['scorer.type: unknown scorer "nope"'])
    expect(paths({ select: { name: 'a' }, scorer: { type: 'path', params: { text: 'x' } } })).toEqual(['scorer.type: "path" scores whole traces, not one step'])
    expect(paths({ select: { name: 'a' }, scorer: { type: 'includes', params: {} } })?.[0]).toMatch(/^scorer\.params\.text: /)
    expect(paths({ select: {}, scorer: { type: 'includes', params: { text: 'x' } } })).toEqual(['select: give a span name or kind to select'])
  })
})
