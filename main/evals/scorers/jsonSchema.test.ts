import { describe, expect, it } from 'vitest'
import { jsonSchema } from './jsonSchema'

const ticket = {
  type: 'object',
  required: ['category', 'priority'],
  properties: {
    category: { enum: ['billing', 'refund', 'other'] },
    priority: { type: 'integer', minimum: 1, maximum: 3 },
    tags: { type: 'array', items: { type: 'string' } }
  }
}

const run = (output: unknown, raw: Record<string, unknown> = { schema: ticket }) =>
  jsonSchema.score({ output, row: {} }, jsonSchema.params.parse(raw), {})

describe('json-schema', () => {
  it.each([
    ['valid string', '{"category":"billing","priority":1}', true],
    ['valid object', { category: 'refund', priority: 3, tags: ['x'] }, true],
    ['wrong enum', '{"category":"sales","priority":1}', false],
    ['missing field', { category: 'billing' }, false],
    ['not JSON', 'category: billing', false]
  ])('%s', async (_name, output, pass) => {
    const result = await run(output)
    expect(result.pass).toBe(pass)
    expect(result.score).toBe(pass ? 1 : 0)
  })

  it('reports errors with their instance path', async () => {
    const result = await run({ category: 'billing', priority: 9, tags: ['a', 2] })
    expect(result.reason).toContain('/priority must be <= 3')
    expect(result.reason).toContain('/tags/1 must be string')
  })

  it('reports root errors as (root) and caps the list', async () => {
    expect((await run({})).reason).toContain("(root) must have required property 'category'")
    const many = await run({ category: 1, priority: 'x', tags: [1, 2, 3] }, { schema: ticket, maxErrors: 2 })
    expect(many.reason).toMatch(/\(\+\d+ more\)$/)
    expect(many.reason!.split('; ')).toHaveLength(2)
  })

  it('keeps two different schemas with the same $id apart', async () => {
    const a = { $id: 'https://example.com/answer', type: 'string' }
    const b = { $id: 'https://example.com/answer', type: 'number' }
    expect((await run('"x"', { schema: a })).pass).toBe(true)
    expect((await run('"x"', { schema: b })).pass).toBe(false)
    expect((await run('3', { schema: b })).pass).toBe(true)
  })

  it('accepts schemas with unknown keywords', () => {
    expect(jsonSchema.params.safeParse({ schema: { type: 'string', 'x-ui': 'wide' } }).success).toBe(true)
  })

  it.each([
    [{}, 'schema', 'schema'],
    [{ schema: 'object' }, 'schema', 'schema must be a JSON Schema object'],
    [{ schema: { type: 'nope' } }, 'schema', 'schema is not a valid JSON Schema'],
    [{ schema: { minimum: 'x' } }, 'schema', 'schema is not a valid JSON Schema'],
    [{ schema: ticket, maxErrors: 0 }, 'maxErrors', 'maxErrors']
  ])('refuses bad params %j', (raw, field, message) => {
    const parsed = jsonSchema.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    expect(issue.path).toEqual([field])
    expect(issue.message).toContain(message)
  })
})
