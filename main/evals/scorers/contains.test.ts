import { describe, expect, it } from 'vitest'
import { contains } from './contains'

const run = (output: unknown, raw: Record<string, unknown>, expected?: unknown) =>
  contains.score({ output, expected, row: {} }, contains.params.parse(raw), {})

describe('contains', () => {
  it.each([
    ['one string found', 'a refund please', { values: 'refund' }, true],
    ['one string missing', 'a refund please', { values: 'billing' }, false],
    ['any of several', 'a refund please', { values: ['billing', 'refund'] }, true],
    ['all of several, one missing', 'a refund please', { values: ['billing', 'refund'], mode: 'all' }, false],
    ['all of several', 'a refund please', { values: ['please', 'refund'], mode: 'all' }, true],
    ['case matters by default', 'A Refund', { values: 'refund' }, false],
    ['caseInsensitive', 'A Refund', { values: 'REFUND', caseInsensitive: true }, true],
    ['objects are searched as JSON', { category: 'refund' }, { values: '"category":"refund"' }, true]
  ])('%s', async (_name, output, raw, pass) => {
    const result = await run(output, raw)
    expect(result.pass).toBe(pass)
    expect(result.score).toBe(pass ? 1 : 0)
  })

  it('uses expected when values are not given', async () => {
    expect((await run('it is billing', {}, 'billing')).pass).toBe(true)
    expect((await run('it is billing', {}, ['refund', 'billing'])).pass).toBe(true)
  })

  it('fails with a reason when there is nothing to look for', async () => {
    expect(await run('x', {})).toMatchObject({ pass: false, reason: expect.stringContaining('no strings') })
  })

  it('names what is missing', async () => {
    const result = await run('a refund', { values: ['refund', 'billing', 'late'], mode: 'all' })
    expect(result.reason).toBe("missing 'billing', 'late'")
  })

  it.each([
    [{ values: 3 }, 'values'],
    [{ values: [] }, 'values'],
    [{ values: 'x', mode: 'some' }, 'mode'],
    [{ values: 'x', caseInsensitive: 'no' }, 'caseInsensitive']
  ])('refuses bad params %j', (raw, field) => {
    const parsed = contains.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    expect(issue.path[0]).toBe(field)
    expect(issue.message).toContain(field)
  })
})
