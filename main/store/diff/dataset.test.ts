import { describe, expect, it } from 'vitest'
import { WeftError } from '../../../common/errors'
import { DatasetDiffSchema } from '../../../common/schemas/diff'
import { diffObjects } from '../diff'

const jsonl = (rows: object[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('')

function errorOf(run: () => unknown): WeftError {
  try {
    run()
  } catch (error) {
    if (error instanceof WeftError) return error
    throw error
  }
  throw new Error('expected a WeftError')
}

describe('dataset diff', () => {
  const before = jsonl([
    { id: 'a', input: 'hi', expected: { category: 'billing', score: 1 } },
    { id: 'b', input: 'yo' },
    { id: 'c', input: 'hey', tags: ['x'] },
  ])

  it('matches rows by id and reports added, removed and changed with field paths', () => {
    const after = jsonl([
      { id: 'a', input: 'hi', expected: { category: 'shipping', score: 1 } },
      { id: 'c', input: 'hey', tags: ['x'] },
      { id: 'd', input: 'new' },
    ])
    const diff = diffObjects('dataset', before, after)
    expect(diff).toEqual({
      kind: 'dataset',
      status: 'changed',
      added: [{ id: 'd', input: 'new' }],
      removed: [{ id: 'b', input: 'yo' }],
      changed: [
        {
          id: 'a',
          before: { id: 'a', input: 'hi', expected: { category: 'billing', score: 1 } },
          after: { id: 'a', input: 'hi', expected: { category: 'shipping', score: 1 } },
          fields: [{ path: 'expected.category', change: 'changed', before: 'billing', after: 'shipping' }],
        },
      ],
      unchanged: 1,
      reordered: false,
      stats: { added: 1, removed: 1, changed: 1, unchanged: 1 },
    })
    expect(DatasetDiffSchema.parse(JSON.parse(JSON.stringify(diff)))).toEqual(diff)
  })

  it('treats moved rows, other key order and spacing as unchanged, and says the order changed', () => {
    const after = [
      '{ "id": "c", "tags": ["x"], "input": "hey" }',
      '{"input":"yo","id":"b"}',
      JSON.stringify({ id: 'a', input: 'hi', expected: { score: 1, category: 'billing' } }),
    ].join('\r\n')
    const diff = diffObjects('dataset', before, after)
    expect(diff).toMatchObject({ status: 'unchanged', unchanged: 3, reordered: true, added: [], removed: [], changed: [] })
    expect(diffObjects('dataset', before, before)).toMatchObject({ status: 'unchanged', reordered: false, unchanged: 3 })
  })

  it('lists at most `limit` rows of each kind while stats count all', () => {
    const rows = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ id: `${tag}${i}`, v: 1 }))
    const old = jsonl([...rows(5, 'gone'), ...rows(5, 'same')])
    const neu = jsonl([...rows(5, 'new'), ...rows(5, 'same').map((r) => ({ ...r, v: 2 }))])
    const diff = diffObjects('dataset', old, neu, { limit: 2 })
    expect(diff.stats).toEqual({ added: 5, removed: 5, changed: 5, unchanged: 0 })
    expect(diff.added.map((r) => r.id)).toEqual(['new0', 'new1'])
    expect(diff.removed.map((r) => r.id)).toEqual(['gone0', 'gone1'])
    expect(diff.changed.map((r) => r.id)).toEqual(['same0', 'same1'])
    expect(diffObjects('dataset', old, neu, { limit: 0 })).toMatchObject({ added: [], removed: [], changed: [], stats: diff.stats })
  })

  it('diffs a new and a deleted dataset against nothing', () => {
    expect(diffObjects('dataset', null, before)).toMatchObject({ status: 'added', stats: { added: 3, removed: 0 } })
    expect(diffObjects('dataset', before, null)).toMatchObject({ status: 'removed', stats: { added: 0, removed: 3 } })
    expect(diffObjects('dataset', '', '\n')).toMatchObject({ status: 'unchanged', unchanged: 0 })
  })

  it('reads ids with escapes and a BOM', () => {
    const old = '\ufeff{"id":"q\\"1","v":1}\n'
    const diff = diffObjects('dataset', old, '{"id":"q\\"1","v":2}\n')
    expect(diff.changed[0]).toMatchObject({ id: 'q"1', fields: [{ path: 'v', before: 1, after: 2 }] })
  })

  it('names the side and both lines of a duplicate id', () => {
    const error = errorOf(() => diffObjects('dataset', before, jsonl([{ id: 'a' }, { id: 'z' }, { id: 'a' }]), { file: 'datasets/t.jsonl' }))
    expect(error.code).toBe('INVALID_FILE')
    expect(error.issues).toEqual([{ path: '', file: 'datasets/t.jsonl', line: 3, message: 'after version: duplicate id "a" (also on line 1)' }])
  })

  it('names the line of a bad row on either side, whatever the limit', () => {
    const bad = `${jsonl([{ id: 'a' }])}\n{"id":"b",\n`
    expect(errorOf(() => diffObjects('dataset', null, bad, { limit: 0 })).issues?.[0]).toMatchObject({ line: 3, message: expect.stringMatching(/^after version: not valid JSON/) })
    expect(errorOf(() => diffObjects('dataset', '[1]\n', '')).issues?.[0]).toMatchObject({ line: 1, message: 'before version: a row must be a JSON object' })
    expect(errorOf(() => diffObjects('dataset', '{"id":7}\n', null)).issues?.[0]).toMatchObject({ line: 1, message: expect.stringContaining('"id" that is a string') })
    expect(errorOf(() => diffObjects('dataset', null, '{"id":"a","x":1,"id":"b"}\n')).message).toMatch(/more than one "id" key/)
  })

  it('diffs two 100,000-row versions with 1% changed quickly', () => {
    const row = (i: number, category: string) => ({
      id: `row-${i}`,
      input: { question: `Where is order ${i}? It was due on Monday.`, context: 'Customer wrote twice.' },
      expected: { category, priority: i % 5 },
      tags: ['support', 'en'],
    })
    const lines = Array.from({ length: 100_000 }, (_, i) => JSON.stringify(row(i, 'billing')))
    const old = `${lines.join('\n')}\n`
    const neu = `${lines.map((line, i) => (i % 100 === 0 ? JSON.stringify(row(i, 'shipping')) : line)).join('\n')}\n`
    const started = performance.now()
    const diff = diffObjects('dataset', old, neu, { limit: 50 })
    const elapsed = performance.now() - started
    expect(diff.stats).toEqual({ added: 0, removed: 0, changed: 1000, unchanged: 99_000 })
    expect(diff.changed[1]!.fields).toEqual([{ path: 'expected.category', change: 'changed', before: 'billing', after: 'shipping' }])
    // The target is 500 ms (bench/store-diff-import.mjs measures it); this only catches a gross regression.
    expect(elapsed).toBeLessThan(2000)
  })
})
