import { describe, expect, it } from 'vitest'
import { canonicalizeDataset, formatJsonl, MAX_LINE_BYTES, parseJsonl } from './dataset'
import { failure } from '../../../common/testing'

const FILE = 'datasets/tickets.jsonl'


describe('parseJsonl', () => {
  it('reads one object per line, ignoring one final newline', () => {
    expect(parseJsonl('{"id":"a","x":1}\n{"id":"b"}\n', FILE)).toEqual([{ id: 'a', x: 1 }, { id: 'b' }])
    expect(parseJsonl('{"id":"a"}', FILE)).toEqual([{ id: 'a' }])
    expect(parseJsonl('{"id":"a"}\r\n{"id":"b"}\r\n', FILE)).toEqual([{ id: 'a' }, { id: 'b' }])
    expect(parseJsonl('', FILE)).toEqual([])
    expect(parseJsonl('\uFEFF{"id":"a"}\n', FILE)).toEqual([{ id: 'a' }])
  })

  it.each([
    ['malformed JSON', '{"id":"a"}\n{"id":"b",}\n', 2, '', /^not valid JSON: /],
    ['an array', '{"id":"a"}\n[1,2]\n', 2, '', /must be a JSON object, not an array/],
    ['a string', '"text"\n', 1, '', /must be a JSON object, not string/],
    ['a blank line in the middle', '{"id":"a"}\n\n{"id":"b"}\n', 2, '', /blank line/],
    ['two final newlines', '{"id":"a"}\n\n', 2, '', /blank line/],
    ['a missing id', '{"id":"a"}\n{"input":"x"}\n', 2, 'id', /needs an "id" that is a string/],
    ['a numeric id', '{"id":7}\n', 1, 'id', /import converts numbers.*"id": "7"/],
    ['an empty id', '{"id":""}\n', 1, 'id', /must not be empty/],
    ['a long id', `{"id":"${'x'.repeat(201)}"}\n`, 1, 'id', /longer than 200/],
    ['an integer JSON.parse would round', '{"id":"a","user":{"n":12345678901234567890}}\n', 1, 'user.n', /beyond 2\^53/],
  ])('reports %s with its line', (_, text, line, path, message) => {
    const error = failure(() => parseJsonl(text, FILE))
    expect(error.code).toBe('INVALID_FILE')
    expect(error.issues?.[0]).toEqual({ file: FILE, line, path, message: expect.stringMatching(message) })
    expect(error.message).toMatch(new RegExp(`^datasets/tickets\\.jsonl:${line}: `))
  })

  it('names both lines of a duplicate id', () => {
    const error = failure(() => parseJsonl('{"id":"a"}\n{"id":"b"}\n{"id":"a"}\n', FILE))
    expect(error.issues).toEqual([{ file: FILE, line: 3, path: 'id', message: 'duplicate id "a" (also on line 1)' }])
    expect(error.message).toBe('datasets/tickets.jsonl:3: id: duplicate id "a" (also on line 1)')
  })

  it('reports every bad line, up to 20', () => {
    const text = Array.from({ length: 50 }, (_, i) => (i % 2 ? '{bad' : `{"id":"${i}"}`)).join('\n')
    const error = failure(() => parseJsonl(text, FILE))
    expect(error.issues).toHaveLength(20)
    expect(error.issues?.map((i) => i.line).slice(0, 3)).toEqual([2, 4, 6])
    expect(error.message).toMatch(/\(and 19 more\)$/)
  })

  it('refuses a line over 10 MB without parsing it', () => {
    const long = `{"id":"big","text":"${'é'.repeat(MAX_LINE_BYTES / 2)}"}`
    const error = failure(() => parseJsonl(`{"id":"a"}\n${long}\n{"id":"b"}\n`, FILE))
    expect(error.issues).toEqual([{ file: FILE, line: 2, path: '', message: expect.stringMatching(/longer than 10 MB/) }])
  })

  it('takes a line of exactly 10 MB', () => {
    const prefix = '{"id":"big","t":"'
    const line = `${prefix}${'x'.repeat(MAX_LINE_BYTES - prefix.length - 2)}"}`
    expect(Buffer.byteLength(line)).toBe(MAX_LINE_BYTES)
    expect(parseJsonl(line, FILE)).toHaveLength(1)
  })
})

describe('canonical JSONL', () => {
  it('writes compact JSON, id first, other keys in their order, LF and a final newline', () => {
    const text = '{ "input": {"b": 1, "a": 2}, "id": "t-1", "expected": "x" }\r\n{"id":"t-2","s":"\\u2014"}'
    const { content, data } = canonicalizeDataset(text, FILE)
    expect(content).toBe('{"id":"t-1","input":{"b":1,"a":2},"expected":"x"}\n{"id":"t-2","s":"—"}\n')
    expect(data).toEqual([{ input: { b: 1, a: 2 }, id: 't-1', expected: 'x' }, { id: 't-2', s: '—' }])
  })

  it('is idempotent and writes nothing for no rows', () => {
    const once = canonicalizeDataset('{"z":1,"id":"a","1":true}\n{"id":"b","n":1.50,"e":1e3}\n', FILE).content
    expect(canonicalizeDataset(once, FILE).content).toBe(once)
    expect(formatJsonl([])).toBe('')
  })
})

