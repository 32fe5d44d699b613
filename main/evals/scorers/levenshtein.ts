/** `levenshtein`: edit distance between output and expected text, scored as similarity 1 - d / max(len). */
import { z } from 'zod'
import { show, toText } from './shared'
import type { Scorer } from './types'

const LevenshteinParams = z.strictObject({
  /** Overrides the row's expected answer. */
  expected: z.unknown().optional(),
  /** Passes when similarity ≥ this; without it the scorer only reports the number. */
  minSimilarity: z
    .number({ error: 'minSimilarity must be a number between 0 and 1' })
    .min(0, { error: 'minSimilarity must be between 0 and 1' })
    .max(1, { error: 'minSimilarity must be between 0 and 1' })
    .optional(),
  trim: z.boolean({ error: 'trim must be true or false' }).default(false),
  caseInsensitive: z.boolean({ error: 'caseInsensitive must be true or false' }).default(false)
})

/** Parameters of `levenshtein`. */
export type LevenshteinParams = z.infer<typeof LevenshteinParams>

/** Levenshtein distance over code points (insert, delete, substitute each cost 1), in two rows of memory. */
export function levenshteinDistance(a: string, b: string): number {
  let source = Array.from(a)
  let target = Array.from(b)
  // The shorter string sizes the rows.
  if (target.length > source.length) [source, target] = [target, source]
  let previous = Array.from({ length: target.length + 1 }, (_, j) => j)
  let current = new Array<number>(target.length + 1)
  for (let i = 1; i <= source.length; i++) {
    current[0] = i
    for (let j = 1; j <= target.length; j++) {
      // Indices stay within both rows, whose lengths are target.length + 1.
      const substitution = previous[j - 1]! + (source[i - 1] === target[j - 1] ? 0 : 1)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution)
    }
    ;[previous, current] = [current, previous]
  }
  return previous[target.length]!
}

/** 1 - distance / max(length), in code points; two empty strings are identical (1). */
export function levenshteinSimilarity(a: string, b: string): { distance: number; similarity: number } {
  const distance = levenshteinDistance(a, b)
  const longest = Math.max(Array.from(a).length, Array.from(b).length)
  return { distance, similarity: longest === 0 ? 1 : 1 - distance / longest }
}

/** Edit-distance similarity of output and expected text. */
export const levenshtein: Scorer<LevenshteinParams> = {
  meta: {
    type: 'levenshtein',
    label: 'Levenshtein similarity',
    description: 'Edit distance between output and expected text, as a similarity 1 − distance / longer length; passes at minSimilarity.',
    level: 'system',
    valueType: 'number',
    needsLlm: false
  },
  params: LevenshteinParams,
  score(input, params) {
    const prepare = (value: unknown) => {
      let text = toText(value)
      if (params.trim) text = text.trim()
      return params.caseInsensitive ? text.toLowerCase() : text
    }
    const expected = params.expected !== undefined ? params.expected : input.expected
    const { distance, similarity } = levenshteinSimilarity(prepare(input.output), prepare(expected))
    const rounded = Math.round(similarity * 1000) / 1000
    const summary = `distance ${distance}, similarity ${rounded} to ${show(expected, 40)}`
    if (params.minSimilarity === undefined) return Promise.resolve({ score: similarity, reason: summary })
    const pass = similarity >= params.minSimilarity
    return Promise.resolve({
      score: similarity,
      pass,
      reason: `${summary} (${pass ? '≥' : '<'} ${params.minSimilarity})`
    })
  }
}
