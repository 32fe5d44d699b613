/**
 * Ingest through the trace database with the metric rollups the Monitor
 * section reads (run by `npm run bench`): 200,000 spans of varied ops and
 * models in batches of 1,000 and of 5,000 (the SDK's batch), three times
 * each; figures in spans/s beside the same benchmark before the rollups. The
 * rollups cost about a fixed amount per batch (one upsert per touched window
 * and key), so bigger batches hide more of it.
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
 * The same benchmark with main/traces/db.ts of commit 5fe987f (before the rollups), on this machine, back to
 * back with the figures after. Batches of 1,000: 97,424 / 103,376 / 101,125 and 103,155 / 109,343 / 105,369
 * spans/s before, 75,065 / 80,052 / 75,401 and 84,852 / 83,840 / 75,732 after. Batches of 5,000: 97,145 /
 * 102,272 / 80,022 before, 88,529 / 99,751 / 82,583 after.
 */
const BEFORE_ROLLUPS: Record<number, number> = { 1000: 102_250, 5000: 97_145 }
const SPANS = Number(process.env.WEFT_BENCH_INGEST_SPANS ?? 200_000)
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

for (const batchSize of [1000, 5000]) {
  test(`trace database insert with metric rollups, batches of ${batchSize}`, () => {
    const rates: number[] = []
    for (let run = 0; run < RUNS; run++) {
      const db = openTraceDb(path.join(tmp, `run${batchSize}-${run}.db`))
      const batches: SpanInput[][] = []
      for (let i = 0; i < SPANS; i += batchSize) batches.push(Array.from({ length: Math.min(batchSize, SPANS - i) }, (_, j) => makeSpan(i + j, run * 100)))
      const started = performance.now()
      for (const batch of batches) db.insertSpans(batch)
      rates.push(SPANS / ((performance.now() - started) / 1000))
      db.close()
    }
    process.stdout.write(`  batches of ${batchSize}, runs: ${rates.map((r) => Math.round(r).toLocaleString('en')).join(', ')} spans/s\n`)
    reportFigure(`monitor: trace database insert with metric rollups, 200,000 spans in batches of ${batchSize.toLocaleString('en')}`, median(rates), {
      unit: 'spans/s', cli: BEFORE_ROLLUPS[batchSize], cliLabel: 'before the rollups (measured once, 5fe987f)',
    })
    expect(median(rates)).toBeGreaterThan(0)
  })
}
