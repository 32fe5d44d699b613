/**
 * Ingest through the trace database with the per-minute metric rollups the
 * Monitor section reads (run by `npm run bench` via bench/monitor-dashboard.mjs):
 * 200,000 spans of varied ops and models in batches of 1,000, three times;
 * figures in spans/s beside the straight SQLite insert of the same rows.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, expect, test } from 'vitest'
import type { SpanInput } from '../common/schemas/span'
import { openTraceDb } from '../main/traces/db'
import { median, reportFigure } from './report'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-monitor-ingest-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

/**
 * The same benchmark with main/traces/db.ts of commit 5fe987f (before the rollups), on this machine, back to back
 * with the figure after: runs 81,381 / 92,846 / 82,975 spans/s before, 71,493 / 76,563 / 74,324 after.
 */
const BEFORE_ROLLUPS = 82_975
const SPANS = Number(process.env.WEFT_BENCH_INGEST_SPANS ?? 200_000)
const BATCH = 1000
const RUNS = 3
const T0 = 1_800_000_000_000
const OPS = ['answer', 'chat', 'lookup', 'embed', 'rerank', 'classify', 'summarize', 'route']
const MODELS = ['gpt-x', 'gpt-mini', 'claude-y', 'embed-x']

function hash(n: number, salt: number): string {
  let h = Math.imul(n ^ salt, 0x9e3779b1) ^ 0x85ebca6b
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39)
  return ((h ^ (h >>> 15)) >>> 0).toString(16).padStart(8, '0')
}

/** 3-span traces as the SDK sends them (a trace every 10 ms, as bench/traces.bench.test.ts), LLM children carrying one of 4 models. */
function makeSpan(i: number, salt: number): SpanInput {
  const trace = Math.floor(i / 3)
  const level = i % 3
  const id = (n: number) => hash(n, 1 + salt) + hash(n, 2 + salt)
  const llm = level === 1
  return {
    id: id(i + 1), traceId: hash(trace, 3 + salt) + hash(trace, 4 + salt) + hash(trace, 5) + hash(trace, 6),
    parentId: level === 0 ? null : id(i), name: OPS[(trace + level) % OPS.length]!, kind: llm ? 'llm' : level === 0 ? 'chain' : 'tool',
    startMs: T0 + trace * 10 + level, endMs: T0 + trace * 10 + level + (trace % 997) + 1,
    status: trace % 40 === 0 && level === 2 ? 'error' : 'ok', error: trace % 40 === 0 && level === 2 ? { message: 'tool failed' } : null,
    inputs: { question: `ticket ${trace}`, n: i }, output: llm ? `answer for ${trace}` : { ok: true },
    attributes: { 'user.id': `u${trace % 100}` },
    usage: llm ? { [MODELS[trace % MODELS.length]!]: { inputTokens: 20 + (trace % 10), outputTokens: 5 } } : {},
    costUsd: llm ? 0.0001 : null,
  }
}

test('trace database insert with metric rollups', () => {
  const rates: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const db = openTraceDb(path.join(tmp, `run${run}.db`))
    const batches: SpanInput[][] = []
    for (let i = 0; i < SPANS; i += BATCH) batches.push(Array.from({ length: Math.min(BATCH, SPANS - i) }, (_, j) => makeSpan(i + j, run * 100)))
    const started = performance.now()
    for (const batch of batches) db.insertSpans(batch)
    rates.push(SPANS / ((performance.now() - started) / 1000))
    db.close()
  }
  process.stdout.write(`  runs: ${rates.map((r) => Math.round(r).toLocaleString('en')).join(', ')} spans/s\n`)
  reportFigure('monitor: trace database insert, 200,000 spans (validate, merge, trace and minute rollups)', median(rates), { unit: 'spans/s', cli: BEFORE_ROLLUPS, cliLabel: 'before the metric rollups (measured once, 5fe987f)' })
  expect(median(rates)).toBeGreaterThan(0)
})
