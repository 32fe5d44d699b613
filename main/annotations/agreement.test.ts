import { describe, expect, it } from 'vitest'
import type { Annotation, AnnotationField } from '../../common/schemas/annotation'
import { cohenKappa, fieldAgreement, krippendorffAlpha, queueAgreement } from './agreement'

/**
 * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section
 * E: four observers, twelve units, values 1–5 with gaps. The paper gives
 * α = 0.743 (nominal) and α = 0.849 (interval).
 */
const OBSERVERS: Array<Array<number | null>> = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
]
const UNITS = OBSERVERS[0]!.map((_, u) => OBSERVERS.map((o) => o[u]).filter((v): v is number => v !== null))

/** Section A of the same paper: two observers, binary, ten units; α = 0.095. */
const BINARY_A = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
const BINARY_B = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]

let seq = 0
function annotation(itemId: string, annotator: string, values: Annotation['values']): Annotation {
  seq++
  return { id: `id-${String(seq).padStart(6, '0')}`, queue: 'q', queueVersion: 'a'.repeat(40), itemId, annotator, values, updatedMs: seq, storedMs: seq, complete: true }
}

describe("Krippendorff's alpha", () => {
  it('matches the textbook example with missing values: nominal 0.743, interval 0.849', () => {
    expect(krippendorffAlpha(UNITS, 'nominal')).toBeCloseTo(0.743, 3)
    expect(krippendorffAlpha(UNITS, 'interval')).toBeCloseTo(0.849, 3)
  })

  it('matches the textbook two-observer binary example: 0.095', () => {
    expect(krippendorffAlpha(BINARY_A.map((a, i) => [a, BINARY_B[i]]), 'nominal')).toBeCloseTo(0.095, 3)
  })

  it('keeps its digits for large numbers with a small spread', () => {
    const shifted = UNITS.map((u) => u.map((v) => v + 1e9))
    expect(krippendorffAlpha(shifted, 'interval')).toBeCloseTo(0.849, 3)
  })

  it('is 1 for perfect agreement with variation, and undefined without variation or pairable values', () => {
    expect(krippendorffAlpha([[1, 1], [2, 2], [3, 3, 3]], 'nominal')).toBe(1)
    expect(krippendorffAlpha([[1, 1], [2, 2]], 'interval')).toBe(1)
    expect(krippendorffAlpha([['a', 'a'], ['a', 'a']], 'nominal')).toBeNull()
    expect(krippendorffAlpha([[1], [2], [3]], 'nominal')).toBeNull()
    expect(krippendorffAlpha([], 'interval')).toBeNull()
  })
})

describe("Cohen's kappa", () => {
  it('matches a hand computation: po 0.6, pe 0.2·0.4 + 0.8·0.6 = 0.56, κ = 0.04/0.44', () => {
    expect(cohenKappa(BINARY_A.map((a, i) => [a, BINARY_B[i]] as const))).toBeCloseTo(0.04 / 0.44, 10)
  })

  it('is 1 for perfect agreement, and undefined when both always give the one same category', () => {
    expect(cohenKappa([['x', 'x'], ['y', 'y']])).toBe(1)
    expect(cohenKappa([['x', 'x'], ['x', 'x']])).toBeNull()
    expect(cohenKappa([])).toBeNull()
  })
})

describe('agreement per field', () => {
  const category: AnnotationField = { name: 'category', type: 'categorical', options: ['a', 'b', 'c'], required: true }
  const score: AnnotationField = { name: 'score', type: 'numeric', min: 1, max: 5, step: 1, required: true }
  const ok: AnnotationField = { name: 'ok', type: 'binary', required: true }
  const note: AnnotationField = { name: 'note', type: 'text', maxLength: 100, required: false }

  it('counts only items with values from two or more annotators, and pairs over the items both labelled', () => {
    const list = [
      annotation('i1', 'ana', { category: 'a', score: 4, note: ' Fine ' }),
      annotation('i1', 'bo', { category: 'a', score: 5, note: 'fine' }),
      annotation('i1', 'cy', { category: 'b', score: 4, note: null }),
      annotation('i2', 'ana', { category: 'c', score: 2 }),
      annotation('i2', 'bo', { category: 'c', score: 2 }),
      annotation('i3', 'ana', { category: 'b', score: 1 }), // alone: not counted
      annotation('i4', 'cy', { category: null, score: 3 }),
      annotation('i4', 'bo', { category: 'a', score: 3 }),
    ]
    const c = fieldAgreement(category, list)
    // i1: ana–bo agree, ana–cy and bo–cy do not; i2: ana–bo agree → 2 of 4 pairs.
    expect(c).toMatchObject({ field: 'category', type: 'categorical', items: 2, percentAgreement: 0.5 })
    expect(c.pairs).toEqual([
      { a: 'ana', b: 'bo', items: 2, agreement: 1, kappa: 1 },
      { a: 'ana', b: 'cy', items: 1, agreement: 0, kappa: 0 },
      { a: 'bo', b: 'cy', items: 1, agreement: 0, kappa: 0 },
    ])
    expect(c.alpha).toBeCloseTo(krippendorffAlpha([['a', 'a', 'b'], ['c', 'c']], 'nominal')!, 12)

    const s = fieldAgreement(score, list)
    expect(s).toMatchObject({ items: 3, percentAgreement: 3 / 5 })
    expect(s.alpha).toBeCloseTo(krippendorffAlpha([[4, 5, 4], [2, 2], [3, 3]], 'interval')!, 12)
    expect(s.pairs.every((p) => p.kappa === null)).toBe(true)

    // Text: the same after trimming and case counts as agreeing; no alpha.
    expect(fieldAgreement(note, list)).toMatchObject({ items: 1, percentAgreement: 1, alpha: null, pairs: [{ a: 'ana', b: 'bo', agreement: 1, kappa: null }] })
  })

  it('gives the queue its annotators, shared items and every field (none shared: nulls)', () => {
    const list = [annotation('i1', 'ana', { ok: true }), annotation('i1', 'bo', { ok: true }), annotation('i2', 'bo', { ok: false })]
    const result = queueAgreement([ok, note], list)
    expect(result).toMatchObject({ annotators: ['ana', 'bo'], items: 1 })
    expect(result.fields[0]).toMatchObject({ field: 'ok', items: 1, percentAgreement: 1, alpha: null, pairs: [{ kappa: null }] })
    expect(result.fields[1]).toEqual({ field: 'note', type: 'text', items: 0, percentAgreement: null, alpha: null, pairs: [] })
  })
})
