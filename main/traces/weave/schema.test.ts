import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../../sqlite'
import { openTraceDb } from '../db'
import { MIGRATIONS } from '../schema'
import { addFeedback, listFeedback } from './feedback'

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
    v1.prepare(`INSERT INTO spans (id, trace_id, name, kind, start_ms, status, attributes, usage) VALUES ('s1', 't1', 'old', 'other', 1, 'ok', '{}', '{}')`).run()
    v1.close()

    const traces = openTraceDb(file)
    try {
      expect(traces.sqlite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(traces.getSpan('s1')?.name).toBe('old')
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
