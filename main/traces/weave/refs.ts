/**
 * Resolving Weave refs (`/refs/read_batch`, and the UI showing what a call's
 * inputs point at): objects and ops by version, tables, calls, and the paths
 * after them (`/attr/rows/id/<rowDigest>`, `/key/k`, `/index/3`).
 */
import type { TraceDb } from '../db'
import { readCall } from './callRead'
import { parseWeaveRef } from './ids'
import { readObject } from './objects'
import { readRow, tableRowDigests } from './tables'

const MAX_HOPS = 32

/** The value a ref points at, or null when anything along the way is unknown. */
export function resolveRef(traces: TraceDb, uri: string, hops = 0): unknown {
  const ref = parseWeaveRef(uri)
  if (!ref || hops > MAX_HOPS) return null
  const db = traces.sqlite
  let value: unknown
  if (ref.kind === 'object' || ref.kind === 'op') value = readObject(db, ref.projectId, ref.name, ref.version!)?.val
  else if (ref.kind === 'call') value = readCall(traces, ref.name)
  else {
    const digests = tableRowDigests(db, ref.projectId, ref.name)
    if (!digests) return null
    if (ref.extra[0] === 'id' && ref.extra[1] !== undefined) {
      return digests.includes(ref.extra[1]) ? walk(traces, readRow(db, ref.projectId, ref.extra[1]), ref.extra.slice(2), hops) : null
    }
    value = digests.map((d) => readRow(db, ref.projectId, d))
  }
  return value === undefined ? null : walk(traces, value, ref.extra, hops)
}

function walk(traces: TraceDb, start: unknown, extra: readonly string[], hops: number): unknown {
  let value = start
  for (let i = 0; i < extra.length; i += 2) {
    const edge = extra[i]!
    const key = extra[i + 1]
    if (key === undefined) return null
    if (typeof value === 'string' && value.startsWith('weave')) {
      const ref = parseWeaveRef(value)
      // A row of a table ref is read directly rather than loading the whole table.
      if (ref?.kind === 'table' && edge === 'id') {
        value = tableRowDigests(traces.sqlite, ref.projectId, ref.name)?.includes(key) ? readRow(traces.sqlite, ref.projectId, key) : null
        continue
      }
      value = resolveRef(traces, value, hops + 1)
    }
    if (value === null || value === undefined || typeof value !== 'object') return null
    if (edge === 'attr' || edge === 'key') value = (value as Record<string, unknown>)[key]
    else if (edge === 'index') value = Array.isArray(value) ? value[Number(key)] : null
    else if (edge === 'id') value = null
    else return null
  }
  return value === undefined ? null : value
}
