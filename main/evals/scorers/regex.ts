/** `regex`: the output text matches a regular expression. */
import { z } from 'zod'
import { show, toText, verdict } from './shared'
import type { Scorer } from './types'

const RegexParams = z
  .strictObject({
    pattern: z.string({ error: 'pattern must be a string' }).min(1, { error: 'pattern must not be empty' }),
    flags: z
      .string({ error: 'flags must be a string' })
      .regex(/^[dimsuvy]*$/, { error: 'flags may only hold d, i, m, s, u, v, y' })
      .default('')
  })
  .superRefine((params, context) => {
    try {
      new RegExp(params.pattern, params.flags)
    } catch (error) {
      context.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `pattern is not a valid regular expression: ${(error as Error).message}`
      })
    }
  })

/** Parameters of `regex`. */
export type RegexParams = z.infer<typeof RegexParams>

// Definitions are read once and scored per row: compile each pattern once.
const compiled = new Map<string, RegExp>()

function compile(params: RegexParams): RegExp {
  const key = `${params.flags}/${params.pattern}`
  let regex = compiled.get(key)
  if (!regex) {
    regex = new RegExp(params.pattern, params.flags)
    compiled.set(key, regex)
  }
  return regex
}

/** Regular-expression match on the output text. */
export const regex: Scorer<RegexParams> = {
  meta: {
    type: 'regex',
    label: 'Regex',
    description: 'The output matches a regular expression (pattern and flags).',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: RegexParams,
  score(input, params) {
    const text = toText(input.output)
    const pattern = compile(params)
    // The sticky flag makes exec() start at lastIndex; each row starts afresh.
    pattern.lastIndex = 0
    const match = pattern.exec(text)
    const shown = `/${params.pattern}/${params.flags}`
    return Promise.resolve(
      match
        ? verdict(true, `matches ${shown} at ${show(match[0])}`)
        : verdict(false, `${show(text)} does not match ${shown}`)
    )
  }
}
