/** `json-field-equals`: one field of the JSON output (a dotted path) equals the expected value. */
import { isDeepStrictEqual } from 'node:util'
import { z } from 'zod'
import { parseOutput, show, verdict } from './shared'
import type { Scorer } from './types'

const JsonFieldEqualsParams = z.strictObject({
  /** Dotted path into the output, e.g. `category` or `items.0.name`. */
  field: z
    .string({ error: 'field must be a dotted path such as category or items.0.name' })
    .regex(/^[^.]+(\.[^.]+)*$/, { error: 'field must be a dotted path such as category or items.0.name' }),
  /** The value the field should have; the row's expected answer when omitted. */
  expected: z.unknown().optional(),
  caseInsensitive: z.boolean({ error: 'caseInsensitive must be true or false' }).default(false)
})

/** Parameters of `json-field-equals`. */
export type JsonFieldEqualsParams = z.infer<typeof JsonFieldEqualsParams>

function readField(value: unknown, path: string): { found: true; value: unknown } | { found: false } {
  let current = value
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) {
      return { found: false }
    }
    current = (current as Record<string, unknown>)[key]
  }
  return { found: true, value: current }
}

/** Compares one field of the parsed output with the expected value. */
export const jsonFieldEquals: Scorer<JsonFieldEqualsParams> = {
  meta: {
    type: 'json-field-equals',
    label: 'JSON field equals',
    description: 'The output, parsed as JSON, has a field (dotted path) equal to the expected value.',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: JsonFieldEqualsParams,
  score(input, params) {
    const parsed = parseOutput(input.output)
    if (!parsed.ok) return Promise.resolve(verdict(false, parsed.error))
    const field = readField(parsed.value, params.field)
    if (!field.found) return Promise.resolve(verdict(false, `output has no field ${params.field}`))
    const expected = params.expected !== undefined ? params.expected : input.expected
    const fold = (value: unknown) =>
      params.caseInsensitive && typeof value === 'string' ? value.toLowerCase() : value
    const pass = isDeepStrictEqual(fold(field.value), fold(expected))
    return Promise.resolve(
      verdict(
        pass,
        pass
          ? `${params.field} equals ${show(expected)}`
          : `${params.field}: expected ${show(expected)}, got ${show(field.value)}`
      )
    )
  }
}
