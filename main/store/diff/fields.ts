/**
 * Field changes between two JSON values: objects recurse key by key, arrays
 * of equal length element by element, anything else is compared whole.
 *
 * Arrays of different lengths are one `changed` at the array's path with both
 * whole values: after an insertion, element-wise pairing would report every
 * later element as changed, which is noise; a UI can still line the two
 * arrays up itself.
 */
import type { FieldChange, JsonValue } from '../../../common/schemas/diff'

type JsonObject = { [key: string]: JsonValue }

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

// Keys that would make a dotted path ambiguous are written JSON-quoted in brackets.
const PLAIN_KEY = /^[^.[\]"]+$/

/** `parent.key`, or `parent["a.b"]` for a key that is empty or holds `.`, `[`, `]` or `"`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number' || PLAIN_KEY.test(key)) return parent === '' ? String(key) : `${parent}.${key}`
  return `${parent}[${JSON.stringify(key)}]`
}

/** True when two JSON values are equal (object key order does not matter). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => jsonEqual(item, b[i]))
  }
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]))
}

/** Field changes from `before` to `after`, in `before`'s key order then keys only `after` has. */
export function diffFields(before: JsonValue | undefined, after: JsonValue | undefined, path = ''): FieldChange[] {
  const changes: FieldChange[] = []
  collect(before, after, path, changes)
  return changes
}

function collect(before: JsonValue | undefined, after: JsonValue | undefined, path: string, out: FieldChange[]): void {
  if (before === after) return
  if (before === undefined) {
    out.push({ path, change: 'added', after: after as JsonValue })
    return
  }
  if (after === undefined) {
    out.push({ path, change: 'removed', before })
    return
  }
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) collect(before[key], Object.hasOwn(after, key) ? after[key] : undefined, joinPath(path, key), out)
    for (const key of Object.keys(after)) if (!Object.hasOwn(before, key)) out.push({ path: joinPath(path, key), change: 'added', after: after[key]! })
    return
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    for (let i = 0; i < before.length; i++) collect(before[i], after[i], joinPath(path, i), out)
    return
  }
  if (!jsonEqual(before, after)) out.push({ path, change: 'changed', before, after })
}
