import { describe, expect, it } from 'vitest'
import { costMax } from './costMax'
import { latencyMax } from './latencyMax'

describe('latency-max', () => {
  it.each([
    ['under', 120, 500, true, '120 ms ≤ 500 ms'],
    ['equal', 500, 500, true, '500 ms ≤ 500 ms'],
    ['over', 812.4, 500, false, '812 ms > 500 ms'],
    ['not recorded', undefined, 500, false, 'no latency was recorded']
  ])('%s', async (_name, latencyMs, ms, pass, reason) => {
    const result = await latencyMax.score({ output: 'x', row: {}, latencyMs }, latencyMax.params.parse({ ms }), {})
    expect(result).toEqual({ score: pass ? 1 : 0, pass, reason })
  })

  it.each([[{}], [{ ms: 0 }], [{ ms: -5 }], [{ ms: '500' }]])('refuses bad params %j', (raw) => {
    const parsed = latencyMax.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    expect(parsed.error!.issues[0]!.path).toEqual(['ms'])
    expect(parsed.error!.issues[0]!.message).toContain('ms must')
  })
})

describe('cost-max', () => {
  it.each([
    ['under', 0.0012, 0.01, true, '$0.0012 ≤ $0.01'],
    ['free (cached)', 0, 0, true, '$0 ≤ $0'],
    ['over', 0.02, 0.01, false, '$0.02 > $0.01'],
    ['unknown price', null, 0.01, false, 'cost is unknown (no price for the model?)'],
    ['not recorded', undefined, 0.01, false, 'cost is unknown (no price for the model?)']
  ])('%s', async (_name, costUsd, usd, pass, reason) => {
    const result = await costMax.score({ output: 'x', row: {}, costUsd }, costMax.params.parse({ usd }), {})
    expect(result).toEqual({ score: pass ? 1 : 0, pass, reason })
  })

  it.each([[{}], [{ usd: -0.01 }], [{ usd: '1' }]])('refuses bad params %j', (raw) => {
    const parsed = costMax.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    expect(parsed.error!.issues[0]!.path).toEqual(['usd'])
    expect(parsed.error!.issues[0]!.message).toContain('usd must')
  })
})
