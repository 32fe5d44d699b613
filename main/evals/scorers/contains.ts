/** `contains`: the output text contains any (or all) of the given strings. */
import { z } from 'zod'
import { show, toText, verdict } from './shared'
import type { Scorer } from './types'

const ContainsParams = z.strictObject({
  /** One string or several; the row's expected answer when omitted. */
  values: z
    .union([z.string(), z.array(z.string()).min(1, { error: 'values must list at least one string' })], {
      error: 'values must be a string or a list of strings'
    })
    .optional(),
  mode: z.enum(['any', 'all'], { error: "mode must be 'any' or 'all'" }).default('any'),
  caseInsensitive: z.boolean({ error: 'caseInsensitive must be true or false' }).default(false)
})

/** Parameters of `contains`. */
export type ContainsParams = z.infer<typeof ContainsParams>

function wanted(params: ContainsParams, expected: unknown): string[] {
  const values = params.values ?? expected
  if (values === undefined) return []
  return Array.isArray(values) ? values.map(toText) : [toText(values)]
}

/** Substring search for any or all of the given strings. */
export const contains: Scorer<ContainsParams> = {
  meta: {
    type: 'contains',
    label: 'Contains',
    description: 'The output contains any (or all) of the given strings, optionally ignoring case.',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: ContainsParams,
  score(input, params) {
    const values = wanted(params, input.expected)
    if (values.length === 0) return Promise.resolve(verdict(false, 'no strings to look for (set values or expected)'))
    const fold = (text: string) => (params.caseInsensitive ? text.toLowerCase() : text)
    const text = fold(toText(input.output))
    const found = values.filter((value) => text.includes(fold(value)))
    const missing = values.filter((value) => !found.includes(value))
    if (params.mode === 'all') {
      const pass = missing.length === 0
      return Promise.resolve(
        verdict(pass, pass ? `contains all ${values.length}` : `missing ${missing.map((v) => show(v)).join(', ')}`)
      )
    }
    const pass = found.length > 0
    return Promise.resolve(
      verdict(pass, pass ? `contains ${show(found[0])}` : `contains none of ${values.map((v) => show(v)).join(', ')}`)
    )
  }
}
