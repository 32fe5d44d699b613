import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../../sqlite'
import { openTraceDb } from '../db'
import { MIGRATIONS } from '../schema'
import { addFeedback, listFeedback } from './feedback'
import { findSpan } from '../../../tests/node/findSpan'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-weave-schema-'))
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('migration 2 (Weave tables and feedback)', () => {
  it('upgrades a version-1 trace database, keeping its spans', () => {
    const file = path.join(dir, 'traces.db')
    const v1 = openDatabase(file)
    migrateDatabase(v1, MIGRATIONS.slice(0, 1))
    v1.prepare(`INSERT INTO spans (trace_seq, id, trace_id, name, kind, start_ms, status, attributes, usage) VALUES (1, 's1', 't1', 'old', 'other', 1, 'ok', '{}', '{}')`).run()
    v1.prepare(`INSERT INTO traces (trace_id, seq, root_span_id, root_name, root_kind, start_ms, status, span_count, error_count, input_tokens,
      output_tokens, total_tokens, cost_usd, root_start_ms, running_count) VALUES ('t1', 1, 's1', 'old', 'other', 1, 'ok', 1, 0, 0, 0, 0, 0, 1, 0)`).run()
    v1.close()

    const traces = openTraceDb(file)
    try {
      expect(traces.sqlite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(findSpan(traces, 's1')?.name).toBe('old')
      const tables = traces.sqlite.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name)
      expect(tables).toEqual(expect.arrayContaining(['weave_calls', 'weave_objects', 'weave_tables', 'weave_table_rows', 'weave_files', 'feedback']))
      // Feedback is Weft's, not only Weave's: a thumbs-up from the UI fits the same table.
      addFeedback(traces.sqlite, { spanId: 's1', traceId: 't1', type: 'thumbs', name: 'thumbs', value: 1, source: 'ui', createdMs: 5 })
      expect(listFeedback(traces.sqlite, 's1')).toEqual([expect.objectContaining({ type: 'thumbs', value: 1, source: 'ui', payload: {} })])
    } finally {
      traces.close()
    }
  })
})
