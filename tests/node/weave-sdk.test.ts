/**
 * The unmodified `weave` npm SDK, in a child Node process pointed at the ingest
 * server (WF_TRACE_SERVER_URL + WANDB_API_KEY = the ingest token): traced ops,
 * a dataset saved and read back, an Evaluation, an EvaluationLogger and
 * getCalls — then what arrived in the trace database and the Weave tables.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startIngestServer, type IngestServer } from '../../main/server/ingest/ingestServer'
import { ingestRoutes } from '../../main/server/ingest/routes'
import { weaveRoutes } from '../../main/server/ingest/weaveDoor'
import type { StoredSpan } from '../../main/traces/db'
import { listWeaveDatasets, readWeaveDatasetRows } from '../../main/traces/weave/datasets'
import { completion, startFakeOpenAI, type FakeOpenAI } from './fakeOpenAI'
import { startTestIngest, type TestIngest } from './ingestHarness'
import { findSpan } from './findSpan'

const run = promisify(execFile)
const ROOT = path.resolve(__dirname, '../..')

/** The app: CommonJS, as a plain `node app.cjs` user would write it; prints what it read back. */
const APP = String.raw`
const fromRepo = (name) => require(require.resolve(name, { paths: [process.env.WEFT_REPO] }))
// openai before weave, then wrapped: one traced call (weave.md §2.6).
const { OpenAI } = fromRepo('openai')
const weave = fromRepo('weave')

async function main() {
  const client = await weave.init('local-entity/demo')
  const shout = weave.op(async function shout(text) { return text.toUpperCase() })
  const boom = weave.op(async function boom(n) { throw new Error('kaboom ' + n) })
  const greet = weave.op(async function greet(name) {
    const loud = await shout('hello ' + name)
    try { await boom(1) } catch {}
    return loud + '!'
  })
  const greeting = await greet('world')

  const openai = weave.wrapOpenAI(new OpenAI({ baseURL: process.env.FAKE_OPENAI_URL, apiKey: 'sk-fake' }))
  const answer = weave.op(async function answer(question) {
    const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] })
    return reply.choices[0].message.content
  })
  await answer('Where is my parcel?')

  // Longer than the SDK's 200 ms batching: its start and end go in different batches.
  const slow = weave.op(async function slow(ms) { await new Promise((r) => setTimeout(r, ms)); return 'slept' })
  await slow(450)

  const rows = [{ input: '2+2', expected: '4' }, { input: '1+2', expected: '3' }]
  const dataset = new weave.Dataset({ name: 'tiny-ds', rows })
  const ref = await dataset.save()
  const loaded = await client.get(ref)
  const loadedRows = []
  for (let i = 0; i < loaded.length; i++) loadedRows.push({ ...loaded.getRow(i), __savedRef: undefined })

  const exactMatch = weave.op(function exactMatch({ modelOutput, datasetRow }) { return modelOutput === datasetRow.expected })
  const adder = weave.op(async function adder({ datasetRow }) {
    return String(datasetRow.input.split('+').map(Number).reduce((a, b) => a + b, 0))
  })
  const evaluation = new weave.Evaluation({ name: 'tiny-eval', dataset, scorers: [exactMatch] })
  const summary = await evaluation.evaluate({ model: adder, maxConcurrency: 2 })

  const logger = new weave.EvaluationLogger({ name: 'imperative-eval', model: 'echo-model', dataset: 'tiny-ds' })
  const prediction = logger.logPrediction({ input: 'ping' }, 'pong')
  prediction.logScore('correct', true)
  prediction.finish()
  await logger.logSummary()

  await client.waitForBatchProcessing()
  const roots = await client.getCalls({ trace_roots_only: true })
  const greetCall = roots.find((c) => c.op_name.includes('/op/greet:'))
  const children = await client.getCalls({ parent_ids: [greetCall.id] })
  console.log(JSON.stringify({
    greeting, datasetUri: ref.uri(), loadedRows, summary,
    roots: roots.map((c) => ({ op: c.op_name, display: c.display_name, status: c.summary.weave.status })),
    children: children.map((c) => ({ op: c.op_name, exception: c.exception, output: c.output })),
  }))
}
main().catch((error) => { console.error(error); process.exit(1) })
`

let ingest: TestIngest
let fake: FakeOpenAI
let url: string
let extra: IngestServer | undefined
let result: {
  greeting: string
  datasetUri: string
  loadedRows: unknown[]
  summary: Record<string, unknown>
  roots: Array<{ op: string; display: string | null; status: string }>
  children: Array<{ op: string; exception: string | null; output: unknown }>
}
let spans: StoredSpan[]

beforeAll(async () => {
  ingest = await startTestIngest()
  fake = await startFakeOpenAI()
  fake.enqueue({ kind: 'json', body: completion({ content: 'On its way.', usage: { prompt: 9, completion: 3 } }) })
  url = ingest.url
  if (!ingestRoutes().some((route) => route.path === '/call/upsert_batch')) {
    // Until routes.ts mounts the Weave door, serve it beside the harness's server for the same project.
    extra = await startIngestServer({ resolveToken: ingest.workbench.ingest.resolveToken, routes: weaveRoutes(), port: 0 })
    url = extra.url
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-weave-app-'))
  fs.writeFileSync(path.join(dir, 'app.cjs'), APP)
  const { stdout, stderr } = await run(process.execPath, ['app.cjs'], {
    cwd: dir,
    timeout: 90_000,
    env: {
      PATH: process.env.PATH, HOME: dir, WEFT_REPO: ROOT,
      FAKE_OPENAI_URL: fake.baseUrl, WF_TRACE_SERVER_URL: url, WANDB_API_KEY: ingest.token, WEAVE_PRINT_CALL_LINK: 'false',
    },
  })
  // The SDK reports failed uploads and batches on stderr and keeps going.
  expect(stderr).not.toMatch(/error/i)
  result = JSON.parse(stdout.trim().split('\n').at(-1)!) as typeof result
  expect(fs.existsSync(path.join(dir, 'weaveErrors.log'))).toBe(false)
  fs.rmSync(dir, { recursive: true, force: true })
  const ids = ingest.traces.sqlite.prepare<[], { id: string }>('SELECT id FROM weave_calls WHERE started_ms IS NOT NULL ORDER BY started_ms').all()
  spans = ids.map(({ id }) => findSpan(ingest.traces, id)!).filter(Boolean)
}, 120_000)

afterAll(async () => {
  await extra?.close()
  await fake?.close()
  await ingest?.close()
})

const named = (name: string) => spans.filter((s) => s.name === name)
const one = (name: string) => {
  const found = named(name)
  expect(found, name).toHaveLength(1)
  return found[0]!
}

describe('the unmodified weave SDK against Weft', () => {
  it('records traced ops as spans with parents, statuses and outputs', () => {
    expect(result.greeting).toBe('HELLO WORLD!')
    const greet = one('greet')
    expect(greet).toMatchObject({ parentId: null, status: 'ok', output: 'HELLO WORLD!', inputs: { arg0: 'world' }, kind: 'other' })
    expect(greet.attributes['weave.op_name']).toMatch(/^weave:\/\/\/local-entity\/demo\/op\/greet:[A-Za-z0-9]{43}$/)
    expect(one('shout')).toMatchObject({ parentId: greet.id, traceId: greet.traceId, status: 'ok', output: 'HELLO WORLD' })
    expect(one('boom')).toMatchObject({ parentId: greet.id, status: 'error', error: { message: 'kaboom 1' }, output: null })
    expect(ingest.traces.getTrace(greet.traceId)!.trace).toMatchObject({ spanCount: 3, status: 'error', rootName: 'greet' })
  })

  it('joins a start and an end sent in different batches', () => {
    const slow = one('slow')
    expect(slow).toMatchObject({ status: 'ok', inputs: { arg0: 450 }, output: 'slept' })
    expect(slow.endMs! - slow.startMs).toBeGreaterThanOrEqual(440)
  })

  it('records a wrapped OpenAI call as an llm span holding the usage once', () => {
    expect(fake.requests).toHaveLength(1)
    const answer = one('answer')
    const llm = one('openai.chat.completions.create')
    expect(llm).toMatchObject({ parentId: answer.id, kind: 'llm', status: 'ok', usage: { fake: { inputTokens: 9, outputTokens: 3 } } })
    expect((llm.inputs as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'Where is my parcel?' }])
    // Weave also sums the usage into the parent's summary; Weft rolls it up itself, so it counts once.
    expect(answer).toMatchObject({ kind: 'other', usage: {}, output: 'On its way.' })
    expect((answer.attributes['weave.summary'] as { usage: Record<string, { prompt_tokens: number }> }).usage.fake!.prompt_tokens).toBe(9)
    expect(ingest.traces.getTrace(answer.traceId)!.trace).toMatchObject({ spanCount: 2, totalTokens: 12 })
  })

  it('saves a dataset the SDK reads back and Weft can import', () => {
    const rows = [{ input: '2+2', expected: '4' }, { input: '1+2', expected: '3' }]
    expect(result.loadedRows).toEqual(rows)
    expect(result.datasetUri).toMatch(/^weave:\/\/\/local-entity\/demo\/object\/tiny-ds:[A-Za-z0-9]{43}$/)
    const versions = listWeaveDatasets(ingest.traces).filter((d) => d.name === 'tiny-ds')
    expect(versions).toEqual([expect.objectContaining({ versionIndex: 0, rowCount: 2, digest: result.datasetUri.split(':').at(-1) })])
    expect(readWeaveDatasetRows(ingest.traces, 'tiny-ds')).toEqual(rows)
  })

  it('imports the Weave dataset as a version of a Weft dataset, rows identified by their Weave digest', async () => {
    const { datasets } = await ingest.workbench.call('weave.datasets', {})
    expect(datasets.map((d) => d.name)).toContain('tiny-ds')
    const saved = await ingest.workbench.call('weave.importDataset', { name: 'tiny-ds', as: 'tiny' })
    expect(saved).toMatchObject({ rows: 2, created: true, version: { n: 1 } })
    const { content } = await ingest.workbench.call('objects.get', { ref: 'dataset:tiny@v1' })
    const imported = content.trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>)
    expect(imported.map(({ input, expected }) => ({ input, expected }))).toEqual([{ input: '2+2', expected: '4' }, { input: '1+2', expected: '3' }])
    expect(imported.every((row) => /^w-[A-Za-z0-9]{12}$/.test(row.id!))).toBe(true)
    // Importing the same version again is the same content: no new version.
    expect(await ingest.workbench.call('weave.importDataset', { name: 'tiny-ds', as: 'tiny' })).toMatchObject({ created: false })
    await expect(ingest.workbench.call('weave.importDataset', { name: 'nope', as: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('records an Evaluation as evaluation spans with scores in their outputs', () => {
    expect(result.summary).toMatchObject({ exactMatch: { true_count: 2, true_fraction: 1 } })
    const evaluate = one('tiny-eval_adder')
    expect(evaluate).toMatchObject({ kind: 'evaluation', status: 'ok', parentId: null, output: { exactMatch: { true_count: 2, true_fraction: 1 } } })
    const rows = spans.filter((s) => s.parentId === evaluate.id)
    expect(rows).toHaveLength(2)
    for (const row of rows) {
      expect(row).toMatchObject({ name: 'Evaluation.predictAndScore', kind: 'evaluation', output: { model_success: true, scores: { exactMatch: true } } })
      expect((row.inputs as { example: string }).example).toMatch(/\/object\/tiny-ds:[A-Za-z0-9]{43}\/attr\/rows\/id\/[A-Za-z0-9]{43}$/)
      expect(spans.filter((s) => s.parentId === row.id).map((s) => s.name).sort()).toEqual(['adder', 'exactMatch'])
    }
  })

  it('lands EvaluationLogger scores as feedback on the prediction span', () => {
    const feedback = ingest.traces.sqlite.prepare<[], { span_id: string; type: string; name: string; value: string; source: string }>(
      'SELECT span_id, type, name, value, source FROM feedback',
    ).all()
    expect(feedback).toEqual([{ span_id: expect.any(String), type: 'wandb.runnable.correct', name: 'correct', value: 'true', source: 'weave' }])
    // As in Weave, the score is feedback on the model's prediction call, under predict_and_score.
    const target = findSpan(ingest.traces, feedback[0]!.span_id)!
    expect(target).toMatchObject({ name: 'Model.predict', inputs: { arg0: { input: 'ping' } }, output: 'pong' })
    expect(findSpan(ingest.traces, target.parentId!)).toMatchObject({ name: 'Evaluation.predict_and_score', kind: 'evaluation' })
    const root = one('Evaluation.evaluate')
    expect(root).toMatchObject({ kind: 'evaluation', status: 'ok', attributes: { _weave_eval_meta: { imperative: true } } })
  })

  it('answers getCalls with what it stored', () => {
    const greetRoot = result.roots.find((r) => r.op.includes('/op/greet:'))
    expect(greetRoot).toEqual({ op: expect.any(String), display: null, status: 'success' })
    expect(result.roots.find((r) => r.display === 'tiny-eval_adder')?.status).toBe('success')
    expect(result.children.map((c) => [c.op.split('/op/')[1]!.split(':')[0], c.exception, c.output])).toEqual([
      ['shout', null, 'HELLO WORLD'],
      ['boom', 'kaboom 1', null],
    ])
  })
})
