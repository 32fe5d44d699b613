/**
 * Tests look spans up by id alone; the trace database keys them by trace (see
 * main/traces/schema.ts), so this finds the trace first — a scan, fine for
 * test-sized databases and never used by Weft itself.
 */
import type { StoredSpan, TraceDb } from '../../main/traces/db'

/** The span with this id in any trace, or undefined. */
export function findSpan(traces: TraceDb, id: string): StoredSpan | undefined {
  const row = traces.sqlite.prepare<[string], { trace_id: string }>('SELECT trace_id FROM spans WHERE id = ?').get(id)
  return row ? traces.getSpan(row.trace_id, id) : undefined
}
