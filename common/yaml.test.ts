import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseYamlWithSchema } from './yaml'
import { WeftError } from './errors'

const Schema = z.object({ schema: z.literal(1), name: z.string(), nested: z.object({ n: z.number() }).optional() }).strict()

function failure(text: string): WeftError {
  try {
    parseYamlWithSchema(text, Schema, 'weft.yaml')
  } catch (error) {
    if (error instanceof WeftError) return error
    throw error
  }
  throw new Error('expected a failure')
}

describe('parseYamlWithSchema', () => {
  it('returns the parsed value', () => {
    expect(parseYamlWithSchema('schema: 1\nname: x\n', Schema, 'weft.yaml')).toEqual({ schema: 1, name: 'x' })
  })

  it('names file, line and field of a wrong value', () => {
    const error = failure('schema: 1\nname: x\nnested:\n  n: "three"\n')
    expect(error.code).toBe('INVALID_FILE')
    expect(error.issues?.[0]).toMatchObject({ file: 'weft.yaml', line: 4, path: 'nested.n' })
    expect(error.message).toMatch(/^weft\.yaml:4: nested\.n: /)
  })

  it('points a missing field at its parent', () => {
    const error = failure('schema: 1\nnested:\n  n: 1\n')
    expect(error.issues?.[0]).toMatchObject({ path: 'name', line: 1 })
  })

  it('reports YAML syntax errors with their line', () => {
    const error = failure('schema: 1\nname: [unclosed\n')
    expect(error.code).toBe('INVALID_FILE')
    expect(error.issues?.[0]?.line).toBeGreaterThanOrEqual(2)
  })

  it('refuses duplicate keys', () => {
    expect(failure('schema: 1\nname: a\nname: b\n').code).toBe('INVALID_FILE')
  })
})

describe('parseYamlWithSchema locations', () => {
  it('points an unknown key at its own line', () => {
    const error = failure('schema: 1\nname: x\ncolour: blue\n')
    expect(error.issues?.[0]).toMatchObject({ path: 'colour', line: 3, message: 'unknown field "colour"' })
  })

  it('points a null value at its key', () => {
    const error = failure('schema: 1\nname:\n')
    expect(error.issues?.[0]).toMatchObject({ path: 'name', line: 2 })
  })
})
