import { describe, expect, it } from 'vitest'
import { jsonErrorAt } from './jsonError'

describe('jsonErrorAt', () => {
  it('finds nothing wrong in valid JSON', () => {
    for (const ok of ['{}', '[]', '"a\\n\\u00e9"', '-1.5e3', ' {"a": [1, true, null, {"b": "c"}]} ', 'false']) expect(jsonErrorAt(ok)).toBeNull()
  })
  it('names the line and column of the first error', () => {
    expect(jsonErrorAt('{\n  "category": \n}')).toEqual({ line: 3, column: 1 })
    expect(jsonErrorAt('{"a": 1,}')).toEqual({ line: 1, column: 9 })
    expect(jsonErrorAt('[1 2]')).toEqual({ line: 1, column: 4 })
    expect(jsonErrorAt('{"a": "open')).toEqual({ line: 1, column: 12 })
    expect(jsonErrorAt("{'a': 1}")).toEqual({ line: 1, column: 2 })
    expect(jsonErrorAt('{} x')).toEqual({ line: 1, column: 4 })
  })
})
