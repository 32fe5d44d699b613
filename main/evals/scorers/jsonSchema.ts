/** `json-schema`: the output (parsed if a string) validates against a JSON Schema, checked with ajv. */
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv'
import { z } from 'zod'
import { lazyRequire } from '../../lazyRequire'
import { parseOutput, verdict } from './shared'
import type { Scorer } from './types'

// Loaded on first use, not at start-up: ajv costs ~40 ms to load and only evaluations
// with a json-schema scorer need it. require, not import(): the params check below
// compiles the schema inside zod's synchronous parse.
const loadAjv = lazyRequire<{ Ajv: typeof Ajv }>('ajv')

// Every row of a run scores against the same schema: compile it once.
const validators = new Map<string, ValidateFunction>()

function validatorFor(schema: object | boolean): ValidateFunction {
  const key = JSON.stringify(schema)
  let validate = validators.get(key)
  if (!validate) {
    // One Ajv per schema: two definitions may reuse a `$id`, which one shared
    // instance refuses. strict: false so schemas written for other tools
    // (with extra keywords) still work.
    const { Ajv } = loadAjv()
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
    validators.set(key, validate)
  }
  return validate
}

const JsonSchemaParams = z
  .strictObject({
    schema: z.union([z.record(z.string(), z.unknown()), z.boolean()], {
      error: 'schema must be a JSON Schema object'
    }),
    /** How many errors the reason lists. */
    maxErrors: z.int({ error: 'maxErrors must be a whole number' }).min(1, { error: 'maxErrors must be at least 1' }).default(3)
  })
  .superRefine((params, context) => {
    try {
      validatorFor(params.schema)
    } catch (error) {
      context.addIssue({
        code: 'custom',
        path: ['schema'],
        message: `schema is not a valid JSON Schema: ${(error as Error).message}`
      })
    }
  })

/** Parameters of `json-schema`. */
export type JsonSchemaParams = z.infer<typeof JsonSchemaParams>

function describeError(error: ErrorObject): string {
  return `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`
}

/** JSON Schema validation of the output. */
export const jsonSchema: Scorer<JsonSchemaParams> = {
  meta: {
    type: 'json-schema',
    label: 'JSON Schema',
    description: 'The output (parsed if it is a string) is valid against a JSON Schema.',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: JsonSchemaParams,
  score(input, params) {
    const parsed = parseOutput(input.output)
    if (!parsed.ok) return Promise.resolve(verdict(false, parsed.error))
    const validate = validatorFor(params.schema)
    if (validate(parsed.value)) return Promise.resolve(verdict(true, 'matches the schema'))
    const errors = validate.errors ?? []
    const listed = errors.slice(0, params.maxErrors).map(describeError).join('; ')
    const more = errors.length > params.maxErrors ? ` (+${errors.length - params.maxErrors} more)` : ''
    return Promise.resolve(verdict(false, `${listed}${more}`))
  }
}
