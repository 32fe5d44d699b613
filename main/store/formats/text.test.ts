import { describe, expect, it } from 'vitest'
import { decodeUtf8, normalizeText, objectNameOf } from './text'
import { failure } from '../../../common/testing'


describe('normalizeText', () => {
  it('makes CRLF and CR into LF, drops a BOM, and ends with exactly one newline', () => {
    expect(normalizeText('\uFEFFa\r\nb\rc')).toBe('a\nb\nc\n')
    expect(normalizeText('a\n\n\n')).toBe('a\n')
    expect(normalizeText('a\n  \n')).toBe('a\n  \n')
    expect(normalizeText('')).toBe('\n')
  })
})

describe('decodeUtf8', () => {
  it('decodes UTF-8 and drops a BOM', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFhé ✓ 😀', 'utf8'), 'datasets/x.jsonl')).toBe('hé ✓ 😀')
  })

  it.each([
    ['a stray continuation byte', [0x80]],
    ['Latin-1 é', [0xe9, 0x74, 0xe9]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a sequence cut short at the end', [0xe2, 0x9c]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('reports %s with the line and offset of the first bad byte', (_, bad) => {
    const bytes = Buffer.concat([Buffer.from('{"id":"1"}\n{"id":"2","x":"ok ✓"}\n{"id":"3","x":"'), Buffer.from(bad)])
    const error = failure(() => decodeUtf8(bytes, 'datasets/x.jsonl'))
    expect(error.code).toBe('INVALID_FILE')
    expect(error.issues?.[0]).toMatchObject({ file: 'datasets/x.jsonl', line: 3, path: '' })
    const offset = bytes.length - bad.length
    expect(error.message).toBe(`datasets/x.jsonl:3: not valid UTF-8 (byte 0x${bad[0]!.toString(16)} at offset ${offset}); save the file as UTF-8`)
  })
})

describe('objectNameOf', () => {
  it('returns the name of a file in its kind folder', () => {
    expect(objectNameOf('prompt', 'prompts/summarize.prompt')).toBe('summarize')
    expect(objectNameOf('model', 'models/fast.yml')).toBe('fast')
    expect(objectNameOf('evaluation', 'evals/regression.yaml')).toBe('regression')
  })

  it.each([
    ['prompt', 'prompts/../weft.prompt'],
    ['prompt', 'prompts/../../etc/passwd.prompt'],
    ['dataset', 'datasets/a/../b.jsonl'],
    ['dataset', 'datasets\\..\\x.jsonl'],
    ['prompt', '../prompts/x.prompt'],
    ['prompt', 'models/x.prompt'],
    ['model', 'models/x.json'],
    ['model', 'models/.yaml'],
    ['scorer', 'scorers/con.yaml'],
    ['prompt', '/prompts/x.prompt'],
  ] as const)('refuses %s file %s', (kind, file) => {
    const error = failure(() => objectNameOf(kind, file))
    expect(error.code).toBe('INVALID_REQUEST')
    expect(error.issues?.[0]?.path).toBe('file')
    expect(error.message).toContain(file)
  })
})
