import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { WeftError } from '../../common/errors'
import { packageRoot } from '../paths'
import { applySets, loadEvaluation, parseEvaluation, parseThreshold, type DefinitionReader } from './definition'
import { lookupScorer } from './scorers'
import type { Scorer } from './scorers/types'

const fake = (type: string, params: z.ZodType): Scorer => ({
  meta: { type, label: type, description: '', level: 'system', valueType: 'boolean', needsLlm: false },
  params,
  score: async () => ({ score: 1, pass: true }),
})
const registry: Record<string, Scorer> = {
  'json-field-equals': fake('json-field-equals', z.object({ field: z.string(), expected: z.unknown() }).strict()),
  'latency-max': fake('latency-max', z.object({ ms: z.number().positive() }).strict()),
  contains: fake('contains', z.object({ values: z.array(z.string()).min(1) }).strict()),
}
const lookup = (type: string) => registry[type]

function failure(text: string): WeftError {
  try {
    parseEvaluation(text, 'evals/x.yaml', lookup)
  } catch (error) {
    return error as WeftError
  }
  throw new Error('expected the definition to be refused')
}

describe('evaluation definitions', () => {
  it("reads the sample project's regression evaluation", () => {
    const text = fs.readFileSync(path.join(packageRoot(), 'resources', 'sample-project', 'evals', 'regression.yaml'), 'utf8')
    const definition = parseEvaluation(text, 'evals/regression.yaml', lookup)
    expect(definition).toMatchObject({ dataset: 'dataset:tickets@latest', target: { prompt: 'prompt:classify-ticket@latest', model: 'model:fast' }, trials: 1, concurrency: 4, thresholds: { category: 0.9 } })
    expect(definition.scorers.map((s) => s.id)).toEqual(['category', 'latency'])
  })

  it('takes an HTTP endpoint as the target, with defaults', () => {
    const d = parseEvaluation('dataset: tickets\ntarget:\n  http:\n    url: http://127.0.0.1:8080/answer\nscorers:\n  - {id: ok, type: contains, params: {values: [yes]}}\n', 'evals/x.yaml', lookup)
    expect(d.target).toEqual({ http: { url: 'http://127.0.0.1:8080/answer', method: 'POST', headers: {}, timeoutMs: 60_000 } })
  })

  it('refuses an unknown scorer, bad scorer parameters, duplicate ids and thresholds naming no scorer — with the field', () => {
    const base = 'dataset: tickets\ntarget: {prompt: summarize, model: fast}\n'
    expect(failure(`${base}scorers:\n  - {id: a, type: nope}\n`).message).toBe('evals/x.yaml: scorers.0.type: unknown scorer type "nope"')
    expect(failure(`${base}scorers:\n  - {id: a, type: latency-max, params: {ms: -1}}\n`).issues?.[0]?.path).toBe('scorers.0.params.ms')
    expect(failure(`${base}scorers:\n  - {id: a, type: latency-max, params: {ms: 5}}\n  - {id: a, type: latency-max, params: {ms: 5}}\n`).message).toMatch(/scorers\.1\.id: duplicate scorer id "a"/)
    expect(failure(`${base}scorers:\n  - {id: a, type: latency-max, params: {ms: 5}}\nthresholds: {b: 0.9}\n`).message).toMatch(/thresholds\.b: no scorer has the id "b"/)
    const yaml = failure(`${base}scorers:\n  - {id: a, type: latency-max, params: {ms: 5}}\ntrials: many\n`)
    expect(yaml.issues?.[0]).toMatchObject({ path: 'trials', line: 5 })
    expect(failure('dataset: tickets\ntarget: {model: fast}\nscorers: []\n').issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['target', 'scorers']))
  })

  it('checks templated parameters for everything but the template', () => {
    const base = 'dataset: tickets\ntarget: {prompt: summarize, model: fast}\n'
    expect(parseEvaluation(`${base}scorers:\n  - {id: a, type: json-field-equals, params: {field: category, expected: "{{expected.category}}"}}\n`, 'evals/x.yaml', lookup).scorers[0]!.params).toEqual({ field: 'category', expected: '{{expected.category}}' })
    // The template stands for a string; the misspelt field beside it is still an error.
    expect(failure(`${base}scorers:\n  - {id: a, type: json-field-equals, params: {feild: category, expected: "{{expected}}"}}\n`).issues?.map((i) => i.path)).toEqual(['scorers.0.params.field', 'scorers.0.params'])
    expect(failure(`${base}scorers:\n  - {id: a, type: contains, params: {values: "{{expected}}", extra: 1}}\n`).message).toMatch(/scorers\.0\.params/)
  })

  it('applies --set key=value overrides before the check, values read as YAML', () => {
    const text = 'dataset: tickets\ntarget: {prompt: summarize, model: fast}\nscorers:\n  - {id: a, type: latency-max, params: {ms: 5}}\n'
    const d = parseEvaluation(text, 'evals/x.yaml', lookup, ['concurrency=16', 'target.model=model:slow@v2', 'scorers.0.params.ms=250', 'providerConcurrency.openai=4'])
    expect(d).toMatchObject({ concurrency: 16, target: { model: 'model:slow@v2' }, providerConcurrency: { openai: 4 } })
    expect(d.scorers[0]!.params).toEqual({ ms: 250 })
    expect(() => parseEvaluation(text, 'evals/x.yaml', lookup, ['concurrency=lots'])).toThrow(/--set concurrency=lots: concurrency: /)
    expect(() => parseEvaluation(text, 'evals/x.yaml', lookup, ['concurrency'])).toThrow(/--set takes key=value/)
    expect(() => applySets({ scorers: [] }, ['scorers.x.id=a'])).toThrow(/is a list; use an index/)
    expect(() => parseEvaluation(text, 'evals/x.yaml', lookup, ['scorers.0.params.ms=-3'])).toThrow(/scorers\.0\.params\.ms/)
  })

  it('resolves reusable scorers (scorer:NAME) with their params as the base, pins them, and checks every reference first', async () => {
    const objects: Record<string, string> = { 'scorer:fast-enough': 'type: latency-max\nparams: {ms: 100}\n', 'scorer:broken': 'type: latency-max\nparams: {ms: 100}\nextra: 1\n' }
    const reader: DefinitionReader = {
      resolve: async (ref) => {
        if (ref.includes('missing')) throw new Error('not found')
        return { ref }
      },
      readScorer: async (ref) => {
        const content = objects[ref]
        if (!content) throw new Error(`no scorer ${ref}`)
        return { ref: `${ref}@abc123`, content, file: `scorers/${ref.slice(7)}.yaml` }
      },
    }
    const text = (dataset: string, type: string) => `dataset: ${dataset}\ntarget: {prompt: summarize, model: fast}\nscorers:\n  - {id: quick, type: "${type}", params: {ms: 50}}\n`
    const { definition, pinned } = await loadEvaluation(text('tickets', 'scorer:fast-enough'), 'evals/x.yaml', lookup, reader)
    expect(definition.scorers[0]).toMatchObject({ id: 'quick', type: 'latency-max', params: { ms: 50 } })
    expect(pinned).toEqual({ 'scorer.quick': 'scorer:fast-enough@abc123' })
    const bad = await loadEvaluation(text('missing', 'scorer:nope'), 'evals/x.yaml', lookup, reader).catch((e: WeftError) => e)
    expect((bad as WeftError).issues?.map((i) => i.path)).toEqual(['dataset', 'scorers.0.type'])
    expect((bad as WeftError).message).toMatch(/^evals\/x\.yaml: dataset: missing: not found/)
    const broken = await loadEvaluation(text('tickets', 'scorer:broken'), 'evals/x.yaml', lookup, reader).catch((e: WeftError) => e)
    expect((broken as WeftError).message).toMatch(/scorers\.0\.type: scorer:broken: scorers\/broken\.yaml:3: extra: unknown field "extra"/)
  })

  it("accepts the README's example definition with the real scorers", async () => {
    const readme = fs.readFileSync(path.join(packageRoot(), 'README.md'), 'utf8')
    const yaml = /## Evaluations[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!
    const reader: DefinitionReader = {
      resolve: async (ref) => ({ ref }),
      readScorer: async (ref) => ({ ref: `${ref}@abc`, content: 'type: llm-judge\nparams: {rubric: prompt:tone, model: model:judge}\n', file: 'scorers/house-tone.yaml' }),
    }
    const { definition } = await loadEvaluation(yaml, 'README.md', lookupScorer, reader)
    expect(definition.scorers.map((s) => s.type)).toEqual(['json-field-equals', 'llm-judge', 'llm-judge', 'equals', 'trajectory'])
  })

  it('parses command-line thresholds', () => {
    expect(parseThreshold('category>=0.9', ['category'])).toEqual({ scorer: 'category', min: 0.9 })
    expect(parseThreshold(' overall >= 1 ', ['category'])).toEqual({ scorer: 'overall', min: 1 })
    expect(() => parseThreshold('category > 0.9', ['category'])).toThrow(/scorer>=fraction/)
    expect(() => parseThreshold('tone>=0.5', ['category'])).toThrow(/not a scorer of this evaluation/)
    expect(() => parseThreshold('category>=1.5', ['category'])).toThrow(/scorer>=fraction/)
  })
})
