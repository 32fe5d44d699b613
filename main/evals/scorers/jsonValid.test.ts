import { describe, expect, it } from 'vitest'
import { jsonValid } from './jsonValid'

describe('json-valid', () => {
  it.each([
    ['object string', '{"a":1}', true],
    ['array string', '[1,2]', true],
    ['number string', '42', true],
    ['whitespace around', '  {"a":1}\n', true],
    ['already an object', { a: 1 }, true],
    ['already null', null, true],
    ['broken JSON', '{"a":', false],
    ['prose', 'Sure! Here is the JSON', false],
    ['empty string', '', false],
    ['no output', undefined, false]
  ])('%s', async (_name, output, pass) => {
    const result = await jsonValid.score({ output, row: {} }, jsonValid.params.parse({}), {})
    expect(result.pass).toBe(pass)
    expect(result.score).toBe(pass ? 1 : 0)
    if (!pass) expect(result.reason).toMatch(/not JSON|no output/)
  })

  it('refuses params it does not know', () => {
    const parsed = jsonValid.params.safeParse({ strict: true })
    expect(parsed.success).toBe(false)
    expect(parsed.error!.issues[0]!.message).toContain('strict')
  })
})
