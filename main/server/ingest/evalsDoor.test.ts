/**
 * The SDK's evaluation endpoints over HTTP on a real ingest server: bodies are
 * checked field by field, unknown runs are 404, ended runs 409, row batches
 * are idempotent per (rowId, trial), and the summary is Weft's own.
 */
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestIngest, type TestIngest } from '../../../tests/node/ingestHarness'
import { runStore } from '../../evals/runStore'
import { summarize } from '../../evals/summary'

let ingest: TestIngest
let digest = ''

beforeAll(async () => {
  ingest = await startTestIngest()
  const saved = await ingest.workbench.call('objects.save', { kind: 'dataset', name: 'tickets', content: '{"id":"t1"}\n{"id":"t2"}\n' })
  digest = saved.version.digest
}, 60_000)
afterAll(async () => {
  await ingest?.close()
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies of several shapes, asserted field by field
type Reply = { status: number; json: any }

async function post(path: string, body: unknown, token = ingest.token): Promise<Reply> {
  const res = await fetch(`${ingest.url}/weft/v1/evals/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

const start = { name: 'triage', dataset: 'tickets@v1', scorers: ['exact'], trials: 1, total: 2, model: 'answer' }
const row = (rowId: string, score: number, extra: Record<string, unknown> = {}) => ({ rowId, trial: 0, output: `out ${rowId}`, error: null, latencyMs: 12, tokens: 3, costUsd: null, scores: { exact: { score, pass: score === 1 } }, traceId: 'a'.repeat(32), ...extra })

async function newRun(body: Record<string, unknown> = start): Promise<string> {
  const reply = await post('runs', body)
  expect(reply.status).toBe(200)
  return reply.json.runId as string
}

describe('native door: evaluation runs', () => {
  it('starts a run pinned to the dataset digest, stores rows idempotently and finishes with the summary of the stored rows', async () => {
    const runId = await newRun()
    const runs = runStore(ingest.traces.sqlite)
    expect(runs.get(runId)).toMatchObject({
      name: 'triage', source: 'sdk', status: 'running', total: 2, pinned: { dataset: `dataset:tickets@${digest}` },
      definition: { dataset: `dataset:tickets@${digest}`, target: { sdk: 'answer' }, scorers: [{ id: 'exact', type: 'sdk' }], trials: 1 },
    })
    expect(await post('runs/rows', { runId, rows: [row('t1', 0)] })).toEqual({ status: 200, json: { recorded: 1 } })
    // The same row again (a retry after a lost answer), now with its final value, plus the next one.
    expect((await post('runs/rows', { runId, rows: [row('t1', 1), row('t2', 0, { error: 'boom', scores: { exact: null } })] })).status).toBe(200)
    const stored = runs.rows(runId)
    expect(stored.map((r) => [r.rowId, r.scores.exact, r.error, r.traceId])).toEqual([
      ['t1', { score: 1, pass: true }, null, 'a'.repeat(32)],
      ['t2', null, 'boom', 'a'.repeat(32)],
    ])
    const finished = await post('runs/finish', { runId, status: 'finished' })
    expect(finished.status).toBe(200)
    expect(finished.json.summary).toEqual(summarize(stored))
    expect(finished.json.summary).toMatchObject({ rows: 2, errors: 1, scorers: { exact: { mean: 1, passRate: 1, scored: 1 } } })
    expect(runs.get(runId)).toMatchObject({ status: 'finished', summary: finished.json.summary })
    // Finishing again the same way is a retry: same answer. Another ending is a conflict.
    expect(await post('runs/finish', { runId, status: 'finished' })).toEqual(finished)
    expect((await post('runs/finish', { runId, status: 'cancelled' })).status).toBe(409)
  })

  it('answers 400 naming the field for bad bodies', async () => {
    const bad = async (path: string, body: unknown) => {
      const reply = await post(path, body)
      expect(reply.status).toBe(400)
      return (reply.json.error.issues ?? []).map((i: { path: string }) => i.path) as string[]
    }
    expect(await bad('runs', 'not json')).toEqual([])
    expect(await bad('runs', { ...start, name: '' })).toEqual(['name'])
    expect(await bad('runs', { ...start, scorers: ['exact', 'exact'] })).toEqual(['scorers'])
    expect(await bad('runs', { ...start, scorers: ['has space'] })).toEqual(['scorers.0'])
    expect(await bad('runs', { ...start, trials: 0 })).toEqual(['trials'])
    expect(await bad('runs', { ...start, extra: 1 })).toEqual([''])
    expect(await bad('runs', { ...start, total: 3 })).toEqual(['total'])
    expect(await bad('runs', { ...start, dataset: null, total: 3, trials: 2 })).toEqual(['total'])
    expect(await bad('runs', { ...start, dataset: 'prompt:tickets@v1' })).toEqual(['dataset'])
    const runId = await newRun()
    expect(await bad('runs/rows', { runId, rows: [] })).toEqual(['rows'])
    expect(await bad('runs/rows', { runId, rows: [row('t1', 1, { trial: -1 })] })).toEqual(['rows.0.trial'])
    expect(await bad('runs/rows', { runId, rows: [row('t1', 1, { tokens: 'many' })] })).toEqual(['rows.0.tokens'])
    expect(await bad('runs/rows', { runId, rows: [row('t1', 1), row('t1', 0)] })).toEqual(['rows.1.rowId'])
    // Checked against the run itself: its trials and its scorers.
    expect(await bad('runs/rows', { runId, rows: [row('t1', 1, { trial: 1 })] })).toEqual(['rows.0.trial'])
    expect(await bad('runs/rows', { runId, rows: [row('t1', 1, { scores: { nope: { score: 1 } } })] })).toEqual(['rows.0.scores.nope'])
    expect(await bad('runs/finish', { runId, status: 'done' })).toEqual(['status'])
    expect(await bad('runs/rows', { runId: '../etc', rows: [row('t1', 1)] })).toEqual(['runId'])
    // A refused batch stores nothing.
    expect(runStore(ingest.traces.sqlite).rows(runId)).toEqual([])
  })

  it('answers 404 for an unknown run or dataset, and 409 for a finished run, an engine run and a finish with rows missing', async () => {
    expect((await post('runs/rows', { runId: 'no-such-run', rows: [row('t1', 1)] })).status).toBe(404)
    expect((await post('runs/finish', { runId: 'no-such-run', status: 'failed' })).status).toBe(404)
    const missing = await post('runs', { ...start, dataset: 'nothing@v1' })
    expect(missing.status).toBe(404)
    expect(missing.json.error.issues).toEqual([expect.objectContaining({ path: 'dataset' })])

    const runId = await newRun()
    await post('runs/rows', { runId, rows: [row('t1', 1)] })
    const early = await post('runs/finish', { runId, status: 'finished' })
    expect(early.status).toBe(409)
    expect(early.json.error.message).toContain('has 1 of its 2 rows')
    expect((await post('runs/finish', { runId, status: 'cancelled' })).status).toBe(200)
    const late = await post('runs/rows', { runId, rows: [row('t2', 1)] })
    expect(late.status).toBe(409)
    expect(late.json.error.message).toContain('is cancelled')

    const engineRun = runStore(ingest.traces.sqlite).create('engine', {} as never, {}, null, 1)
    const foreign = await post('runs/rows', { runId: engineRun, rows: [row('t1', 1)] })
    expect(foreign.status).toBe(409)
    expect(foreign.json.error.message).toContain('the evaluation engine')
  })

  it('needs the project token like every ingest route', async () => {
    expect((await post('runs', start, `weft_${'x'.repeat(32)}`)).status).toBe(401)
  })

  it('shows a run whose app process died (on this machine) as interrupted; another machine’s pid is not checked', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!
    const dead = await newRun({ ...start, pid: gone, host: os.hostname() })
    const elsewhere = await newRun({ ...start, pid: gone, host: 'another-machine' })
    const alive = await newRun({ ...start, pid: process.pid, host: os.hostname() })
    const runs = runStore(ingest.traces.sqlite)
    expect([dead, elsewhere, alive].map((id) => runs.get(id)!.status)).toEqual(['interrupted', 'running', 'running'])
    expect((await post('runs', { ...start, pid: -1 })).status).toBe(400)
  })
})
