import { describe, expect, it } from 'vitest'
import { ParamTemplateError, resolveParams } from './params'

const row = {
  input: 'I was charged twice',
  expected: { category: 'billing', priority: 2, tags: ['a', 'b'], nothing: null },
  items: [{ name: 'first' }]
}

describe('resolveParams', () => {
  it.each([
    ['whole-string template keeps a string', { expected: '{{expected.category}}' }, { expected: 'billing' }],
    ['whole-string template keeps a number', { n: '{{expected.priority}}' }, { n: 2 }],
    ['whole-string template keeps an array', { any: '{{expected.tags}}' }, { any: ['a', 'b'] }],
    ['whole-string template keeps null', { v: '{{ expected.nothing }}' }, { v: null }],
    ['array index in a path', { v: '{{items.0.name}}' }, { v: 'first' }],
    ['embedded templates interpolate text', { s: 'cat={{expected.category}} p={{expected.priority}}' }, { s: 'cat=billing p=2' }],
    ['embedded objects become JSON', { s: 'tags: {{expected.tags}}' }, { s: 'tags: ["a","b"]' }],
    ['nested params and arrays', { any: ['{{expected.category}}', 'x'], o: { k: '{{input}}' } }, { any: ['billing', 'x'], o: { k: 'I was charged twice' } }],
    ['non-template values pass through', { n: 3, b: true, s: 'plain', z: null }, { n: 3, b: true, s: 'plain', z: null }]
  ])('%s', (_name, params, want) => {
    expect(resolveParams(params, row)).toEqual(want)
  })

  it.each([
    ['{{expected.missing}}', 'expected.missing', 'row.expected has no "missing"'],
    ['{{nope}}', 'nope', 'the row has no "nope"'],
    ['x {{expected.category.deeper}}', 'expected.category.deeper', 'row.expected.category has no "deeper"']
  ])('missing path %s fails naming the path', (template, path, detail) => {
    let caught: unknown
    try {
      resolveParams({ v: template }, row)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ParamTemplateError)
    expect((caught as ParamTemplateError).path).toBe(path)
    expect((caught as Error).message).toContain(`{{${path}}}`)
    expect((caught as Error).message).toContain(detail)
  })

  it('does not modify the given params', () => {
    const params = { v: '{{expected.category}}' }
    resolveParams(params, row)
    expect(params).toEqual({ v: '{{expected.category}}' })
  })

  it('leaves literal parameters as written (code, where {{ is code)', () => {
    const row = { id: 'r', expected: 'x' }
    expect(resolveParams({ code: 'function score() {{ return 1 }}', want: '{{expected}}' }, row, ['code'])).toEqual({ code: 'function score() {{ return 1 }}', want: 'x' })
  })
})
