/** `starts-with`: the output text starts with a given prefix. */
import { z } from 'zod'
import { show, toText, verdict } from './shared'
import type { Scorer } from './types'

const StartsWithParams = z.strictObject({
  /** The prefix; the row's expected answer when omitted. */
  prefix: z.string({ error: 'prefix must be a string' }).optional(),
  trim: z.boolean({ error: 'trim must be true or false' }).default(false),
  caseInsensitive: z.boolean({ error: 'caseInsensitive must be true or false' }).default(false)
})

/** Parameters of `starts-with`. */
export type StartsWithParams = z.infer<typeof StartsWithParams>

/** Prefix check on the output text. */
export const startsWith: Scorer<StartsWithParams> = {
  meta: {
    type: 'starts-with',
    label: 'Starts with',
    description: 'The output starts with the given prefix (optionally after trimming, ignoring case).',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: StartsWithParams,
  score(input, params) {
    const prefix = params.prefix ?? (input.expected === undefined ? undefined : toText(input.expected))
    if (prefix === undefined) return Promise.resolve(verdict(false, 'no prefix (set prefix or expected)'))
    let text = toText(input.output)
    if (params.trim) text = text.trimStart()
    const fold = (value: string) => (params.caseInsensitive ? value.toLowerCase() : value)
    const pass = fold(text).startsWith(fold(prefix))
    return Promise.resolve(
      verdict(pass, pass ? `starts with ${show(prefix)}` : `expected to start with ${show(prefix)}, got ${show(text, 40)}`)
    )
  }
}
