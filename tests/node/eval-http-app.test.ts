/**
 * An app served over HTTP and traced with the Weft SDK, evaluated at the step
 * and trajectory levels: each row's request carries a traceparent, the app
 * continues that trace (continueTrace), its spans reach Weft's ingest server,
 * and the engine waits for them before the step and trajectory scorers read
 * them — all inside the row's own trace.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWeft } from '../../main/cli/cliTesting'
import { continueTrace, init, op, shutdown } from '../../sdk/index'
import { startTestIngest, type TestIngest } from './ingestHarness'

let ingest: TestIngest
let app: http.Server
let appUrl: string

// The app: plan, then search (skipped for "hello"), then answer — each an op, the tools as tool spans.
const search = op(async function search(query: string) {
  return { docs: [`doc-${query.length}`] }
}, { kind: 'tool' })
const answer = op(async function answer(question: string, docs: string[]) {
  return `${question.toUpperCase()} (${docs.join(', ')})`
}, { kind: 'tool' })
const agent = op(async function agent(question: string) {
  const found = question === 'hello' ? { docs: [] } : await search(question)
  return answer(question, found.docs)
}, { kind: 'agent' })

beforeAll(async () => {
  ingest = await startTestIngest()
  init({ endpoint: ingest.url, token: ingest.token, flushIntervalMs: 10 })
  app = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const row = JSON.parse(body) as { question: string }
      void continueTrace(req.headers.traceparent, () => agent(row.question)).then((text) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text })))
    })
  })
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r))
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/answer`
  const wb = ingest.workbench
  const rows = ['refund please', 'hello', 'where is my parcel'].map((question, i) => JSON.stringify({ id: `q${i}`, question, expected: { doc: `doc-${question.length}` } }))
  await wb.call('objects.save', { kind: 'dataset', name: 'questions', content: `${rows.join('\n')}\n` })
  await wb.call('objects.save', {
    kind: 'evaluation',
    name: 'app',
    content: [
      'dataset: questions',
      `target: {http: {url: "${appUrl}"}}`,
      'scorers:',
      '  - {id: path, type: trajectory, params: {expected: [search, answer], mode: exact}}',
      '  - {id: retrieved, type: step, params: {select: {name: search}, scorer: {type: contains, params: {values: ["{{expected.doc}}"]}}}}',
      '',
    ].join('\n'),
  })
})
afterAll(async () => {
  await shutdown()
  await new Promise((r) => app?.close(r))
  await ingest?.close()
})

describe('an HTTP app traced with the SDK, scored at the step and trajectory levels', () => {
  it('reads the app’s own spans in each row’s trace', async () => {
    const { run, summary } = await ingest.workbench.call('evals.run', { name: 'app' })
    expect(run.status).toBe('finished')
    const { rows } = await ingest.workbench.call('evals.get', { runId: run.id })
    const byId = Object.fromEntries(rows.map((r) => [r.rowId, r]))
    expect(byId.q0!.scores.path).toMatchObject({ score: 1, pass: true })
    expect(byId.q0!.scores.retrieved).toMatchObject({ pass: true })
    // "hello" skipped the search: the path misses a step and there is no search span to score.
    expect(byId.q1!.scores.path).toMatchObject({ pass: false, reason: expect.stringMatching(/search/) })
    expect(byId.q1!.scores.retrieved).toMatchObject({ score: 0, pass: false })
    expect(summary.scorers.path, JSON.stringify(summary.scorers.path)).toMatchObject({ passRate: 0.666667 })
    // One trace per row: the row, its HTTP call, the app's spans under the call, then the scorers.
    const trace = await ingest.workbench.call('traces.get', { traceId: byId.q2!.traceId! })
    const name = new Map(trace.spans.map((s) => [s.id, s.name]))
    const edges = trace.spans.map((s) => `${s.parentId ? name.get(s.parentId) : '-'} > ${s.name}`)
    expect(edges).toEqual(['- > eval app', 'eval app > POST /answer', 'POST /answer > agent', 'agent > search', 'agent > answer', 'eval app > score path', 'eval app > score retrieved'])
  })

  it('weft eval run receives the app’s spans itself when no Weft is running (CI)', async () => {
    const free = http.createServer()
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r))
    const port = (free.address() as AddressInfo).port
    await new Promise((r) => free.close(r))
    // The app now sends to where the CLI will listen.
    init({ endpoint: `http://127.0.0.1:${port}`, token: ingest.token, flushIntervalMs: 10 })
    const { code, out, err } = await runWeft(['eval', 'run', 'app', '--project', ingest.dir, '--format', 'json'], { cwd: path.dirname(ingest.dir), env: { WEFT_INGEST_PORT: String(port) } })
    expect(err).toContain(`app: receiving the app's spans at http://127.0.0.1:${port}`)
    expect(code).toBe(0)
    const report = JSON.parse(out) as { summary: { scorers: Record<string, { passRate: number }> } }
    expect(report.summary.scorers.path!.passRate).toBeCloseTo(2 / 3)
    expect(report.summary.scorers.retrieved!.passRate).toBeCloseTo(2 / 3)
  })
})
