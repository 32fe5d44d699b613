/** `equals`: the output deeply equals the expected value (strings optionally trimmed and case-folded). */
import { isDeepStrictEqual } from 'node:util'
import { z } from 'zod'
import { show, verdict } from './shared'
import type { Scorer } from './types'

const EqualsParams = z.strictObject({
  /** Overrides the row's expected answer. */
  expected: z.unknown().optional(),
  trim: z.boolean({ error: 'trim must be true or false' }).default(false),
  caseInsensitive: z.boolean({ error: 'caseInsensitive must be true or false' }).default(false)
})

/** Parameters of `equals`. */
export type EqualsParams = z.infer<typeof EqualsParams>

function normalise(value: unknown, params: EqualsParams): unknown {
  if (typeof value !== 'string') return value
  let text = params.trim ? value.trim() : value
  if (params.caseInsensitive) text = text.toLowerCase()
  return text
}

/** Deep equality of output and expected. */
export const equals: Scorer<EqualsParams> = {
  meta: {
    type: 'equals',
    label: 'Equals',
    description: 'The output equals the expected value (deep equality; strings can be trimmed and compared ignoring case).',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: EqualsParams,
  score(input, params) {
    const expected = params.expected !== undefined ? params.expected : input.expected
    const pass = isDeepStrictEqual(normalise(input.output, params), normalise(expected, params))
    return Promise.resolve(
      verdict(pass, pass ? `equals ${show(expected)}` : `expected ${show(expected)}, got ${show(input.output)}`)
    )
  }
}
