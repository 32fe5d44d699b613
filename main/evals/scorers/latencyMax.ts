/** `latency-max`: the target answered within a time budget. */
import { z } from 'zod'
import { verdict } from './shared'
import type { Scorer } from './types'

const LatencyMaxParams = z.strictObject({
  ms: z.number({ error: 'ms must be a number of milliseconds' }).positive({ error: 'ms must be more than 0' })
})

/** Parameters of `latency-max`. */
export type LatencyMaxParams = z.infer<typeof LatencyMaxParams>

/** Passes when the row's latency is at most `ms`. */
export const latencyMax: Scorer<LatencyMaxParams> = {
  meta: {
    type: 'latency-max',
    label: 'Latency ≤',
    description: 'The target answered within the given number of milliseconds.',
    level: 'system',
    valueType: 'boolean',
    needsLlm: false
  },
  params: LatencyMaxParams,
  score(input, params) {
    const latency = input.latencyMs
    if (latency === undefined || !Number.isFinite(latency)) {
      return Promise.resolve(verdict(false, 'no latency was recorded'))
    }
    const pass = latency <= params.ms
    return Promise.resolve(verdict(pass, `${Math.round(latency)} ms ${pass ? '≤' : '>'} ${params.ms} ms`))
  }
}
