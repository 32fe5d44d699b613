/** `cost-max`: the row's calls cost at most a budget in US dollars. */
import { z } from 'zod'
import { verdict } from './shared'
import type { Scorer } from './types'

const CostMaxParams = z.strictObject({
  usd: z.number({ error: 'usd must be a number of US dollars' }).min(0, { error: 'usd must not be negative' })
})

/** Parameters of `cost-max`. */
export type CostMaxParams = z.infer<typeof CostMaxParams>

function dollars(usd: number): string {
  return `$${Number(usd.toPrecision(4))}`
}

/** Passes when the row's cost is at most `usd`. */
export const costMax: Scorer<CostMaxParams> = {
  meta: {
    type: 'cost-max',
    label: 'Cost ≤',
    description: 'The calls for the row cost at most the given amount in US dollars.',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: CostMaxParams,
  score(input, params) {
    const cost = input.costUsd
    // An unknown price must not pass a budget silently.
    if (cost === undefined || cost === null || !Number.isFinite(cost)) {
      return Promise.resolve(verdict(false, 'cost is unknown (no price for the model?)'))
    }
    const pass = cost <= params.usd
    return Promise.resolve(verdict(pass, `${dollars(cost)} ${pass ? '≤' : '>'} ${dollars(params.usd)}`))
  }
}
