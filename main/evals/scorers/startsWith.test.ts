import { describe, expect, it } from 'vitest'
import { startsWith } from './startsWith'

const run = (output: unknown, raw: Record<string, unknown>, expected?: unknown) =>
  startsWith.score({ output, expected, row: {} }, startsWith.params.parse(raw), {})

describe('starts-with', () => {
  it.each([
    ['prefix', 'Dear customer,', { prefix: 'Dear' }, true],
    ['not a prefix', 'Hello customer', { prefix: 'Dear' }, false],
    ['leading space matters by default', '  Dear', { prefix: 'Dear' }, false],
    ['trim', '  Dear', { prefix: 'Dear', trim: true }, true],
    ['caseInsensitive', 'DEAR you', { prefix: 'dear', caseInsensitive: true }, true],
    ['objects as JSON', { a: 1 }, { prefix: '{"a"' }, true]
  ])('%s', async (_name, output, raw, pass) => {
    const result = await run(output, raw)
    expect(result.pass).toBe(pass)
    expect(result.score).toBe(pass ? 1 : 0)
  })

  it('uses expected when no prefix is given', async () => {
    expect((await run('billing: yes', {}, 'billing')).pass).toBe(true)
    expect((await run('x', {})).pass).toBe(false)
  })

  it('says what it wanted', async () => {
    expect((await run('Hello', { prefix: 'Dear' })).reason).toBe("expected to start with 'Dear', got 'Hello'")
  })

  it.each([
    [{ prefix: 1 }, 'prefix'],
    [{ prefix: 'a', trim: 'yes' }, 'trim'],
    [{ prefix: 'a', caseInsensitive: 0 }, 'caseInsensitive']
  ])('refuses bad params %j', (raw, field) => {
    const parsed = startsWith.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    expect(issue.path).toEqual([field])
    expect(issue.message).toContain(field)
  })
})
