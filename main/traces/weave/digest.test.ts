import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { bytesDigest, tableDigest, valueDigest } from './digest'
import { fromJs, parsePyJson, pythonDumps, pythonFloat, toJs } from './pyjson'

// The weave SDK's own serializer (devDependency, not in its exports map): it
// agrees with Python on ASCII text, ints and key order.
const sdkRequire = createRequire(import.meta.url)
const { valDigest } = sdkRequire(path.join(path.dirname(sdkRequire.resolve('weave')), 'digest.js')) as { valDigest: (value: unknown) => string }

// Expected strings and digests were produced by CPython 3's json.dumps(v, sort_keys=True)
// and weave/shared/digest.py's bytes_digest, so these pin the serializer to Python.
const dumps = (text: string) => pythonDumps(parsePyJson(text))

describe('pythonDumps', () => {
  it('matches json.dumps(sort_keys=True) on floats, big ints, escapes and key order', () => {
    const text = String.raw`{"b":1,"a":[1.0,2.5,1e16,1e-5,0.0001,-0.0,123456789012345678901234567890],"c":"h\u00e9llo \u2028 \ud83d\ude00 \u007f \"q\" \\ \n","d":null,"e":true}`
    expect(dumps(text)).toBe(String.raw`{"a": [1.0, 2.5, 1e+16, 1e-05, 0.0001, -0.0, 123456789012345678901234567890], "b": 1, "c": "h\u00e9llo \u2028 \ud83d\ude00 \u007f \"q\" \\ \n", "d": null, "e": true}`)
    expect(valueDigest(parsePyJson(text))).toBe('G39GGVurw858tF22CE1butevPI0FURFKsqkj3aJXxPk')
  })

  it('writes raw UTF-8 input the same as its escaped form', () => {
    expect(dumps('{"c":"héllo 😀"}')).toBe(String.raw`{"c": "h\u00e9llo \ud83d\ude00"}`)
  })

  it('formats floats as float.__repr__', () => {
    const cases: Array<[number, string]> = [
      [1e15, '1000000000000000.0'], [1.5e300, '1.5e+300'], [5e-324, '5e-324'], [0.1, '0.1'], [100, '100.0'],
      [1e22, '1e+22'], [1e16, '1e+16'], [1e-5, '1e-05'], [0.0001, '0.0001'], [-2.5e-7, '-2.5e-07'], [123.456, '123.456'],
    ]
    for (const [x, repr] of cases) expect(pythonFloat(x)).toBe(repr)
    expect(valueDigest(parsePyJson('1e15'))).toBe('wCcxYx9hZI8GulUBqcaOKwqRhqk0Y0X0CrKOtvNnMCE')
    expect(valueDigest(parsePyJson('1E22'))).toBe('gUqX2utFQW4kvvwK6aZBSsL0Hyaany8Bn8ZaDQNyXzQ')
    expect(valueDigest(parsePyJson('100.0'))).toBe('Q7hYYYyqtILr5JdskrzWrTCLSAVfHCe0xXTz4x12gXA')
  })

  it('digests what the SDK sends for an op and a dataset row', () => {
    const op = { _type: 'CustomWeaveType', weave_type: { type: 'Op' }, files: { 'obj.py': 'abc' }, load_op: 'NO_LOAD_OP' }
    expect(valueDigest(parsePyJson(JSON.stringify(op)))).toBe('fGL9xGXmfrXUSH57Z86NmzKAmSKd2EdCKR15Dyykq6A')
    expect(valueDigest(fromJs({ input: '2+2', expected: '4' }))).toBe('fXprs4iUmnGXt1eLoXjo6JpSR4y3mYgHIU4nlPnObMM')
    expect(valueDigest(parsePyJson('[]'))).toBe('T1PNoYwrqgwDVLtfmj7L5e0Sq02OEbqHPC8RFhICuUU')
    expect(valueDigest(parsePyJson('{}'))).toBe('RBNvo1WzZ4oRRq0W9XhknpT7T8If536DEMBg9hyqY4o')
  })

  it('rejects what json.loads rejects', () => {
    for (const bad of ['{', '{"a":1,}', '[1 2]', '"\u0001"', '01', '{"a":1} x', 'NaN']) expect(() => parsePyJson(bad)).toThrow()
  })

  it('keeps __proto__ as a data key when converting to JS', () => {
    const value = toJs(parsePyJson('{"__proto__":{"x":1}}')) as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.keys(value)).toEqual(['__proto__'])
  })
})

describe('the weave SDK', () => {
  it('computes the same digests where its serializer matches Python', () => {
    const values = [{ b: [1, 2, { z: null, a: true }], a: 'x"y\\z\n' }, [], {}, 'plain', 12345678901, { rows: 'weave:///e/p/table/abc', _bases: ['Object', 'BaseModel'] }]
    for (const value of values) expect(valueDigest(fromJs(value))).toBe(valDigest(value))
  })

  it('differs from it, as Python does, on non-ASCII text', () => {
    expect(pythonDumps(fromJs({ k: 'é' }))).toBe('{"k": "\\u00e9"}')
    expect(valueDigest(fromJs({ k: 'é' }))).not.toBe(valDigest({ k: 'é' }))
  })
})

describe('digests', () => {
  it('hashes bytes and tables as Weave does', () => {
    expect(bytesDigest('hello')).toBe('LPJNulXwow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ')
    const rows = [fromJs({ a: 1 }), fromJs({ a: 2 })].map(valueDigest)
    expect(rows).toEqual(['XdhgKMbg1k4iUYb5astpM4ssWXZN95FiEH9cS7NNExA', '5anVsDAOD1DTcuWp3fokIIqsmpQM6aNvJHOHIhriBf4'])
    expect(tableDigest(rows)).toBe('1c95cdc46a75d6e7e971986a80adfcd676dd22f2222a3405c7743f3db8df6785')
  })
})
