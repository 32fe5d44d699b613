/** OTLP attribute values as plain JSON, and helpers over flattened attribute keys. */
import type { OtlpAnyValue, OtlpKeyValue } from './schema'

/** Converts an OTLP AnyValue to plain JSON (kvlist → object, bytes stay base64, absent → null). */
export function otlpAnyValue(value: OtlpAnyValue | undefined): unknown {
  if (!value) return null
  if (value.stringValue !== undefined) return value.stringValue
  if (value.boolValue !== undefined) return value.boolValue
  if (value.intValue !== undefined) {
    // int64 beyond 2^53 stays a string rather than silently losing digits.
    const n = Number(value.intValue)
    return Number.isSafeInteger(n) ? n : String(value.intValue)
  }
  if (value.doubleValue !== undefined) {
    const n = Number(value.doubleValue)
    // JSON has no NaN/Infinity; keep the protobuf-JSON spelling instead of null.
    return Number.isFinite(n) ? n : String(value.doubleValue)
  }
  if (value.bytesValue !== undefined) return value.bytesValue
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(otlpAnyValue)
  if (value.kvlistValue !== undefined) return attributesToRecord(value.kvlistValue.values)
  return null
}

/** OTLP attributes as a record; a repeated key keeps its last value. */
export function attributesToRecord(attributes: readonly OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const { key, value } of attributes ?? []) {
    // defineProperty: a `__proto__` key from the wire must stay a plain own key.
    Object.defineProperty(out, key, { value: otlpAnyValue(value), enumerable: true, writable: true, configurable: true })
  }
  return out
}

const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor'])

/**
 * Rebuilds `prefix.0.message.role`-style flattened attributes into a nested
 * value (numeric segments become arrays), deleting the consumed keys from
 * `attrs` when `consume` is set. Returns undefined when no key matched.
 */
export function unflatten(attrs: Record<string, unknown>, prefix: string, consume: boolean): unknown[] | undefined {
  const root: unknown[] = []
  let found = false
  for (const key of Object.keys(attrs)) {
    if (!key.startsWith(`${prefix}.`)) continue
    const segments = key.slice(prefix.length + 1).split('.')
    if (!/^\d+$/.test(segments[0] ?? '')) continue
    // Wire-controlled segments must never walk into a prototype.
    if (segments.some((seg) => UNSAFE_SEGMENTS.has(seg))) continue
    found = true
    let node: Record<string, unknown> | unknown[] = root
    segments.forEach((segment, i) => {
      const slot = /^\d+$/.test(segment) ? Number(segment) : segment
      if (i === segments.length - 1) {
        ;(node as Record<string | number, unknown>)[slot] = attrs[key]
        return
      }
      const container = node as Record<string | number, unknown>
      if (typeof container[slot] !== 'object' || container[slot] === null) {
        container[slot] = /^\d+$/.test(segments[i + 1] ?? '') ? [] : {}
      }
      node = container[slot] as Record<string, unknown> | unknown[]
    })
    if (consume) delete attrs[key]
  }
  // Sparse indexes (a missing .1) would leave holes that JSON renders as null.
  return found ? root.filter((m) => m !== undefined) : undefined
}

/** Parses a JSON string, or returns it unchanged when it is not JSON. */
export function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

/** A non-negative integer token count, or undefined. */
export function tokenCount(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined
}
