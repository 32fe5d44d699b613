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
