/** `json-valid`: the output is a JSON string that parses, or already a value. */
import { z } from 'zod'
import { parseOutput, verdict } from './shared'
import type { Scorer } from './types'

const JsonValidParams = z.strictObject({})

/** Parameters of `json-valid` (none). */
export type JsonValidParams = z.infer<typeof JsonValidParams>

/** Checks that the output is JSON. */
export const jsonValid: Scorer<JsonValidParams> = {
  meta: {
    type: 'json-valid',
    label: 'JSON valid',
    description: 'The output is a JSON string that parses (or already a structured value).',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: JsonValidParams,
  score(input) {
    const parsed = parseOutput(input.output)
    return Promise.resolve(parsed.ok ? verdict(true, 'valid JSON') : verdict(false, parsed.error))
  }
}
