import { describe, expect, test } from 'vitest'
import { buildMapping, defaultMapping } from './importMapping'

describe('import mapping', () => {
  test('identity sends no mapping; renames, nesting and skips send target ← source', () => {
    const rows = defaultMapping(['ticket', 'question', 'tag'])
    expect(buildMapping(rows, '')).toEqual({})
    expect(buildMapping(rows, 'ticket')).toEqual({ mapping: { question: 'question', tag: 'tag' } })
    rows[1]!.target = 'input.q'
    rows[2]!.target = ''
    expect(buildMapping(rows, 'ticket')).toEqual({ mapping: { 'input.q': 'question' } })
  })

  test('refuses duplicate targets, id targets and empty path parts', () => {
    expect(buildMapping([{ source: 'a', target: 'x' }, { source: 'b', target: 'x' }], '')).toHaveProperty('error')
    expect(buildMapping([{ source: 'a', target: 'id' }], 'b')).toHaveProperty('error')
    expect(buildMapping([{ source: 'a', target: 'x..y' }], 'b')).toHaveProperty('error')
  })
})
