/** `numeric`: the output, read as a number, is within a tolerance of the expected number. */
import { z } from 'zod'
import { show, verdict } from './shared'
import type { Scorer } from './types'

const NumericParams = z.strictObject({
  /** Overrides the row's expected answer (a number, or text that is one). */
  expected: z.union([z.number(), z.string()], { error: 'expected must be a number' }).optional(),
  /** Largest allowed |output − expected|. */
  tolerance: z.number({ error: 'tolerance must be a number' }).min(0, { error: 'tolerance must not be negative' }).optional(),
  /** Largest allowed |output − expected| / |expected|, e.g. 0.01 for 1 %. */
  relativeTolerance: z
    .number({ error: 'relativeTolerance must be a number' })
    .min(0, { error: 'relativeTolerance must not be negative' })
    .optional()
})

/** Parameters of `numeric`. */
export type NumericParams = z.infer<typeof NumericParams>

/** A finite number from a number or a string that is exactly one (surrounding spaces allowed). */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const number = Number(value.trim())
  return Number.isFinite(number) ? number : undefined
}

/** Numeric comparison within an absolute or relative tolerance (exact when neither is set). */
export const numeric: Scorer<NumericParams> = {
  meta: {
    type: 'numeric',
    label: 'Numeric',
    description: 'The output is a number within an absolute tolerance or a relative tolerance of the expected number.',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: NumericParams,
  score(input, params) {
    const expectedRaw = params.expected !== undefined ? params.expected : input.expected
    const expected = readNumber(expectedRaw)
    if (expected === undefined) return Promise.resolve(verdict(false, `expected ${show(expectedRaw)} is not a number`))
    const actual = readNumber(input.output)
    if (actual === undefined) return Promise.resolve(verdict(false, `output ${show(input.output)} is not a number`))
    const difference = Math.abs(actual - expected)
    const withinAbsolute = params.tolerance !== undefined && difference <= params.tolerance
    const withinRelative =
      params.relativeTolerance !== undefined && difference <= params.relativeTolerance * Math.abs(expected)
    const exact = params.tolerance === undefined && params.relativeTolerance === undefined && difference === 0
    const pass = withinAbsolute || withinRelative || exact
    const allowed = [
      params.tolerance !== undefined ? `±${params.tolerance}` : undefined,
      params.relativeTolerance !== undefined ? `±${params.relativeTolerance * 100}%` : undefined
    ]
      .filter(Boolean)
      .join(' or ')
    return Promise.resolve(
      verdict(pass, `expected ${expected}${allowed ? ` ${allowed}` : ''}, got ${actual} (off by ${Number(difference.toPrecision(6))})`)
    )
  }
}
