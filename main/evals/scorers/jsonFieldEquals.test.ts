import { describe, expect, it } from 'vitest'
import { resolveParams } from '../params'
import { jsonFieldEquals } from './jsonFieldEquals'

const run = (output: unknown, raw: Record<string, unknown>, expected?: unknown) =>
  jsonFieldEquals.score({ output, expected, row: {} }, jsonFieldEquals.params.parse(raw), {})

describe('json-field-equals', () => {
  it.each([
    ['top-level field', '{"category":"billing"}', { field: 'category', expected: 'billing' }, true],
    ['different value', '{"category":"refund"}', { field: 'category', expected: 'billing' }, false],
    ['nested field', { a: { b: 2 } }, { field: 'a.b', expected: 2 }, true],
    ['array index', '{"items":[{"name":"x"}]}', { field: 'items.0.name', expected: 'x' }, true],
    ['deep value', '{"tags":["a","b"]}', { field: 'tags', expected: ['a', 'b'] }, true],
    ['number is not a string', '{"n":2}', { field: 'n', expected: '2' }, false],
    ['caseInsensitive', '{"category":"Billing"}', { field: 'category', expected: 'billing', caseInsensitive: true }, true],
    ['missing field', '{"other":1}', { field: 'category', expected: 'billing' }, false],
    ['not JSON', 'billing', { field: 'category', expected: 'billing' }, false]
  ])('%s', async (_name, output, raw, pass) => {
    const result = await run(output, raw)
    expect(result.pass).toBe(pass)
    expect(result.score).toBe(pass ? 1 : 0)
  })

  it('works as the sample project writes it, with the row template resolved', async () => {
    const row = { input: 'charged twice', expected: { category: 'billing' } }
    const raw = resolveParams({ field: 'category', expected: '{{expected.category}}' }, row)
    const result = await jsonFieldEquals.score(
      { output: '{"category":"refund"}', row },
      jsonFieldEquals.params.parse(raw),
      {}
    )
    expect(result).toEqual({ score: 0, pass: false, reason: "category: expected 'billing', got 'refund'" })
  })

  it('falls back to the mapped expected answer', async () => {
    expect((await run('{"category":"billing"}', { field: 'category' }, 'billing')).pass).toBe(true)
  })

  it('names a missing field', async () => {
    expect((await run('{}', { field: 'a.b', expected: 1 })).reason).toBe('output has no field a.b')
  })

  it.each([
    [{ expected: 'x' }, 'field'],
    [{ field: '', expected: 'x' }, 'field'],
    [{ field: 'a..b', expected: 'x' }, 'field'],
    [{ field: 'a', caseInsensitive: 'yes' }, 'caseInsensitive']
  ])('refuses bad params %j', (raw, field) => {
    const parsed = jsonFieldEquals.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    expect(issue.path).toEqual([field])
    expect(issue.message).toContain(field)
  })
})
