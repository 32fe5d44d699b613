import { describe, expect, it } from 'vitest'
import { levenshtein, levenshteinDistance, levenshteinSimilarity } from './levenshtein'

describe('levenshteinDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['sitting', 'kitten', 3],
    ['flaw', 'lawn', 2],
    ['gumbo', 'gambol', 2],
    ['same', 'same', 0],
    ['a', 'b', 1],
    ['😀a', '😀b', 1]
  ])('%j → %j is %i', (a, b, distance) => {
    expect(levenshteinDistance(a, b)).toBe(distance)
  })

  it('normalises by the longer length', () => {
    expect(levenshteinSimilarity('kitten', 'sitting').similarity).toBeCloseTo(1 - 3 / 7)
    expect(levenshteinSimilarity('', '').similarity).toBe(1)
    expect(levenshteinSimilarity('abc', '').similarity).toBe(0)
  })
})

describe('levenshtein scorer', () => {
  const run = (output: unknown, expected: unknown, raw: Record<string, unknown> = {}) =>
    levenshtein.score({ output, expected, row: {} }, levenshtein.params.parse(raw), {})

  it.each([
    ['no threshold: number only', 'kitten', 'sitting', {}, 1 - 3 / 7, undefined],
    ['passes at threshold', 'kitten', 'sitting', { minSimilarity: 0.5 }, 1 - 3 / 7, true],
    ['fails below threshold', 'kitten', 'sitting', { minSimilarity: 0.6 }, 1 - 3 / 7, false],
    ['identical', 'billing', 'billing', { minSimilarity: 1 }, 1, true],
    ['caseInsensitive and trim', ' Billing ', 'billing', { caseInsensitive: true, trim: true }, 1, undefined],
    ['objects compared as JSON', { a: 1 }, { a: 2 }, {}, 1 - 1 / 7, undefined],
    ['params.expected wins', 'abc', 'xyz', { expected: 'abc' }, 1, undefined]
  ])('%s', async (_name, output, expected, raw, score, pass) => {
    const result = await run(output, expected, raw)
    expect(result.score).toBeCloseTo(score)
    expect(result.pass).toBe(pass)
  })

  it('reports distance and similarity', async () => {
    expect((await run('kitten', 'sitting', { minSimilarity: 0.6 })).reason).toBe(
      "distance 3, similarity 0.571 to 'sitting' (< 0.6)"
    )
  })

  it.each([
    [{ minSimilarity: 1.5 }, 'minSimilarity'],
    [{ minSimilarity: -0.1 }, 'minSimilarity'],
    [{ minSimilarity: 'high' }, 'minSimilarity'],
    [{ trim: 1 }, 'trim']
  ])('refuses bad params %j', (raw, field) => {
    const parsed = levenshtein.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    expect(issue.path).toEqual([field])
    expect(issue.message).toContain(field)
  })
})
