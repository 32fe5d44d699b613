import { describe, expect, it } from 'vitest'
import { parseJsonlRows, valuesFromRow, variablesFromValues } from './usePreviewStore'

describe('preview variables', () => {
  it('reads dataset rows from JSONL, skipping blank and bad lines', () => {
    const rows = parseJsonlRows('{"id":"t1","ticket":"It broke","tier":"pro"}\n\nnot json\n{"id":2,"ticket":"Refund"}\n')
    expect(rows.map((r) => r.id)).toEqual(['t1', '2'])
    expect(parseJsonlRows('{"id":"a"}\n{"id":"b"}\n', 1)).toHaveLength(1)
  })

  it('maps a row to the variables of the same names, non-strings as JSON', () => {
    const row = { id: 't1', ticket: 'It broke', tags: ['a'], other: 1 }
    expect(valuesFromRow(row, ['ticket', 'tags', 'missing'])).toEqual({ ticket: 'It broke', tags: '["a"]' })
  })

  it('turns field texts into variables: empty ones left out, typed ones parsed', () => {
    const declared = [
      { name: 'ticket', type: 'string', optional: false },
      { name: 'tags', type: 'array', optional: false },
      { name: 'n', type: 'number', optional: true },
    ]
    expect(variablesFromValues({ ticket: '42', tags: '["a"]', n: '', extra: 'x' }, declared)).toEqual({ ticket: '42', tags: ['a'], extra: 'x' })
    expect(variablesFromValues({ tags: '[oops' }, declared)).toEqual({ tags: '[oops' })
  })
})
