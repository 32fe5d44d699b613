import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SpanInput } from '../../common/schemas/span'
import { migrateDatabase, openDatabase } from '../sqlite'
import { openTraceDb, type TraceDb } from './db'
import { addHistogram, bucketLatency, encodeHistogram, HISTOGRAM_BUCKETS, histogramQuantile, latencyBucket, mergeHistograms, sparseQuantile, spanModel, type MetricRow } from './metrics'
import { MIGRATIONS } from './schema'

let dir: string
let file: string
let db: TraceDb

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-metrics-'))
  file = path.join(dir, 'traces.db')
  db = openTraceDb(file)
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const T0 = Date.UTC(2026, 0, 2, 3, 0, 0)
const span = (over: Partial<SpanInput> & { id: string }): SpanInput => ({ traceId: 't1', name: 'chat', kind: 'llm', startMs: T0 + 1000, endMs: T0 + 1250, ...over })

function rows(width = 1): MetricRow[] {
  return db.sqlite.prepare<[number], MetricRow>('SELECT * FROM span_metrics WHERE width = ? ORDER BY minute, op, kind, model').all(width)
}
const summary = (r: MetricRow) => ({ minute: r.minute, op: r.op, kind: r.kind, model: r.model, count: r.count, errors: r.errors, input: r.input_tokens, output: r.output_tokens, cost: r.cost_usd, latency: r.latency_ms })

describe('span metrics at ingest', () => {
  it('counts a finished span once, in its minute and its hour, under its model', () => {
    db.insertSpans([span({ id: 'a', usage: { 'gpt-x': { inputTokens: 10, outputTokens: 5 } }, costUsd: 0.25 })])
    const minute = Math.floor((T0 + 1000) / 60_000)
    expect(rows(1).map(summary)).toEqual([{ minute, op: 'chat', kind: 'llm', model: 'gpt-x', count: 1, errors: 0, input: 10, output: 5, cost: 0.25, latency: 250 }])
    expect(rows(60).map(summary)).toEqual([{ minute: minute - (minute % 60), op: 'chat', kind: 'llm', model: 'gpt-x', count: 1, errors: 0, input: 10, output: 5, cost: 0.25, latency: 250 }])
  })

  it('does not count duplicates and identical re-arrivals twice', () => {
    const batch = [span({ id: 'a' }), span({ id: 'a' })]
    db.insertSpans(batch)
    db.insertSpans(batch)
    expect(rows().map((r) => r.count)).toEqual([1])
  })

  it('counts a running span only when its end arrives, with what the end brought', () => {
    db.insertSpans([span({ id: 'a', endMs: null, status: 'running', kind: 'other' })])
    expect(rows()).toEqual([])
    db.insertSpans([span({ id: 'a', endMs: T0 + 3000, status: 'error', error: { message: 'boom' }, usage: { m: { inputTokens: 4, outputTokens: 1 } }, costUsd: 1 })])
    expect(rows().map(summary)).toEqual([expect.objectContaining({ kind: 'llm', model: 'm', count: 1, errors: 1, input: 4, output: 1, cost: 1, latency: 2000 })])
    // A stale retry of the start changes nothing.
    db.insertSpans([span({ id: 'a', endMs: null, status: 'running' })])
    expect(rows().map((r) => [r.count, r.errors])).toEqual([[1, 1]])
  })

  it('moves a finished span when a later arrival fills in its usage (kind other → llm, no model → a model)', () => {
    db.insertSpans([span({ id: 'a', kind: 'other' })])
    expect(rows().map((r) => [r.kind, r.model, r.count])).toEqual([['other', '', 1]])
    db.insertSpans([span({ id: 'a', kind: 'llm', usage: { 'gpt-x': { inputTokens: 7, outputTokens: 3 } }, costUsd: 0.5 })])
    expect(rows().map(summary)).toEqual([expect.objectContaining({ kind: 'llm', model: 'gpt-x', count: 1, input: 7, output: 3, cost: 0.5 })])
    expect(rows(60).map((r) => [r.kind, r.model, r.count])).toEqual([['llm', 'gpt-x', 1]])
  })

  it('follows a renamed span to its new op', () => {
    db.insertSpans([span({ id: 'a', name: 'old-name' })])
    expect(db.renameSpan('t1', 'a', 'new-name')).toBe(true)
    expect(rows().map((r) => [r.op, r.count])).toEqual([['new-name', 1]])
  })

  it('reads the model from usage (most tokens), else from GenAI / OpenInference attributes, else none', () => {
    expect(spanModel({ a: { inputTokens: 1, outputTokens: 1 }, b: { inputTokens: 5, outputTokens: 0 } }, {})).toBe('b')
    expect(spanModel({ unknown: { inputTokens: 1, outputTokens: 1 } }, { 'gen_ai.request.model': 'gpt-4o' })).toBe('gpt-4o')
    expect(spanModel({}, { 'llm.model_name': 'claude' })).toBe('claude')
    expect(spanModel({}, { other: 'x' })).toBe('')
  })

  it('keeps a batch that fails validation out of the metrics too', () => {
    expect(() => db.insertSpans([span({ id: 'a' }), { id: 'b' } as SpanInput])).toThrow(/Invalid span at 1/)
    db.insertSpans([span({ id: 'c' })])
    expect(rows().map((r) => r.count)).toEqual([1])
  })
})

describe('latency histogram', () => {
  it('gives p50/p95/p99 within 2% of the exact values', () => {
    // A skewed, known set: 10,000 latencies from 1 ms to ~60 s.
    const latencies = Array.from({ length: 10_000 }, (_, i) => 1 + Math.pow(i / 10_000, 3) * 60_000 + (i % 7))
    const hist = new Float64Array(HISTOGRAM_BUCKETS)
    for (const ms of latencies) hist[latencyBucket(ms)]!++
    const sorted = [...latencies].sort((a, b) => a - b)
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!
      const estimate = histogramQuantile(hist, latencies.length, q)!
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.02)
      // The dashboard's sparse form says the same.
      const sparse = new Map<number, number>()
      hist.forEach((n, b) => n && sparse.set(b, n))
      expect(sparseQuantile(sparse, latencies.length, q)).toBe(estimate)
    }
  })

  it('puts each latency in the bucket whose range holds it', () => {
    // Up to 0.1 ms is "instant" (bucket 0, reported as 0).
    expect([latencyBucket(0), latencyBucket(0.05), latencyBucket(0.1)]).toEqual([0, 0, 0])
    expect(bucketLatency(0)).toBe(0)
    for (const ms of [0.11, 0.2, 1, 99.9, 1234, 3_600_000]) {
      const b = latencyBucket(ms)
      expect(bucketLatency(b) / ms).toBeGreaterThan(0.97)
      expect(bucketLatency(b) / ms).toBeLessThan(1.03)
    }
  })

  it('merges two stored histograms bucket by bucket, dropping buckets that reach zero', () => {
    const merged = mergeHistograms(encodeHistogram(new Map([[1, 2], [5, 1], [9, 3]])), encodeHistogram(new Map([[0, 4], [5, -1], [9, 2], [12, 1]])))
    const back = new Map<number, number>()
    addHistogram(back, merged)
    expect([...back.entries()]).toEqual([[0, 4], [1, 2], [9, 5], [12, 1]])
  })

  it('merges like adding bucket by bucket, for random histograms and changes', () => {
    let seed = 7
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n)
    for (let round = 0; round < 200; round++) {
      const stored = new Map<number, number>()
      const change = new Map<number, number>()
      for (let i = random(40); i > 0; i--) stored.set(random(HISTOGRAM_BUCKETS), 1 + random(5))
      for (let i = random(6); i > 0; i--) change.set(random(HISTOGRAM_BUCKETS), random(7) - 3)
      const expected = new Map(stored)
      for (const [b, n] of change) expected.set(b, (expected.get(b) ?? 0) + n)
      const merged = new Map<number, number>()
      addHistogram(merged, mergeHistograms(encodeHistogram(stored), encodeHistogram(change)))
      expect([...merged.entries()]).toEqual([...expected.entries()].filter(([, n]) => n !== 0).sort((x, y) => x[0] - y[0]))
    }
  })

  it('merges the stored histograms of a row as spans arrive in separate batches', () => {
    for (let i = 0; i < 100; i++) db.insertSpans([span({ id: `s${i}`, startMs: T0 + i * 10, endMs: T0 + i * 10 + (i + 1) * 10 })])
    const [row] = rows()
    expect(row!.count).toBe(100)
    const hist = new Float64Array(HISTOGRAM_BUCKETS)
    addHistogram(hist, row!.histogram)
    expect(hist.reduce((a, b) => a + b, 0)).toBe(100)
    expect(histogramQuantile(hist, 100, 0.5)! / 500).toBeCloseTo(1, 1)
  })
})

describe('metrics migration', () => {
  it('fills the metrics from the spans a database of the previous version holds', () => {
    db.close()
    const old = path.join(dir, 'old.db')
    const raw = openDatabase(old)
    const index = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE span_metrics'))
    expect(index).toBeGreaterThan(0)
    migrateDatabase(raw, MIGRATIONS.slice(0, index))
    const insert = raw.prepare(`INSERT INTO spans (trace_seq, id, trace_id, name, kind, start_ms, end_ms, status, attributes, usage, input_tokens, output_tokens, cost_usd)
      VALUES (1, ?, 't', ?, 'llm', ?, ?, ?, ?, ?, ?, ?, ?)`)
    insert.run('a', 'chat', T0, T0 + 100, 'ok', '{}', '{"gpt-x":{"inputTokens":3,"outputTokens":2}}', 3, 2, 0.1)
    insert.run('b', 'chat', T0 + 5, T0 + 300, 'error', '{}', '{"gpt-x":{"inputTokens":1,"outputTokens":1}}', 1, 1, null)
    insert.run('c', 'chat', T0 + 7, T0 + 50, 'ok', '{"gen_ai.request.model":"claude"}', '{}', 0, 0, null)
    insert.run('d', 'chat', T0 + 9, null, 'running', '{}', '{}', 0, 0, null)
    raw.close()

    db = openTraceDb(old)
    expect(db.sqlite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(rows(1).map((r) => ({ model: r.model, count: r.count, errors: r.errors, input: r.input_tokens, cost: r.cost_usd, latency: r.latency_ms }))).toEqual([
      { model: 'claude', count: 1, errors: 0, input: 0, cost: 0, latency: 43 },
      { model: 'gpt-x', count: 2, errors: 1, input: 4, cost: 0.1, latency: 395 },
    ])
    expect(rows(60).map((r) => r.count)).toEqual([1, 2])
    // And ingest goes on from there: the running span's end arrives.
    db.insertSpans([{ id: 'd', traceId: 't', name: 'chat', kind: 'llm', startMs: T0 + 9, endMs: T0 + 20, usage: { 'gpt-x': { inputTokens: 1, outputTokens: 0 } } }])
    expect(rows(1).find((r) => r.model === 'gpt-x')!.count).toBe(3)
  })
})
