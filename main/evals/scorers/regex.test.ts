import { describe, expect, it } from 'vitest'
import { regex } from './regex'

const run = (output: unknown, raw: Record<string, unknown>) =>
  regex.score({ output, row: {} }, regex.params.parse(raw), {})

describe('regex', () => {
  it.each([
    ['match', 'order #1234', { pattern: '#\\d+' }, true],
    ['no match', 'order #abc', { pattern: '#\\d+' }, false],
    ['anchors', 'billing', { pattern: '^bill' }, true],
    ['case matters without i', 'Billing', { pattern: '^bill' }, false],
    ['flag i', 'Billing', { pattern: '^bill', flags: 'i' }, true],
    ['flag m', 'a\nbilling', { pattern: '^bill', flags: 'm' }, true],
    ['objects are matched as JSON', { n: 12 }, { pattern: '"n":12' }, true]
  ])('%s', async (_name, output, raw, pass) => {
    const result = await run(output, raw)
    expect(result.pass).toBe(pass)
    expect(result.score).toBe(pass ? 1 : 0)
  })

  it('gives the same answer on repeated use (no lastIndex state)', async () => {
    for (let i = 0; i < 3; i++) expect((await run('a1', { pattern: '\\d', flags: 'y' })).pass).toBe(false)
    for (let i = 0; i < 3; i++) expect((await run('1a', { pattern: '\\d', flags: 'y' })).pass).toBe(true)
  })

  it.each([
    [{ pattern: '(' }, 'pattern', 'not a valid regular expression'],
    [{ pattern: '' }, 'pattern', 'must not be empty'],
    [{}, 'pattern', 'pattern'],
    [{ pattern: 'a', flags: 'g' }, 'flags', 'flags may only'],
    [{ pattern: 'a', flags: 'q' }, 'flags', 'flags may only']
  ])('refuses bad params %j', (raw, field, message) => {
    const parsed = regex.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    expect(issue.path).toEqual([field])
    expect(issue.message).toContain(message)
  })
})
