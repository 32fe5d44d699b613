import os from 'node:os'
/**
 * `evaluate()` against the SDK's stand-in server (sdk/test/sink.ts): rows go
 * in batches, a Weft that is down or refuses costs one warning and runId null
 * (never the rows), scorers see the row's spans even with export off, and bad
 * options fail before anything runs.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { evaluate, flush, init, op, shutdown } from './index'
import { normalizeScore } from './evaluate'
import { startSink, type Sink } from './test/sink'

let sink: Sink
const warnings: string[] = []
let nextRun = 0
type Handler = Parameters<Sink['onRead']>[0]

/** A Weft that records runs: every rows batch is kept, finish answers a summary. */
const recording: Handler = (path, body) => {
  if (path === '/weft/v1/evals/runs') return { status: 200, body: { runId: `run-${++nextRun}` } }
  if (path === '/weft/v1/evals/runs/rows') return { status: 200, body: { recorded: (body.rows as unknown[]).length } }
  if (path === '/weft/v1/evals/runs/finish') return { status: 200, body: { summary: { rows: 0, errors: 0, scorers: {}, latencyP50Ms: null, latencyP95Ms: null, tokens: 0, costUsd: 0 } } }
  return { status: 404, body: { error: { code: 404, message: 'no route' } } }
}

const requestsTo = (path: string) => sink.requests.filter((r) => r.path === path)

beforeAll(async () => {
  sink = await startSink()
})
beforeEach(() => {
  warnings.length = 0
  sink.requests.length = 0
  sink.spans.length = 0
  sink.onRead(recording)
  init({ endpoint: sink.url, token: 'tok', flushIntervalMs: 10, warn: (m) => warnings.push(m) })
})
afterEach(async () => {
  await shutdown()
})
afterAll(async () => {
  await sink.close()
})

const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, expected: i % 2 }))
const parity = ({ output, expected }: { output: unknown; expected: unknown }) => output === expected

describe('evaluate(): recording', () => {
  it('starts the run, sends rows in batches of 100 (not one request per row) and finishes it', async () => {
    const result = await evaluate({ name: 'batched', dataset: rowsOf(250), model: (row) => Number(row.expected), scorers: [parity], concurrency: 16, description: 'parity check' })
    expect(warnings).toEqual([])
    expect(result.runId).toBe(`run-${nextRun}`)
    expect(result.rows).toHaveLength(250)
    const [start] = requestsTo('/weft/v1/evals/runs')
    expect(start!.body).toEqual({ name: 'batched', dataset: null, scorers: ['parity'], trials: 1, total: 250, model: 'model', concurrency: 16, description: 'parity check', pid: process.pid, host: os.hostname() })
    expect(start!.headers.authorization).toBe('Bearer tok')
    const batches = requestsTo('/weft/v1/evals/runs/rows').map((r) => r.body.rows as Array<{ rowId: string }>)
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50])
    expect(new Set(batches.flat().map((r) => r.rowId)).size).toBe(250)
    expect(requestsTo('/weft/v1/evals/runs/finish').map((r) => r.body)).toEqual([{ runId: result.runId, status: 'finished' }])
    // Every row's trace was sent before the run was finished.
    expect(sink.spans.filter((s) => s.name === 'evaluate.row')).toHaveLength(250)
  })

  it('still returns every row when Weft is down: one warning, runId and summary null', async () => {
    sink.onRead(() => ({ status: 503, body: { error: { code: 503, message: 'Weft is restarting' } } }))
    const result = await evaluate({ name: 'down', dataset: rowsOf(3), model: (row) => Number(row.expected), scorers: [parity] })
    expect(result).toMatchObject({ runId: null, summary: null })
    expect(result.rows.map((r) => r.scores.parity)).toEqual([{ score: 1, pass: true }, { score: 1, pass: true }, { score: 1, pass: true }])
    expect(warnings).toEqual(['Weft: evaluate("down") could not be recorded in Weft (Weft is restarting). It runs on in this process and returns its rows with runId null.'])
    // Without a run there is nothing to send rows to.
    expect(requestsTo('/weft/v1/evals/runs/rows')).toEqual([])
  })

  it('retries a rows batch that met a 5xx, then stops recording on a refusal and marks the started run failed', async () => {
    let rowsCalls = 0
    sink.onRead((path, body) => {
      if (path === '/weft/v1/evals/runs/rows' && ++rowsCalls === 1) return { status: 502, body: { error: { code: 502, message: 'bad gateway' } } }
      if (path === '/weft/v1/evals/runs/rows' && rowsCalls === 3) return { status: 409, body: { error: { code: 409, message: 'Run run-x is cancelled; rows cannot be added to it' } } }
      return recording(path, body)
    })
    const result = await evaluate({ name: 'refused', dataset: rowsOf(300), model: (row) => Number(row.expected), scorers: [parity] })
    expect(result).toMatchObject({ runId: null, summary: null })
    expect(result.rows).toHaveLength(300)
    expect(rowsCalls).toBe(3) // first batch twice (502, then 200), second refused, third never sent
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/could not be recorded in Weft \(Run run-x is cancelled.*\)\. Run run-\d+ in Weft is incomplete and is marked failed\./)
    expect(requestsTo('/weft/v1/evals/runs/finish').map((r) => r.body.status)).toEqual(['failed'])
  })

  it('runs locally with no endpoint configured, and scorers still see the row spans', async () => {
    await shutdown()
    const saved = { endpoint: process.env.WEFT_ENDPOINT, token: process.env.WEFT_TOKEN }
    delete process.env.WEFT_ENDPOINT
    delete process.env.WEFT_TOKEN
    try {
      init({ warn: (m) => warnings.push(m) })
      const step = op((x: number) => x * 2, { name: 'double', kind: 'tool' })
      const seen: string[][] = []
      const result = await evaluate({
        name: 'local',
        dataset: [{ id: 'a', x: 2, expected: 4 }],
        model: function doubler(row) {
          return step(Number(row.x))
        },
        scorers: [{ name: 'steps', score: ({ spans }) => (seen.push(spans.map((s) => `${s.name}:${s.kind}:${JSON.stringify(s.output)}`)), 1) }],
      })
      expect(result).toMatchObject({ runId: null, summary: null, rows: [{ rowId: 'a', output: 4, error: null, scores: { steps: { score: 1 } } }] })
      expect(result.rows[0]!.traceId).toMatch(/^[0-9a-f]{32}$/)
      expect(seen).toEqual([['doubler:other:4', 'double:tool:4']])
      expect(warnings.at(-1)).toMatch(/evaluate\("local"\) is not recorded: no endpoint and token/)
      expect(sink.requests).toEqual([])
      // Outside an evaluation, untraced ops are plain calls again.
      expect(step(1)).toBe(2)
    } finally {
      if (saved.endpoint !== undefined) process.env.WEFT_ENDPOINT = saved.endpoint
      if (saved.token !== undefined) process.env.WEFT_TOKEN = saved.token
    }
  })
})

describe('evaluate(): rows, scorers and traces', () => {
  it('makes every row its own trace, even when evaluate() runs inside an op', async () => {
    const outer = op(() => evaluate({ name: 'nested', dataset: rowsOf(2), model: (row) => Number(row.expected), scorers: [parity] }), { name: 'outer' })
    const result = await outer()
    await flush()
    const roots = sink.spans.filter((s) => s.name === 'evaluate.row')
    expect(roots).toHaveLength(2)
    expect(roots.every((s) => s.parentId === undefined)).toBe(true)
    expect(roots.map((s) => s.traceId).sort()).toEqual(result.rows.map((r) => r.traceId).sort())
  })

  it('turns a bad scorer result into that row error and keeps the other rows', async () => {
    const result = await evaluate({
      name: 'bad-scores',
      dataset: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      model: (row) => row.id,
      scorers: [{ name: 'odd', score: ({ output }) => (output === 'a' ? 2 : output === 'b' ? ('yes' as unknown as number) : { score: 0.25, pass: false }) }],
    })
    expect(result.rows.map((r) => [r.error, r.scores.odd])).toEqual([
      ['scorer odd: scorer odd returned the score 2; scores are from 0 to 1', { score: 0, pass: false, reason: 'scorer odd returned the score 2; scores are from 0 to 1' }],
      ['scorer odd: scorer odd returned "yes"; return a number from 0 to 1, a boolean, or { score, pass?, reason? }', { score: 0, pass: false, reason: expect.stringMatching(/^scorer odd returned "yes"/) }],
      [null, { score: 0.25, pass: false }],
    ])
  })

  it('normalizes numbers, booleans and { score, pass, reason }', () => {
    expect(normalizeScore('s', 0.4)).toEqual({ score: 0.4 })
    expect(normalizeScore('s', false)).toEqual({ score: 0, pass: false })
    expect(normalizeScore('s', { score: 1, pass: true, reason: 'exact' })).toEqual({ score: 1, pass: true, reason: 'exact' })
    expect(() => normalizeScore('s', Number.NaN)).toThrow('scores are from 0 to 1')
    expect(() => normalizeScore('s', { score: 1, pass: 'yes' })).toThrow('pass is true or false')
    expect(() => normalizeScore('s', null)).toThrow('returned null')
  })

  it('gives inline rows their id, else their position, and numbers trials from 0', async () => {
    const result = await evaluate({ name: 'ids', dataset: [{ id: 'x' }, { q: 1 }, { id: 7 }], model: () => 'ok', scorers: [], trials: 2 })
    expect(result.rows.map((r) => `${r.rowId}#${r.trial}`)).toEqual(['x#0', 'x#1', '1#0', '1#1', '7#0', '7#1'])
    expect(requestsTo('/weft/v1/evals/runs')[0]!.body).toMatchObject({ total: 6, trials: 2, scorers: [] })
  })

  it('refuses bad options before anything runs', async () => {
    const base = { name: 'x', dataset: [{ id: 'a' }], model: () => 1, scorers: [parity] }
    await expect(evaluate({ ...base, name: ' ' })).rejects.toThrow('name must be a non-empty string')
    await expect(evaluate({ ...base, model: 'gpt' as never })).rejects.toThrow('model must be a function')
    await expect(evaluate({ ...base, scorers: [() => 1] })).rejects.toThrow('scorers[0] needs a name')
    await expect(evaluate({ ...base, scorers: [{ name: '1st', score: () => 1 }] })).rejects.toThrow('scorers[0] needs a name')
    await expect(evaluate({ ...base, scorers: [parity, { name: 'parity', score: () => 1 }] })).rejects.toThrow('two scorers are named "parity"')
    await expect(evaluate({ ...base, trials: 0 })).rejects.toThrow('trials must be a whole number from 1 to 100')
    await expect(evaluate({ ...base, concurrency: 1.5 })).rejects.toThrow('concurrency must be a whole number from 1 to 256')
    await expect(evaluate({ ...base, dataset: [{ id: 'a' }, { id: 'a' }] })).rejects.toThrow('dataset[1] and dataset[0] both have the id "a"')
    await expect(evaluate({ ...base, dataset: [[1]] as never })).rejects.toThrow('dataset[0] must be an object')
    expect(sink.requests).toEqual([])
  })

  it('throws WeftReadError when the dataset reference cannot be read', async () => {
    sink.onRead(() => ({ status: 404, body: { error: { code: 404, message: 'No version matches dataset:tickets@v9' } } }))
    await expect(evaluate({ name: 'x', dataset: 'tickets@v9', model: () => 1, scorers: [] })).rejects.toMatchObject({ name: 'WeftReadError', status: 404 })
    expect(requestsTo('/weft/v1/evals/runs')).toEqual([])
  })
})
