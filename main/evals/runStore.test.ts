import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTraceDb, type TraceDb } from '../traces/db'
import type { EvaluationDefinition } from './definition'
import { runStore } from './runStore'

let dir: string
let traces: TraceDb
const definition = { dataset: 'd', target: { prompt: 'p', model: 'm' }, scorers: [], trials: 1, concurrency: 1, constraints: {}, thresholds: {} } as unknown as EvaluationDefinition

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-runstore-'))
  traces = openTraceDb(path.join(dir, 'traces.db'))
})
afterAll(() => {
  traces.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('run storage', () => {
  it('shows a run left running by a process that is gone as interrupted, and one of a live process as running', () => {
    const runs = runStore(traces.sqlite)
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid!
    const dead = runs.create('e', definition, {}, null, 3, { pid: gone })
    const live = runs.create('e', definition, {}, null, 3)
    expect(runs.get(dead)!.status).toBe('interrupted')
    expect(runs.get(live)!.status).toBe('running')
    runs.reopen(dead)
    expect(runs.get(dead)!.status).toBe('running')
  })

  it('keeps where a run came from and each row’s trace', () => {
    const runs = runStore(traces.sqlite)
    const id = runs.create('sdk-run', definition, {}, null, 1, { source: 'sdk', pid: null })
    runs.record(id, { rowId: 'a', trial: 0, output: 'x', error: null, latencyMs: 1, tokens: 0, costUsd: null, scores: {}, traceId: 'abc' })
    runs.record(id, { rowId: 'b', trial: 0, output: 'y', error: null, latencyMs: 1, tokens: 0, costUsd: null, scores: {} })
    expect(runs.get(id)).toMatchObject({ source: 'sdk', status: 'running' })
    expect(runs.rows(id).map((r) => r.traceId)).toEqual(['abc', undefined])
    expect([...runs.doneKeys(id)].sort()).toEqual(['a/0', 'b/0'])
  })
})

describe('migration 6 (run source, process, row traces)', () => {
  it('upgrades a version-5 database: its runs keep their rows and read as Weft runs', async () => {
    const { openDatabase, migrateDatabase } = await import('../sqlite')
    const { MIGRATIONS } = await import('../traces/schema')
    const file = path.join(dir, 'v5.db')
    const v5 = openDatabase(file)
    migrateDatabase(v5, MIGRATIONS.slice(0, 5))
    v5.prepare(`INSERT INTO eval_runs (id, name, definition, pinned, git_commit, status, started_ms, total) VALUES ('r1', 'e', '{}', '{}', NULL, 'finished', 1, 1)`).run()
    v5.prepare(`INSERT INTO eval_rows (run_id, row_id, trial, output, error, latency_ms, tokens, cost_usd, scores) VALUES ('r1', 'a', 0, '"x"', NULL, 5, 0, NULL, '{}')`).run()
    v5.close()
    const upgraded = openTraceDb(file)
    try {
      const runs = runStore(upgraded.sqlite)
      expect(runs.get('r1')).toMatchObject({ source: 'weft', status: 'finished' })
      expect(runs.rows('r1')).toEqual([{ rowId: 'a', trial: 0, output: 'x', error: null, latencyMs: 5, tokens: 0, costUsd: null, scores: {} }])
    } finally {
      upgraded.close()
    }
  })
})
