/**
 * Weave's Mongo-like query language (`{$expr: …}` in calls and feedback
 * queries), evaluated in memory over one record: $and, $or, $not, $eq, $gt,
 * $gte, $in, $contains, $getField (dotted paths), $literal and $convert.
 */
import { WeftError } from '../../../common/errors'

/** Throws INVALID_REQUEST naming the path of an operand Weft cannot evaluate. */
function invalid(path: string, message: string): never {
  throw new WeftError('INVALID_REQUEST', `${path}: ${message}`, [{ path, message }])
}

/** The value at a dotted path (`summary.weave.status`), looking into JSON strings on the way. */
export function getField(record: unknown, path: string): unknown {
  let value: unknown = record
  for (const key of path.split('.')) {
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value)
      } catch {
        return undefined
      }
    }
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/** Evaluates `expr` (the value of `$expr`) against `record`; `path` names it in errors. */
export function evaluate(expr: unknown, record: unknown, path = 'query.$expr'): unknown {
  if (typeof expr !== 'object' || expr === null || Array.isArray(expr)) return invalid(path, 'must be an operation object')
  const entries = Object.entries(expr)
  if (entries.length !== 1) return invalid(path, 'must have exactly one operator')
  const [op, arg] = entries[0]!
  const at = `${path}.${op}`
  const list = (n?: number): unknown[] => {
    if (!Array.isArray(arg) || (n !== undefined && arg.length !== n)) return invalid(at, n ? `must be a list of ${n}` : 'must be a list')
    return arg
  }
  const sub = (value: unknown, index: number | string) => evaluate(value, record, `${at}.${index}`)
  switch (op) {
    case '$literal':
      return arg
    case '$getField':
      return typeof arg === 'string' ? getField(record, arg) : invalid(at, 'must be a field path')
    case '$and':
      return list().every((e, i) => truthy(sub(e, i)))
    case '$or':
      return list().some((e, i) => truthy(sub(e, i)))
    case '$not':
      return !truthy(sub(list(1)[0], 0))
    case '$eq': {
      const [a, b] = list(2).map(sub)
      return equal(a, b)
    }
    case '$gt':
    case '$gte': {
      const [a, b] = list(2).map(sub)
      if (a === undefined || a === null || b === undefined || b === null) return false
      const x = a as number | string
      const y = b as number | string
      return op === '$gt' ? x > y : x >= y
    }
    case '$in': {
      const [needle, hay] = list(2)
      const value = sub(needle, 0)
      if (!Array.isArray(hay)) return invalid(`${at}.1`, 'must be a list')
      return hay.some((e, i) => equal(value, evaluate(e, record, `${at}.1.${i}`)))
    }
    case '$contains': {
      if (typeof arg !== 'object' || arg === null) return invalid(at, 'must be {input, substr}')
      const spec = arg as { input?: unknown; substr?: unknown; case_insensitive?: unknown }
      const input = text(sub(spec.input, 'input'))
      const substr = text(sub(spec.substr, 'substr'))
      return spec.case_insensitive ? input.toLowerCase().includes(substr.toLowerCase()) : input.includes(substr)
    }
    case '$convert': {
      if (typeof arg !== 'object' || arg === null) return invalid(at, 'must be {input, to}')
      const spec = arg as { input?: unknown; to?: unknown }
      return convert(sub(spec.input, 'input'), spec.to, `${at}.to`)
    }
    default:
      return invalid(path, `unsupported operator ${op}`)
  }
}

function truthy(value: unknown): boolean {
  return value !== false && value !== null && value !== undefined && value !== 0 && value !== ''
}

function text(value: unknown): string {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true
  if (typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b)
  return false
}

function convert(value: unknown, to: unknown, path: string): unknown {
  switch (to) {
    case 'double':
    case 'int': {
      const n = typeof value === 'number' ? value : Number(value)
      if (value === null || value === undefined || Number.isNaN(n)) return null
      return to === 'int' ? Math.trunc(n) : n
    }
    case 'string':
      return value === undefined || value === null ? null : text(value)
    case 'bool':
      return value === 'true' ? true : value === 'false' ? false : truthy(value)
    case 'exists':
      return value !== undefined && value !== null
    default:
      return invalid(path, 'must be double, int, string, bool or exists')
  }
}
