/**
 * Turns whatever an app passes to or returns from an op into a JSON-safe,
 * bounded copy. Tracing must never throw into the app, so cycles, BigInt,
 * Errors, Buffers, functions, getters that throw and huge or deep values all
 * become something printable, with a marker where something was cut.
 */

/** Limits for one value (inputs or output of one span). */
export interface ValueLimits {
  /** Longest string kept, in characters. */
  maxStringChars: number
  /** Deepest nesting kept. */
  maxDepth: number
  /** Most array items / object keys visited in the whole value. */
  maxNodes: number
  /** Most string characters kept in the whole value (many long strings add up). */
  maxTotalChars: number
}

/** Defaults: generous enough for prompts and completions, bounded for memory. */
export const DEFAULT_VALUE_LIMITS: ValueLimits = { maxStringChars: 256 * 1024, maxDepth: 24, maxNodes: 10_000, maxTotalChars: 2 * 1024 * 1024 }

/** Marks where a value was cut, so the viewer can say so. */
export const TRUNCATED = '[truncated]'

interface Walk {
  limits: ValueLimits
  nodes: number
  chars: number
  /** Objects on the current path: a repeat is a cycle. */
  path: Set<object>
}

function truncateString(text: string, walk: Walk): string {
  const allowed = Math.max(0, Math.min(walk.limits.maxStringChars, walk.limits.maxTotalChars - walk.chars))
  walk.chars += Math.min(text.length, allowed)
  return text.length <= allowed ? text : `${text.slice(0, allowed)}…${TRUNCATED} (${text.length} chars)`
}

function describeError(error: Error, walk: Walk, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: truncateString(String(error.message), walk) }
  if (error.stack) out.stack = truncateString(error.stack, walk)
  const cause = (error as { cause?: unknown }).cause
  if (cause !== undefined) out.cause = copy(cause, walk, depth + 1)
  return out
}

function copy(value: unknown, walk: Walk, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return truncateString(value, walk)
    case 'number':
      // JSON has no NaN or Infinity; a string keeps the information.
      return Number.isFinite(value) ? value : String(value)
    case 'boolean':
      return value
    case 'undefined':
      return null
    case 'bigint':
      return value.toString()
    case 'symbol':
      return value.toString()
    case 'function':
      return `[function ${(value as { name?: string }).name || 'anonymous'}]`
  }
  if (value === null) return null
  const object = value as object
  if (walk.path.has(object)) return '[circular]'
  if (depth >= walk.limits.maxDepth) return `${TRUNCATED} (depth)`
  if (++walk.nodes > walk.limits.maxNodes) return `${TRUNCATED} (size)`
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString()
  if (object instanceof Error) return describeError(object, walk, depth)
  if (ArrayBuffer.isView(object)) {
    const bytes = new Uint8Array(object.buffer, object.byteOffset, object.byteLength)
    return `[${object.constructor.name} ${bytes.byteLength} bytes]`
  }
  if (object instanceof ArrayBuffer) return `[ArrayBuffer ${object.byteLength} bytes]`
  if (typeof (object as { then?: unknown }).then === 'function') return '[promise]'
  walk.path.add(object)
  try {
    if (Array.isArray(object)) return copyItems(object, walk, depth)
    if (object instanceof Map) return copyEntries(object.entries(), walk, depth)
    if (object instanceof Set) return copyItems([...object], walk, depth)
    const toJSON = (object as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') return copy(toJSON.call(object), walk, depth + 1)
    return copyEntries(Object.entries(object), walk, depth)
  } catch (error) {
    // A throwing getter or toJSON: say so rather than lose the whole span.
    return `[unserializable: ${error instanceof Error ? error.message : String(error)}]`
  } finally {
    walk.path.delete(object)
  }
}

function copyItems(items: readonly unknown[], walk: Walk, depth: number): unknown[] {
  const out: unknown[] = []
  for (let i = 0; i < items.length; i++) {
    if (walk.nodes >= walk.limits.maxNodes) {
      out.push(`${TRUNCATED} (${items.length - i} more items)`)
      break
    }
    walk.nodes++
    out.push(copy(items[i], walk, depth + 1))
  }
  return out
}

function copyEntries(entries: Iterable<[unknown, unknown]>, walk: Walk, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, item] of entries) {
    if (walk.nodes >= walk.limits.maxNodes) {
      out[TRUNCATED] = 'more keys'
      break
    }
    walk.nodes++
    out[String(key)] = copy(item, walk, depth + 1)
  }
  return out
}

/** A JSON-safe, bounded copy of `value`. Never throws. */
export function toJsonSafe(value: unknown, limits: ValueLimits = DEFAULT_VALUE_LIMITS): unknown {
  try {
    return copy(value, { limits, nodes: 0, chars: 0, path: new Set() }, 0)
  } catch (error) {
    return `[unserializable: ${error instanceof Error ? error.message : String(error)}]`
  }
}

/** `toJsonSafe` then JSON text; primitives skip the walk since they are the hot path. */
export function stringifySafe(value: unknown, limits: ValueLimits = DEFAULT_VALUE_LIMITS): string {
  if (value === undefined || value === null) return 'null'
  const type = typeof value
  if (type === 'boolean' || (type === 'number' && Number.isFinite(value))) return String(value)
  if (type === 'string' && (value as string).length <= limits.maxStringChars) return JSON.stringify(value)
  return JSON.stringify(toJsonSafe(value, limits)) ?? 'null'
}
