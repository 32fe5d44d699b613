/**
 * Python's view of JSON, for digests: Weave hashes `json.dumps(val,
 * sort_keys=True)` of what Python's `json.loads` made of the request. JSON.parse
 * loses what that depends on — `1.0` is a float (dumped "1.0") while `1` is an
 * int, and ints have no size limit — so digested subtrees are parsed here with
 * number literals kept as Python would type them.
 */

/** A Python float (kept apart from ints so `1.0` dumps as "1.0"). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A JSON value as Python's json.loads types it. */
export type PyValue = null | boolean | string | bigint | PyFloat | PyValue[] | Map<string, PyValue>

/** Thrown for text that is not JSON; `offset` is the character where parsing failed. */
export class PyJsonError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at character ${offset}`)
  }
}

/** Parses JSON text the way Python's json.loads types numbers (duplicate keys: the last wins). */
export function parsePyJson(text: string): PyValue {
  let i = 0
  const fail = (message: string): never => {
    throw new PyJsonError(message, i)
  }
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++
      else break
    }
  }
  const literal = (word: string, value: PyValue): PyValue => {
    if (text.startsWith(word, i)) {
      i += word.length
      return value
    }
    return fail('unexpected token')
  }
  const string = (): string => {
    i++ // opening quote
    let out = ''
    let start = i
    while (true) {
      if (i >= text.length) fail('unterminated string')
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        out += text.slice(start, i)
        i++
        return out
      }
      if (c < 0x20) fail('control character in string')
      if (c !== 0x5c) {
        i++
        continue
      }
      out += text.slice(start, i)
      const e = text[i + 1]
      i += 2
      switch (e) {
        case '"': out += '"'; break
        case '\\': out += '\\'; break
        case '/': out += '/'; break
        case 'b': out += '\b'; break
        case 'f': out += '\f'; break
        case 'n': out += '\n'; break
        case 'r': out += '\r'; break
        case 't': out += '\t'; break
        case 'u': {
          const hex = text.slice(i, i + 4)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape')
          out += String.fromCharCode(parseInt(hex, 16))
          i += 4
          break
        }
        default: fail('bad escape')
      }
      start = i
    }
  }
  const number = (): PyValue => {
    const match = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400))
    if (!match) return fail('unexpected token')
    i += match[0].length
    // Python: a fraction or an exponent makes a float, otherwise an int.
    return match[1] !== undefined || match[2] !== undefined ? new PyFloat(Number(match[0])) : BigInt(match[0])
  }
  const value = (depth: number): PyValue => {
    if (depth > 1000) fail('nested too deeply')
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      const map = new Map<string, PyValue>()
      ws()
      if (text[i] === '}') {
        i++
        return map
      }
      while (true) {
        ws()
        if (text[i] !== '"') fail('expected a string key')
        const key = string()
        ws()
        if (text[i] !== ':') fail("expected ':'")
        i++
        map.set(key, value(depth + 1))
        ws()
        if (text[i] === ',') i++
        else if (text[i] === '}') {
          i++
          return map
        } else fail("expected ',' or '}'")
      }
    }
    if (c === '[') {
      i++
      const list: PyValue[] = []
      ws()
      if (text[i] === ']') {
        i++
        return list
      }
      while (true) {
        list.push(value(depth + 1))
        ws()
        if (text[i] === ',') i++
        else if (text[i] === ']') {
          i++
          return list
        } else fail("expected ',' or ']'")
      }
    }
    if (c === '"') return string()
    if (c === 't') return literal('true', true)
    if (c === 'f') return literal('false', false)
    if (c === 'n') return literal('null', null)
    return number()
  }
  const result = value(0)
  ws()
  if (i !== text.length) fail('extra data')
  return result
}

/** The plain JS value of a parsed tree (ints beyond 2^53 lose precision, as with JSON.parse). */
export function toJs(value: PyValue): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof PyFloat) return value.value
  if (Array.isArray(value)) return value.map(toJs)
  if (value instanceof Map) {
    const out: Record<string, unknown> = {}
    // defineProperty so a "__proto__" key stays data, as JSON.parse keeps it.
    for (const [k, v] of value) Object.defineProperty(out, k, { value: toJs(v), enumerable: true, writable: true, configurable: true })
    return out
  }
  return value
}

/** A PyValue from a plain JS value (integral numbers become ints, as when the SDK sent them). */
export function fromJs(value: unknown): PyValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') return value
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : new PyFloat(value)
  if (Array.isArray(value)) return value.map(fromJs)
  if (typeof value === 'object') {
    const map = new Map<string, PyValue>()
    for (const [k, v] of Object.entries(value)) if (v !== undefined) map.set(k, fromJs(v))
    return map
  }
  return null
}

/** `json.dumps(value, sort_keys=True)`: separators ", " and ": ", ensure_ascii, float repr. */
export function pythonDumps(value: PyValue): string {
  const parts: string[] = []
  const write = (v: PyValue) => {
    if (v === null) parts.push('null')
    else if (v === true) parts.push('true')
    else if (v === false) parts.push('false')
    else if (typeof v === 'string') parts.push(pythonString(v))
    else if (typeof v === 'bigint') parts.push(v.toString())
    else if (v instanceof PyFloat) parts.push(pythonFloat(v.value))
    else if (Array.isArray(v)) {
      parts.push('[')
      v.forEach((item, index) => {
        if (index > 0) parts.push(', ')
        write(item)
      })
      parts.push(']')
    } else {
      parts.push('{')
      // Python sorts str keys by code point; JS `<` compares UTF-16 units, which
      // differs only for astral characters against U+E000–U+FFFF.
      const keys = [...v.keys()].sort(compareCodePoints)
      keys.forEach((key, index) => {
        if (index > 0) parts.push(', ')
        parts.push(pythonString(key), ': ')
        write(v.get(key)!)
      })
      parts.push('}')
    }
  }
  write(value)
  return parts.join('')
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  for (let k = 0; k < Math.min(x.length, y.length); k++) {
    const d = x[k]!.codePointAt(0)! - y[k]!.codePointAt(0)!
    if (d !== 0) return d
  }
  return x.length - y.length
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }

/** A str as json.dumps writes it with ensure_ascii: everything outside ' '..'~' escaped, lowercase hex, astral as surrogate pairs. */
export function pythonString(s: string): string {
  return `"${s.replace(/[\\"]|[^ -~]/g, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`
}

/** `float.__repr__`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return 'Infinity'
  if (x === -Infinity) return '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  // toExponential() without digits gives the shortest round-trip digits, as repr does.
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string]
  const digits = mantissa.replace('.', '')
  const exponent = Number(exp)
  const decpt = exponent + 1
  const sign = x < 0 ? '-' : ''
  if (decpt <= -4 || decpt > 16) {
    const rest = digits.slice(1)
    const e = Math.abs(exponent).toString().padStart(2, '0')
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${exponent < 0 ? '-' : '+'}${e}`
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`
}
