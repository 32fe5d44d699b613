import { describe, expect, it } from 'vitest'
import { numeric } from './numeric'

const run = (output: unknown, expected: unknown, raw: Record<string, unknown> = {}) =>
  numeric.score({ output, expected, row: {} }, numeric.params.parse(raw), {})

describe('numeric', () => {
  it.each([
    ['exact without tolerance', 42, 42, {}, true],
    ['off without tolerance', 42.1, 42, {}, false],
    ['string output', ' 42 ', 42, {}, true],
    ['string expected', '3.5', '3.5', {}, true],
    ['within absolute', 10.4, 10, { tolerance: 0.5 }, true],
    ['outside absolute', 10.6, 10, { tolerance: 0.5 }, false],
    ['within relative', 101, 100, { relativeTolerance: 0.01 }, true],
    ['outside relative', 102, 100, { relativeTolerance: 0.01 }, false],
    ['either tolerance suffices', 102, 100, { tolerance: 2, relativeTolerance: 0.001 }, true],
    ['negative expected, relative', -99, -100, { relativeTolerance: 0.01 }, true],
    ['params.expected wins', 7, 1, { expected: 7 }, true],
    ['prose output', 'about 42', 42, { tolerance: 1 }, false],
    ['empty output', '', 0, { tolerance: 1 }, false],
    ['NaN output', Number.NaN, 0, { tolerance: 1 }, false]
  ])('%s', async (_name, output, expected, raw, pass) => {
    const result = await run(output, expected, raw)
    expect(result.pass).toBe(pass)
    expect(result.score).toBe(pass ? 1 : 0)
  })

  it('explains the miss', async () => {
    expect((await run(10.6, 10, { tolerance: 0.5 })).reason).toMatch(/^expected 10 ±0.5, got 10.6 \(off by 0.6/)
    expect((await run('n/a', 10)).reason).toBe("output 'n/a' is not a number")
    expect((await run(1, undefined)).reason).toContain('is not a number')
  })

  it.each([
    [{ tolerance: -1 }, 'tolerance'],
    [{ tolerance: '1' }, 'tolerance'],
    [{ relativeTolerance: -0.1 }, 'relativeTolerance'],
    [{ expected: true }, 'expected']
  ])('refuses bad params %j', (raw, field) => {
    const parsed = numeric.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    expect(issue.path).toEqual([field])
    expect(issue.message).toContain(field)
  })
})
