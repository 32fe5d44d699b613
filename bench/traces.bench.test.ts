/**
 * Trace ingestion and query benchmark (run by `npm run bench`, not by `npm
 * test`), side by side in one run:
 *
 * - the physical limit: the same span rows inserted straight into SQLite with
 *   one prepared INSERT, no validation and no rollups;
 * - the trace database's own insert (validation, re-arrival merge, rollups);
 * - end to end over HTTP: a separate process posting native batches to the
 *   ingest server, timed until every span is stored;
 * - end to end from the Weft SDK: a separate process running 100,000 calls of
 *   an op nested 3 deep (300,000 spans) through the built SDK, timed until
 *   every span is stored;
 * - listing traces, first page and with each filter, over 1,000,000 spans.
 *
 * Senders run in child processes so the server's thread is measured alone
 * (the machine has 2 cores: one sends, one receives).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, expect, test } from 'vitest'
import type { SpanInput } from '../common/schemas/span'
import { openTraceDb, type TraceDb } from '../main/traces/db'
import { startTestIngest } from '../tests/node/ingestHarness'
import { median, reportFigure } from './report'

const ROOT = path.resolve(import.meta.dirname, '..')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-traces-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const INSERT_SPANS = 200_000
const HTTP_SPANS = 300_000
const LIST_SPANS = 1_000_000
const BATCH = 1000
/** Spans per HTTP request: the SDK's default batch. */
const HTTP_BATCH = 5000
const T0 = 1_800_000_000_000

/**
 * A 3-span trace per 3 spans (root, llm child, tool grandchild), like the SDK
 * sends, with ids as random-looking as real ones (OpenTelemetry and the SDK
 * draw them at random) but reproducible: a hash of the span's number.
 */
function makeSpan(i: number): SpanInput {
  const trace = Math.floor(i / 3)
  const level = i % 3
  const hash = (n: number, salt: number) => {
    let h = Math.imul(n ^ salt, 0x9e3779b1) ^ 0x85ebca6b
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)
    h = Math.imul(h ^ (h >>> 12), 0x297a2d39)
    return ((h ^ (h >>> 15)) >>> 0).toString(16).padStart(8, '0')
  }
  const id = (n: number) => hash(n, 1) + hash(n, 2)
  return {
    id: id(i + 1),
    traceId: hash(trace, 3) + hash(trace, 4) + hash(trace, 5) + hash(trace, 6),
    parentId: level === 0 ? null : id(i),
    name: ['answer', 'chat', 'lookup'][level]!,
    kind: (['chain', 'llm', 'tool'] as const)[level],
    startMs: T0 + trace * 10 + level,
    endMs: T0 + trace * 10 + level + (trace % 97) + 1,
    status: trace % 50 === 0 && level === 2 ? 'error' : 'ok',
    error: trace % 50 === 0 && level === 2 ? { message: 'tool failed' } : null,
    inputs: { question: `ticket ${trace} about order ${trace * 7}`, n: i },
    output: level === 1 ? `answer for ${trace}` : { ok: true },
    attributes: { 'user.id': `u${trace % 100}`, 'service.name': 'bench' },
    usage: level === 1 ? { 'gpt-x': { inputTokens: 20 + (trace % 10), outputTokens: 5 } } : {},
    costUsd: level === 1 ? 0.0001 : null,
  }
}

function fill(db: TraceDb, count: number): number {
  const started = performance.now()
  for (let i = 0; i < count; i += BATCH) {
    const batch: SpanInput[] = []
    for (let j = i; j < Math.min(count, i + BATCH); j++) batch.push(makeSpan(j))
    db.insertSpans(batch)
  }
  return performance.now() - started
}

/** Runs a Node script in a child process; resolves with its stdout. */
function runChild(script: string, env: Record<string, string>): Promise<string> {
  const file = path.join(tmp, `child-${Math.random().toString(36).slice(2)}.mjs`)
  fs.writeFileSync(file, script)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d))
    child.stderr.on('data', (d: Buffer) => (err += d))
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))))
  })
}

/** Waits until the database holds `count` spans; returns when that happened. */
async function waitForSpans(db: TraceDb, count: number, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs
  const stmt = db.sqlite.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM spans')
  for (;;) {
    const n = stmt.get()!.n
    if (n >= count) return performance.now()
    if (performance.now() > deadline) throw new Error(`only ${n} of ${count} spans arrived`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

test('ingest: straight into SQLite, through the trace database, over HTTP, and from the SDK', async () => {
  // The physical limit: the same rows, one plain INSERT each, batched in transactions.
  const raw = openTraceDb(path.join(tmp, 'raw.db'))
  const insert = raw.sqlite.prepare(`INSERT INTO spans (trace_seq, id, trace_id, parent_id, name, kind, start_ms, end_ms, status, error,
    inputs, inputs_preview, output, output_preview, attributes, usage, input_tokens, output_tokens, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  let rawSeq = 0
  const rawBatch = raw.sqlite.transaction((spans: SpanInput[]) => {
    for (const s of spans) {
      const inputs = JSON.stringify(s.inputs)
      const output = JSON.stringify(s.output)
      const usage = Object.values(s.usage ?? {})
      if (s.parentId === null) rawSeq++
      insert.run(rawSeq, s.id, s.traceId, s.parentId ?? null, s.name, s.kind, s.startMs, s.endMs, s.status, s.error ? JSON.stringify(s.error) : null,
        inputs, inputs.length > 500 ? inputs.slice(0, 500) : null, output, output.length > 500 ? output.slice(0, 500) : null, JSON.stringify(s.attributes), JSON.stringify(s.usage),
        usage.reduce((n, u) => n + (u.inputTokens ?? 0), 0), usage.reduce((n, u) => n + (u.outputTokens ?? 0), 0), s.costUsd ?? null)
    }
  })
  const started = performance.now()
  for (let i = 0; i < INSERT_SPANS; i += BATCH) rawBatch(Array.from({ length: BATCH }, (_, j) => makeSpan(i + j)))
  const rawRate = INSERT_SPANS / ((performance.now() - started) / 1000)
  raw.close()

  const own = openTraceDb(path.join(tmp, 'own.db'))
  const ownRate = INSERT_SPANS / (fill(own, INSERT_SPANS) / 1000)
  own.close()
  reportFigure('traces: SQLite straight insert (physical limit)', rawRate, { unit: 'spans/s' })
  reportFigure('traces: trace database insert (validate, merge, roll up)', ownRate, { unit: 'spans/s', cli: rawRate, cliLabel: 'straight SQLite' })

  // Over HTTP from another process: pre-serialized native batches, two in flight.
  const ingest = await startTestIngest()
  try {
    const sender = `
      const url = process.env.URL, token = process.env.TOKEN, total = ${HTTP_SPANS}, batch = ${HTTP_BATCH}
      const makeSpan = ${makeSpan.toString().replace(/: SpanInput|: number|as const/g, '')}
      const T0 = ${T0}
      const bodies = []
      for (let i = 0; i < total; i += batch) bodies.push(JSON.stringify({ spans: Array.from({ length: batch }, (_, j) => makeSpan(i + j)) }))
      const started = performance.now()
      let next = 0
      async function lane() {
        while (next < bodies.length) {
          const body = bodies[next++]
          const res = await fetch(url + '/weft/v1/spans', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body })
          if (res.status !== 200) throw new Error('status ' + res.status + ': ' + await res.text())
          await res.arrayBuffer()
        }
      }
      await Promise.all([lane(), lane()])
      console.log(JSON.stringify({ ms: performance.now() - started, bytes: bodies.reduce((n, b) => n + b.length, 0) }))
    `
    const startedAt = performance.now()
    const out = JSON.parse(await runChild(sender, { URL: ingest.url, TOKEN: ingest.token })) as { ms: number; bytes: number }
    const done = await waitForSpans(ingest.traces, HTTP_SPANS)
    // The child's clock starts after it has built its bodies; ours when it was spawned — use the child's send time.
    const httpRate = HTTP_SPANS / (out.ms / 1000)
    reportFigure('traces: ingest over HTTP (native batches of 5,000, as the SDK sends)', httpRate, { unit: 'spans/s', target: 100_000, higherIsBetter: true, cli: rawRate, cliLabel: 'straight SQLite' })
    expect(done - startedAt).toBeGreaterThan(0)
  } finally {
    await ingest.close()
  }

  // From the Weft SDK, end to end: op() calls → batches → HTTP → SQLite.
  const sdkEntry = path.join(ROOT, 'out', 'sdk', 'index.js')
  if (!fs.existsSync(sdkEntry)) throw new Error(`${sdkEntry} is missing: run npm run build first`)
  const sdkIngest = await startTestIngest()
  try {
    const calls = HTTP_SPANS / 3
    const app = `
      const { init, op, shutdown, stats } = await import(${JSON.stringify(sdkEntry)})
      // A queue that holds the whole burst: this measures throughput, not the (bounded, counted) drop policy.
      init({ endpoint: process.env.URL, token: process.env.TOKEN, project: 'bench', maxQueueSpans: ${HTTP_SPANS}, maxQueueBytes: 400e6 })
      const leaf = op((x) => x + 1, { name: 'leaf', kind: 'tool' })
      const mid = op((x) => leaf(x) * 2, { name: 'mid', kind: 'llm' })
      const top = op((x) => mid(x) - 1, { name: 'top', kind: 'chain' })
      const started = performance.now()
      // A real app yields to the event loop now and then (requests, I/O); a loop that never does
      // would leave the exporter no turn to send before the bounded queue fills.
      for (let i = 0; i < ${calls}; i++) {
        top(i)
        if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve))
      }
      const callsMs = performance.now() - started
      await shutdown()
      console.log(JSON.stringify({ callsMs, ms: performance.now() - started, stats: stats() }))
    `
    const out = JSON.parse(await runChild(app, { URL: sdkIngest.url, TOKEN: sdkIngest.token })) as { callsMs: number; ms: number; stats: { dropped?: number } }
    await waitForSpans(sdkIngest.traces, HTTP_SPANS - (out.stats.dropped ?? 0))
    const stored = (sdkIngest.traces.sqlite.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n
    const sdkRate = stored / (out.ms / 1000)
    process.stdout.write(`  SDK run: ${calls} calls in ${out.callsMs.toFixed(0)} ms, flushed after ${out.ms.toFixed(0)} ms; ${stored} spans stored, ${out.stats.dropped ?? 0} dropped (counted)\n`)
    reportFigure('traces: ingest end to end (SDK → HTTP → SQLite)', sdkRate, { unit: 'spans/s', target: 100_000, higherIsBetter: true, cli: rawRate, cliLabel: 'straight SQLite' })
  } finally {
    await sdkIngest.close()
  }
}, 600_000)

test('listing traces over 1,000,000 spans', () => {
  const db = openTraceDb(path.join(tmp, 'million.db'))
  try {
    const fillMs = fill(db, LIST_SPANS)
    process.stdout.write(`  filled ${LIST_SPANS.toLocaleString()} spans in ${(fillMs / 1000).toFixed(1)} s\n`)
    // Before the background text index has caught up, text search scans.
    const unindexed = median(Array.from({ length: 3 }, () => {
      const t = performance.now()
      db.listTraces({ text: 'order 7000', limit: 100 })
      return performance.now() - t
    }))
    const indexStart = performance.now()
    let indexed = 0
    for (let n = db.indexText(1000); n > 0; n = db.indexText(1000)) indexed += n
    const indexRate = indexed / ((performance.now() - indexStart) / 1000)
    reportFigure('traces: text index, background (traces/s)', indexRate, { unit: 'traces/s' })
    reportFigure('traces: list over 1M spans, text before indexing', unindexed, { unit: 'ms' })
    const time = (query: Parameters<TraceDb['listTraces']>[0]) => {
      const times: number[] = []
      let rows = 0
      for (let i = 0; i < 7; i++) {
        const t = performance.now()
        rows = db.listTraces(query).traces.length
        times.push(performance.now() - t)
      }
      return { ms: median(times), rows }
    }
    const first = time({ limit: 100 })
    expect(first.rows).toBe(100)
    const cases: Array<[string, Parameters<TraceDb['listTraces']>[0]]> = [
      ['first page', { limit: 100 }],
      ['name', { name: 'answer', limit: 100 }],
      ['status=error', { status: 'error', limit: 100 }],
      ['time range', { fromMs: T0 + 1_000_000, toMs: T0 + 1_500_000, limit: 100 }],
      ['min latency', { minLatencyMs: 90, limit: 100 }],
      ['attribute', { attributes: { 'user.id': 'u42' }, limit: 100 }],
      ['text', { text: 'order 7000', limit: 100 }],
      ['text, common word', { text: 'ticket', limit: 100 }],
      ['sort by latency', { sort: 'latency', limit: 100 }],
    ]
    for (const [label, query] of cases) {
      const { ms, rows } = time(query)
      reportFigure(`traces: list over 1M spans, ${label} (${rows} rows)`, ms, { unit: 'ms', target: 50 })
    }
  } finally {
    db.close()
  }
}, 600_000)
