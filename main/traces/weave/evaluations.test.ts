import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runStore } from '../../evals/runStore'
import { summarize } from '../../evals/summary'
import { weaveRoutes } from '../../server/ingest/weaveDoor'
import type { IngestProject } from '../../server/ingest/types'
import { openTraceDb, type TraceDb } from '../db'
import { ingestCalls } from './calls'
import { weaveRowIds } from './datasets'
import { flattenScore } from './evaluationRows'
import { recordWeaveEvaluations } from './evaluations'

const P = 'ent/proj'
const T = 'trace-1'
const op = (name: string) => `weave:///${P}/op/${name}:d1`
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString()

let dir: string
let traces: TraceDb
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-weave-evals-'))
  traces = openTraceDb(path.join(dir, 'traces.db'))
})
afterEach(() => {
  traces.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

type Item = { mode: 'start'; req: { start: Record<string, unknown> } } | { mode: 'end'; req: { end: Record<string, unknown> } }
const start = (id: string, name: string, parent: string | null, ms: number, inputs: Record<string, unknown> = {}): Item => ({
  mode: 'start', req: { start: { project_id: P, id, op_name: op(name), trace_id: T, parent_id: parent, started_at: at(ms), attributes: {}, inputs } },
})
const end = (id: string, ms: number, output: unknown, extra: Record<string, unknown> = {}): Item => ({
  mode: 'end', req: { end: { project_id: P, id, ended_at: at(ms), output, summary: {}, ...extra } },
})

/** Posts a batch through the Weave door, as the SDK does. */
async function upsert(batch: Item[]) {
  const route = weaveRoutes().find((r) => r.path === '/call/upsert_batch')!
  const project: IngestProject = { dir, traces, read: () => Promise.reject(new Error('unused')), spansAdded: () => {} }
  const reply = await route.handle({ method: 'POST', path: route.path, query: new URLSearchParams(), headers: {}, body: Buffer.from(JSON.stringify({ batch })), project })
  expect(reply.status).toBe(200)
}

/** A JS-SDK-shaped evaluation: three rows with inline examples, odd scorer outputs, a failed row and a failed model. */
function evaluation(): { starts: Item[]; ends: Item[]; rootEnd: Item } {
  const rootInputs = { self: `weave:///${P}/object/odd-eval:e1`, model: op('model') }
  const row = (id: string, q: string, ms: number) => start(id, 'Evaluation.predictAndScore', 'root', ms, { self: rootInputs.self, model: rootInputs.model, example: { q } })
  return {
    starts: [
      start('root', 'Evaluation.evaluate', null, 0, rootInputs),
      row('a', 'first', 10), start('a-model', 'model', 'a', 11), start('a-ok', 'ok', 'a', 20), start('a-judge', 'judge', 'a', 21),
      row('b', 'second', 30),
      row('c', 'third', 40), start('c-model', 'model', 'c', 41),
    ],
    ends: [
      end('a-model', 19, 'A', { summary: { usage: { 'gpt-x': { prompt_tokens: 5, completion_tokens: 2 } } } }),
      end('a-ok', 20, true),
      end('a-judge', 22, { correct: false, detail: { f1: 0.25 }, label: 'text is no score', list: [1], none: null }),
      end('a', 25, {
        model_success: true, model_output: 'A', model_latency: 0.25,
        scores: { ok: true, judge: { correct: false, detail: { f1: 0.25 }, label: 'text is no score', list: [1], none: null }, words: 'yes' },
      }),
      end('b', 35, null, { exception: 'row blew up' }),
      end('c-model', 42, null, { exception: 'model broke' }),
      end('c', 45, { model_success: false, scores: {}, model_latency: 0.004 }),
    ],
    rootEnd: end('root', 50, { ok: { true_count: 1 } }),
  }
}

describe('Weave evaluations as runs', () => {
  it('maps rows: ids from the example, outputs, flattened scores, errors, latency and tokens of the model call', async () => {
    const e = evaluation()
    await upsert([...e.starts, ...e.ends, e.rootEnd])
    const [run, ...others] = runStore(traces.sqlite).list()
    expect(others).toEqual([])
    // No Evaluation object was stored: the run is named by the evaluate call.
    expect(run).toMatchObject({
      name: 'Evaluation.evaluate', source: 'weave', status: 'finished', total: 3, startedMs: Date.UTC(2026, 0, 1), endedMs: Date.UTC(2026, 0, 1) + 50,
      pinned: { call: `weave:///${P}/call/root`, evaluation: `weave:///${P}/object/odd-eval:e1`, model: op('model') },
    })
    const rows = runStore(traces.sqlite).rows(run!.id)
    const id = (q: string) => weaveRowIds([{ q }])[0]!
    const none = { ok: null, 'judge.correct': null, 'judge.detail.f1': null }
    expect(Object.fromEntries(rows.map((r) => [r.rowId, r]))).toEqual({
      [id('first')]: {
        rowId: id('first'), trial: 0, output: 'A', error: null, latencyMs: 250, tokens: 7, costUsd: null, traceId: T,
        scores: { ok: { score: 1, pass: true }, 'judge.correct': { score: 0, pass: false }, 'judge.detail.f1': { score: 0.25 } },
      },
      [id('second')]: { rowId: id('second'), trial: 0, output: null, error: 'row blew up', latencyMs: 5, tokens: 0, costUsd: null, traceId: T, scores: none },
      [id('third')]: { rowId: id('third'), trial: 0, output: null, error: 'model broke', latencyMs: 4, tokens: 0, costUsd: null, traceId: T, scores: none },
    })
    expect(run!.summary).toEqual(summarize(rows))
  })

  it('keeps one run when ends are re-sent, and fills in rows that arrive after the evaluation ended', async () => {
    const e = evaluation()
    // The evaluate call's end comes before its rows' ends (batches in flight can overtake each other).
    await upsert([...e.starts, e.rootEnd])
    const store = runStore(traces.sqlite)
    const [first] = store.list()
    expect(first).toMatchObject({ status: 'finished', total: 3 })
    expect(store.rows(first!.id)).toEqual([])
    await upsert(e.ends)
    await upsert([...e.starts, ...e.ends, e.rootEnd])
    await upsert([e.rootEnd])
    const runs = store.list()
    expect(runs.map((r) => r.id)).toEqual([first!.id])
    const rows = store.rows(first!.id)
    expect(rows.map((r) => r.error)).toEqual(expect.arrayContaining([null, 'row blew up', 'model broke']))
    expect(rows).toHaveLength(3)
    expect(runs[0]!.summary).toEqual(summarize(rows))
  })

  it('records a failed evaluate call with no rows as a failed run with an empty summary', async () => {
    await upsert([start('root', 'Evaluation.evaluate', null, 0, {}), end('root', 5, null, { exception: 'dataset missing' })])
    const [run] = runStore(traces.sqlite).list()
    expect(run).toMatchObject({ status: 'failed', total: 0, summary: summarize([]) })
    expect(runStore(traces.sqlite).rows(run!.id)).toEqual([])
  })

  it('counts repeated examples as trials and leaves a running evaluation alone', async () => {
    const ex = { example: { id: 7, q: 'same' } }
    await upsert([
      start('root', 'Evaluation.evaluate', null, 0, { nTrials: 3 }),
      start('r1', 'Evaluation.predict_and_score', 'root', 1, ex), end('r1', 2, { output: 'x', scores: { s: 0.5 } }),
      start('r2', 'Evaluation.predict_and_score', 'root', 3, ex), end('r2', 4, { output: 'y', scores: { s: 1 } }),
    ])
    expect(runStore(traces.sqlite).list()).toEqual([])
    await upsert([end('root', 9, {})])
    const [run] = runStore(traces.sqlite).list()
    expect(run).toMatchObject({ total: 2, definition: { trials: 3 } })
    expect(runStore(traces.sqlite).rows(run!.id).map((r) => [r.rowId, r.trial, r.output, r.scores])).toEqual([
      ['7', 0, 'x', { s: { score: 0.5 } }],
      ['7', 1, 'y', { s: { score: 1 } }],
    ])
  })

  it('ignores ordinary calls and never throws into ingest when a run cannot be stored', async () => {
    const plain = ingestCalls(traces, [{ start: { project_id: P, id: 'x', op_name: op('greet'), trace_id: 'tx', started_at: at(0) } }, { end: { project_id: P, id: 'x', ended_at: at(1) } }])
    expect(plain.evaluationIds).toEqual([])
    traces.sqlite.exec('DROP TABLE eval_rows')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const e = evaluation()
      await upsert([...e.starts, ...e.ends, e.rootEnd])
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/the Weave evaluation root was not recorded as a run/))
    } finally {
      warn.mockRestore()
    }
    // The transaction rolled back: no run without its rows.
    expect(traces.sqlite.prepare('SELECT COUNT(*) AS n FROM eval_runs').get()).toEqual({ n: 0 })
    expect(recordWeaveEvaluations(traces, ['root'], () => {})).toEqual([])
  })
})

describe('flattenScore', () => {
  it('turns booleans, numbers and dicts of them into scores and leaves everything else out', () => {
    expect(flattenScore('s', true)).toEqual({ s: { score: 1, pass: true } })
    expect(flattenScore('s', 0)).toEqual({ s: { score: 0 } })
    expect(flattenScore('s', Number.POSITIVE_INFINITY)).toEqual({})
    for (const odd of [null, undefined, 'yes', [1, 2], { text: 'no' }]) expect(flattenScore('s', odd)).toEqual({})
    expect(flattenScore('s', { a: { b: { c: { d: { e: 1 } } } }, ok: false })).toEqual({ 's.ok': { score: 0, pass: false } })
  })
})
