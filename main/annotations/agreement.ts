/**
 * Agreement between annotators, per field: percent agreement over annotator
 * pairs, Krippendorff's alpha (nominal for yes/no and categories, interval for
 * numbers) and Cohen's kappa for each pair of annotators.
 *
 * Alpha follows Krippendorff, "Computing Krippendorff's Alpha-Reliability"
 * (2011): values in units with at least two of them are pairable; observed
 * disagreement D_o sums δ² over ordered pairs within a unit, each unit weighed
 * by 1/(m_u − 1); expected disagreement D_e sums it over all pairs of pairable
 * values; α = 1 − (n − 1)·ΣD_o / ΣD_e, undefined (null) when every value is
 * the same (D_e = 0) or nothing is pairable.
 */
import type { z } from 'zod'
import type { Annotation, AnnotationField, FieldAgreementSchema } from '../../common/schemas/annotation'

/** Agreement on one field. */
export type FieldAgreement = z.output<typeof FieldAgreementSchema>

/** How two values differ: nominal (same or not) or interval (squared difference). */
export type Metric = 'nominal' | 'interval'

/** Krippendorff's alpha over units of values (missing values simply absent); null when undefined. */
export function krippendorffAlpha(units: ReadonlyArray<readonly unknown[]>, metric: Metric): number | null {
  const pairable = units.filter((u) => u.length >= 2)
  const n = pairable.reduce((t, u) => t + u.length, 0)
  if (n < 2) return null
  let observed = 0
  for (const unit of pairable) {
    let sum = 0
    for (let i = 0; i < unit.length; i++) for (let j = 0; j < unit.length; j++) if (i !== j) sum += delta(unit[i], unit[j], metric)
    observed += sum / (unit.length - 1)
  }
  // Σ over ordered pairs i ≠ j of all pairable values, in O(n).
  let expected: number
  const all = pairable.flat()
  if (metric === 'interval') {
    // Σ_{i,j} (x_i − x_j)² = 2n·Σ (x_i − mean)²; centred first, so large values with a small spread keep their digits.
    const xs = all as number[]
    const mean = xs.reduce((t, x) => t + x, 0) / n
    expected = 2 * n * xs.reduce((t, x) => t + (x - mean) ** 2, 0)
  } else {
    const counts = new Map<unknown, number>()
    for (const v of all) counts.set(key(v), (counts.get(key(v)) ?? 0) + 1)
    expected = n * n - [...counts.values()].reduce((t, c) => t + c * c, 0)
  }
  // Rounding can leave a hair above zero when every value is equal.
  if (expected <= 1e-12 * Math.max(1, n * n)) return null
  return 1 - ((n - 1) * observed) / expected
}

/** Cohen's kappa of two annotators over the items both labelled; null when chance agreement is total (one category only) or there are none. */
export function cohenKappa(pairs: ReadonlyArray<readonly [unknown, unknown]>): number | null {
  if (pairs.length === 0) return null
  const a = new Map<unknown, number>()
  const b = new Map<unknown, number>()
  let agree = 0
  for (const [x, y] of pairs) {
    a.set(key(x), (a.get(key(x)) ?? 0) + 1)
    b.set(key(y), (b.get(key(y)) ?? 0) + 1)
    if (key(x) === key(y)) agree++
  }
  const n = pairs.length
  const po = agree / n
  let pe = 0
  for (const [category, count] of a) pe += (count / n) * ((b.get(category) ?? 0) / n)
  if (pe >= 1 - 1e-12) return null
  return (po - pe) / (1 - pe)
}

/** What makes two values the same: a primitive itself (Map keys and === keep 1, '1' and true apart), anything else its JSON. */
function key(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : value
}

function delta(x: unknown, y: unknown, metric: Metric): number {
  if (metric === 'interval') return ((x as number) - (y as number)) ** 2
  return key(x) === key(y) ? 0 : 1
}

/** A value as compared for agreement: text trimmed and lower-cased; null when it does not fit the field's type. */
function comparable(field: AnnotationField, value: unknown): unknown {
  switch (field.type) {
    case 'binary':
      return typeof value === 'boolean' ? value : null
    case 'categorical':
      return typeof value === 'string' ? value : null
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value) ? value : null
    case 'text':
      return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null
  }
}

/** Agreement on one field over a queue's annotations (items with values from two or more annotators). */
export function fieldAgreement(field: AnnotationField, annotations: readonly Annotation[]): FieldAgreement {
  // item → annotator → value
  const byItem = new Map<string, Map<string, unknown>>()
  for (const a of annotations) {
    const value = comparable(field, a.values[field.name])
    if (value === null) continue
    let values = byItem.get(a.itemId)
    if (!values) byItem.set(a.itemId, (values = new Map()))
    values.set(a.annotator, value)
  }
  const shared = [...byItem.values()].filter((v) => v.size >= 2)
  let pairCount = 0
  let agreeing = 0
  for (const values of shared) {
    const list = [...values.values()]
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        pairCount++
        if (key(list[i]) === key(list[j])) agreeing++
      }
    }
  }
  const annotators = [...new Set(shared.flatMap((v) => [...v.keys()]))].sort()
  const nominal = field.type === 'binary' || field.type === 'categorical'
  const pairs: FieldAgreement['pairs'] = []
  for (let i = 0; i < annotators.length; i++) {
    for (let j = i + 1; j < annotators.length; j++) {
      const a = annotators[i]!
      const b = annotators[j]!
      const both = shared.filter((v) => v.has(a) && v.has(b)).map((v) => [v.get(a), v.get(b)] as const)
      if (both.length === 0) continue
      pairs.push({
        a, b, items: both.length,
        agreement: both.filter(([x, y]) => key(x) === key(y)).length / both.length,
        kappa: nominal ? cohenKappa(both) : null,
      })
    }
  }
  const alpha = field.type === 'text' ? null : krippendorffAlpha(shared.map((v) => [...v.values()]), field.type === 'numeric' ? 'interval' : 'nominal')
  return { field: field.name, type: field.type, items: shared.length, percentAgreement: pairCount ? agreeing / pairCount : null, alpha, pairs }
}

/** Agreement on every field of a queue: the annotators, the items two or more of them annotated, and each field's numbers. */
export function queueAgreement(fields: readonly AnnotationField[], annotations: readonly Annotation[]): { annotators: string[]; items: number; fields: FieldAgreement[] } {
  const byItem = new Map<string, Set<string>>()
  for (const a of annotations) {
    let who = byItem.get(a.itemId)
    if (!who) byItem.set(a.itemId, (who = new Set()))
    who.add(a.annotator)
  }
  return {
    annotators: [...new Set(annotations.map((a) => a.annotator))].sort(),
    items: [...byItem.values()].filter((who) => who.size >= 2).length,
    fields: fields.map((f) => fieldAgreement(f, annotations)),
  }
}
