/**
 * Weave evaluations become Weft runs (issue 8): the unmodified `weave` SDK, in
 * a child Node process pointed at the ingest server, runs an Evaluation (a
 * boolean and a dict scorer), one with trials, a failing model and a failing
 * scorer, and an EvaluationLogger; each must land in eval_runs/eval_rows with
 * source 'weave' and show in `weft eval list`, `show` and `compare`.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWeft } from '../../main/cli/cliTesting'
import { runStore, type StoredRun } from '../../main/evals/runStore'
import { summarize, type RowResult } from '../../main/evals/summary'
import { weaveRowIds } from '../../main/traces/weave/datasets'
import { startTestIngest, type TestIngest } from './ingestHarness'

const run = promisify(execFile)
const ROOT = path.resolve(__dirname, '../..')

/** The app, as a plain `node app.cjs` user would write it. */
const APP = String.raw`
const weave = require(require.resolve('weave', { paths: [process.env.WEFT_REPO] }))
async function main() {
  const client = await weave.init('local-entity/evals')
  const dataset = new weave.Dataset({ name: 'qa', rows: [{ id: 'r-one', q: '2+2', expected: '4' }, { q: '1+2', expected: '3' }, { q: '5+5', expected: '11' }] })
  const exact = weave.op(function exact({ modelOutput, datasetRow }) { return modelOutput === datasetRow.expected })
  const judge = weave.op(function judge({ modelOutput, datasetRow }) { return { correct: modelOutput === datasetRow.expected, closeness: 0.5, label: 'kept out' } })
  const flaky = weave.op(function flaky({ datasetRow }) { if (datasetRow.q === '1+2') throw new Error('scorer broke'); return 1 })
  const adder = weave.op(async function adder({ datasetRow }) { return String(datasetRow.q.split('+').map(Number).reduce((a, b) => a + b, 0)) })
  const shaky = weave.op(async function shaky({ datasetRow }) { if (datasetRow.q === '5+5') throw new Error('model broke'); return '4' })
  await new weave.Evaluation({ name: 'qa-eval', dataset, scorers: [exact, judge] }).evaluate({ model: adder })
  await new weave.Evaluation({ name: 'qa-trials', dataset, scorers: [exact, flaky] }).evaluate({ model: shaky, nTrials: 2 })
  const logger = new weave.EvaluationLogger({ name: 'imperative-eval', model: 'echo-model', dataset: 'qa' })
  const prediction = logger.logPrediction({ q: 'ping' }, 'pong')
  prediction.logScore('correct', true)
  prediction.logScore('detail', { f1: 0.5 })
  prediction.finish()
  await logger.logSummary()
  await client.waitForBatchProcessing()
}
main().catch((error) => { console.error(error); process.exit(1) })
`

let ingest: TestIngest
let runs: StoredRun[]
let importedIds: Map<string, string>

beforeAll(async () => {
  ingest = await startTestIngest()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-weave-evals-'))
  fs.writeFileSync(path.join(dir, 'app.cjs'), APP)
  try {
    await run(process.execPath, ['app.cjs'], {
      cwd: dir,
      timeout: 90_000,
      env: { PATH: process.env.PATH, HOME: dir, WEFT_REPO: ROOT, WF_TRACE_SERVER_URL: ingest.url, WANDB_API_KEY: ingest.token, WEAVE_PRINT_CALL_LINK: 'false' },
    })
    expect(fs.existsSync(path.join(dir, 'weaveErrors.log'))).toBe(false)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  runs = runStore(ingest.traces.sqlite).list()
  // The ids `weft import weave` gives the same dataset's rows, by question.
  await ingest.workbench.call('weave.importDataset', { name: 'qa', as: 'qa' })
  const { content } = await ingest.workbench.call('objects.get', { ref: 'dataset:qa@v1' })
  importedIds = new Map(content.trim().split('\n').map((line) => JSON.parse(line) as { id: string; q: string }).map((r) => [r.q, r.id]))
}, 120_000)

afterAll(async () => {
  await ingest?.close()
})

const runNamed = (name: string) => {
  const found = runs.filter((r) => r.name === name)
  expect(found, name).toHaveLength(1)
  return found[0]!
}
const rowsOf = (runId: string) => runStore(ingest.traces.sqlite).rows(runId)
const rootSpanTrace = (displayName: string) =>
  ingest.traces.sqlite.prepare<[string], { trace_id: string }>('SELECT trace_id FROM spans WHERE name = ? AND parent_id IS NULL').get(displayName)!.trace_id
const byRow = (rows: RowResult[]) => Object.fromEntries(rows.map((r) => [`${r.rowId}#${r.trial}`, r]))

describe('Weave evaluations as Weft runs', () => {
  it('records an Evaluation as one finished weave run, rows keyed like the dataset import', () => {
    expect(runs.map((r) => r.name).sort()).toEqual(['imperative-eval', 'qa-eval', 'qa-trials'])
    const evalRun = runNamed('qa-eval')
    expect(evalRun).toMatchObject({ source: 'weave', status: 'finished', total: 3, gitCommit: null })
    expect(evalRun.pinned.dataset).toMatch(/^weave:\/\/\/local-entity\/evals\/object\/qa:[A-Za-z0-9]{43}$/)
    expect(evalRun.pinned.model).toMatch(/^weave:\/\/\/local-entity\/evals\/op\/adder:[A-Za-z0-9]{43}$/)
    expect(evalRun.pinned.evaluation).toMatch(/\/object\/qa-eval:/)
    expect(importedIds.get('2+2')).toBe('r-one')

    const rows = rowsOf(evalRun.id)
    const traceId = rootSpanTrace('qa-eval_adder')
    const pass = (ok: boolean) => ({ score: ok ? 1 : 0, pass: ok })
    const expected = (q: string, output: string, ok: boolean) => ({
      rowId: importedIds.get(q), trial: 0, output, error: null, tokens: 0, costUsd: null, traceId,
      scores: { exact: pass(ok), 'judge.correct': pass(ok), 'judge.closeness': { score: 0.5 } },
    })
    expect(byRow(rows)).toEqual({
      [`${importedIds.get('2+2')}#0`]: { ...expected('2+2', '4', true), latencyMs: expect.any(Number) },
      [`${importedIds.get('1+2')}#0`]: { ...expected('1+2', '3', true), latencyMs: expect.any(Number) },
      [`${importedIds.get('5+5')}#0`]: { ...expected('5+5', '10', false), latencyMs: expect.any(Number) },
    })
    expect(evalRun.summary).toEqual(summarize(rows))
    expect(evalRun.summary!.scorers.exact).toMatchObject({ passRate: 0.666667, scored: 3 })
  })

  it('counts trials per row, and records a failing model and a failing scorer as errors', () => {
    const trialsRun = runNamed('qa-trials')
    expect(trialsRun).toMatchObject({ source: 'weave', status: 'finished', total: 6 })
    expect(trialsRun.definition).toMatchObject({ trials: 2, scorers: [{ id: 'exact' }, { id: 'flaky' }] })
    const rows = byRow(rowsOf(trialsRun.id))
    const [one, two, ten] = ['2+2', '1+2', '5+5'].map((q) => importedIds.get(q)!)
    expect(Object.keys(rows).sort()).toEqual([`${one}#0`, `${one}#1`, `${two}#0`, `${two}#1`, `${ten}#0`, `${ten}#1`].sort())
    for (const trial of [0, 1]) {
      expect(rows[`${one}#${trial}`]).toMatchObject({ output: '4', error: null, scores: { exact: { score: 1, pass: true }, flaky: { score: 1 } } })
      // The scorer threw: Weft's run loop scores that 0 and keeps the reason as the row's error.
      expect(rows[`${two}#${trial}`]).toMatchObject({ output: '4', error: 'scorer flaky: scorer broke', scores: { exact: { score: 0, pass: false }, flaky: { score: 0, pass: false } } })
      // The model threw: no output, no scores.
      expect(rows[`${ten}#${trial}`]).toMatchObject({ output: null, error: 'model broke', scores: { exact: null, flaky: null } })
    }
    expect(trialsRun.summary).toMatchObject({ rows: 6, errors: 4 })
    expect(trialsRun.summary).toEqual(summarize(Object.values(rows)))
  })

  it('records an EvaluationLogger the same way: inline examples keyed by their digest, dict scores flattened', () => {
    const loggerRun = runNamed('imperative-eval')
    expect(loggerRun).toMatchObject({ source: 'weave', status: 'finished', total: 1, pinned: { dataset: 'qa', model: expect.stringMatching(/\/object\/model:/) } })
    expect(rowsOf(loggerRun.id)).toEqual([{
      rowId: weaveRowIds([{ q: 'ping' }])[0], trial: 0, output: 'pong', error: null, latencyMs: expect.any(Number), tokens: 0, costUsd: null,
      scores: { correct: { score: 1, pass: true }, 'detail.f1': { score: 0.5 } }, traceId: rootSpanTrace('Evaluation.evaluate'),
    }])
  })

  it('shows the runs in `weft eval list` and `weft eval show`', async () => {
    const list = await runWeft(['eval', 'list', '--project', ingest.dir], { cwd: ingest.dir })
    expect(list.err).toBe('')
    expect(list.code).toBe(0)
    const evalRun = runNamed('qa-eval')
    expect(list.out).toContain(evalRun.id)
    expect(list.out).toMatch(/qa-eval\s+finished .* exact 66\.7%/)
    const show = await runWeft(['eval', 'show', evalRun.id, '--project', ingest.dir, '--json'], { cwd: ingest.dir })
    expect(show.code).toBe(0)
    const view = JSON.parse(show.out) as { run: { source: string }; rows: unknown[] }
    expect(view.run.source).toBe('weave')
    expect(view.rows).toHaveLength(3)
  })

  it('compares two Weave runs row by row with `weft eval compare`', async () => {
    const [baseline, candidate] = [runNamed('qa-eval').id, runNamed('qa-trials').id]
    const compared = await runWeft(['eval', 'compare', baseline, candidate, '--project', ingest.dir, '--json'], { cwd: ingest.dir })
    expect(compared.err).toBe('')
    // compare exits 1 when a row regressed, as it does for Weft's own runs.
    expect(compared.code).toBe(1)
    const c = JSON.parse(compared.out) as { regressions: Array<{ rowId: string; scorer: string }>; improvements: Array<{ rowId: string }>; onlyInCandidate: string[] }
    // Same dataset, so every row lines up; only 1+2 lost its exact match (shaky answers 4), and 5+5 has no score at all.
    expect(c.onlyInCandidate).toEqual([])
    expect(c.regressions).toEqual([{ rowId: importedIds.get('1+2'), scorer: 'exact', from: 1, to: 0 }])
    expect(c.improvements).toEqual([])
  })
})
