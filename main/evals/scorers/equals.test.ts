import { describe, expect, it } from 'vitest'
import { equals } from './equals'

const run = (output: unknown, expected: unknown, raw: Record<string, unknown> = {}) =>
  equals.score({ output, expected, row: {} }, equals.params.parse(raw), {})

describe('equals', () => {
  it.each([
    ['same string', 'billing', 'billing', {}, true],
    ['different string', 'refund', 'billing', {}, false],
    ['whitespace matters by default', ' billing\n', 'billing', {}, false],
    ['trim', ' billing\n', 'billing', { trim: true }, true],
    ['case matters by default', 'Billing', 'billing', {}, false],
    ['caseInsensitive', 'Billing', 'BILLING', { caseInsensitive: true }, true],
    ['deep objects', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, {}, true],
    ['deep objects differ', { a: [1, { b: 3 }] }, { a: [1, { b: 2 }] }, {}, false],
    ['number vs string', 2, '2', {}, false],
    ['params.expected wins', 'x', 'y', { expected: 'x' }, true]
  ])('%s', async (_name, output, expected, raw, pass) => {
    const result = await run(output, expected, raw)
    expect(result.pass).toBe(pass)
    expect(result.score).toBe(pass ? 1 : 0)
  })

  it('says what was expected and what came', async () => {
    expect((await run('refund', 'billing')).reason).toBe("expected 'billing', got 'refund'")
  })

  it.each([
    [{ trim: 'yes' }, 'trim'],
    [{ caseInsensitive: 1 }, 'caseInsensitive'],
    [{ bogus: true }, '']
  ])('refuses bad params %j', (raw, field) => {
    const parsed = equals.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    if (field) {
      expect(issue.path).toEqual([field])
      expect(issue.message).toContain(field)
    } else expect(issue.message).toContain('bogus')
  })
})
