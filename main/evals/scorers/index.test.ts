import { describe, expect, it } from 'vitest'
import { lookupScorer, SCORER_METAS, SCORERS } from './index'

const deterministic = [
  'equals',
  'contains',
  'regex',
  'starts-with',
  'json-valid',
  'json-schema',
  'json-field-equals',
  'levenshtein',
  'numeric',
  'latency-max',
  'cost-max'
]

describe('scorer registry', () => {
  it('keys every scorer by its meta.type', () => {
    for (const [type, scorer] of Object.entries(SCORERS)) expect(scorer.meta.type).toBe(type)
  })

  it.each(deterministic)('%s is a system-level scorer that needs no model', (type) => {
    const meta = SCORERS[type]!.meta
    expect(meta).toMatchObject({ type, level: 'system', needsLlm: false })
    expect(meta.label).not.toBe('')
    expect(meta.description).not.toBe('')
    expect(['boolean', 'number']).toContain(meta.valueType)
  })

  it('includes the step and trajectory scorers', () => {
    expect(lookupScorer('step')?.meta.level).toBe('step')
    expect(lookupScorer('trajectory')?.meta.level).toBe('trajectory')
  })

  it('finds nothing for unknown or inherited names', () => {
    expect(lookupScorer('nope')).toBeUndefined()
    expect(lookupScorer('toString')).toBeUndefined()
  })

  it('lists the metadata of every scorer as plain data', () => {
    expect(SCORER_METAS.map((meta) => meta.type).sort()).toEqual(Object.keys(SCORERS).sort())
    expect(JSON.parse(JSON.stringify(SCORER_METAS))).toEqual(SCORER_METAS)
  })

  it('lets the step scorer wrap a deterministic one', () => {
    const parsed = SCORERS.step!.params.safeParse({ select: { kind: 'tool' }, scorer: { type: 'contains', params: { values: 'x' } } })
    expect(parsed.success).toBe(true)
  })
})
