import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MonitorQuerySchema, MonitorResultSchema, autoBucketMs } from '../../common/schemas/monitor'
import type { SpanInput } from '../../common/schemas/span'
import { addFeedback } from '../traces/feedback'
import { openTraceDb, type TraceDb } from '../traces/db'
import { listMonitorOps, queryMetrics, windowsToRead } from './query'

let dir: string
let db: TraceDb
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-monitor-query-'))
  db = openTraceDb(path.join(dir, 'traces.db'))
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 2, 0, 0, 0)
let n = 0
const span = (startMs: number, name: string, over: Partial<SpanInput> = {}): SpanInput => ({
  id: `s${++n}`, traceId: `t${n}`, name, kind: 'llm', startMs, endMs: startMs + 100, ...over,
})
const query = (request: Record<string, unknown>) => MonitorResultSchema.parse(queryMetrics(db.sqlite, MonitorQuerySchema.parse(request)))

describe('monitor.query', () => {
  it('chooses the bucket from the range', () => {
    expect([HOUR, 24 * HOUR, 7 * 24 * HOUR, 30 * 24 * HOUR].map(autoBucketMs)).toEqual([60_000, 900_000, HOUR, 6 * HOUR])
  })

  it('gives per-bucket volume, errors, latency, tokens and cost, and totals that match the spans', () => {
    db.insertSpans([
      span(T0 + 60_000, 'chat', { usage: { 'gpt-x': { inputTokens: 10, outputTokens: 2 } }, costUsd: 0.5 }),
      span(T0 + 61_000, 'chat', { status: 'error', endMs: T0 + 61_000 + 1000, usage: { 'gpt-x': { inputTokens: 5, outputTokens: 1 } }, costUsd: 0.25 }),
      span(T0 + 5 * 60_000, 'lookup', { kind: 'tool' }),
    ])
    const r = query({ fromMs: T0, toMs: T0 + HOUR })
    expect(r.bucketMs).toBe(60_000)
    expect(r.timestamps).toHaveLength(60)
    expect(r.groups).toHaveLength(1)
    const g = r.groups[0]!
    expect(g.series.count.slice(0, 6)).toEqual([0, 2, 0, 0, 0, 1])
    expect(g.series.errorRate.slice(0, 2)).toEqual([null, 0.5])
    expect(g.series.inputTokens[1]).toBe(15)
    expect(g.series.costUsd[1]).toBeCloseTo(0.75)
    expect(g.series.p99Ms[1]! / 1000).toBeCloseTo(1, 1)
    expect(r.total).toMatchObject({ count: 3, errors: 1, inputTokens: 15, outputTokens: 3 })
    expect(r.total.errorRate).toBeCloseTo(1 / 3)
  })

  it('groups by op or model, the top N apart and the rest as other, busiest first', () => {
    const spans: SpanInput[] = []
    for (let i = 0; i < 5; i++) spans.push(span(T0 + i * 1000, 'a', { usage: { m1: { inputTokens: 1, outputTokens: 0 } } }))
    for (let i = 0; i < 3; i++) spans.push(span(T0 + i * 1000, 'b', { usage: { m2: { inputTokens: 1, outputTokens: 0 } } }))
    spans.push(span(T0, 'c'), span(T0, 'd'))
    db.insertSpans(spans)
    const byOp = query({ fromMs: T0, toMs: T0 + HOUR, groupBy: 'op', top: 2 })
    expect(byOp.groups.map((g) => [g.label, g.totals.count, g.other])).toEqual([['a', 5, false], ['b', 3, false], ['other', 2, true]])
    const byModel = query({ fromMs: T0, toMs: T0 + HOUR, groupBy: 'model' })
    expect(byModel.groups.map((g) => [g.key, g.label, g.totals.count])).toEqual([['m1', 'm1', 5], ['m2', 'm2', 3], ['', 'no model', 2]])
  })

  it('filters by op, model and kind', () => {
    db.insertSpans([span(T0, 'a', { usage: { m1: { inputTokens: 1, outputTokens: 0 } } }), span(T0, 'a', { kind: 'tool' }), span(T0, 'b')])
    expect(query({ fromMs: T0, toMs: T0 + HOUR, op: 'a' }).total.count).toBe(2)
    expect(query({ fromMs: T0, toMs: T0 + HOUR, op: 'a', kind: 'tool' }).total.count).toBe(1)
    expect(query({ fromMs: T0, toMs: T0 + HOUR, model: 'm1' }).total.count).toBe(1)
    expect(query({ fromMs: T0, toMs: T0 + HOUR, model: '' }).total.count).toBe(2)
  })

  it('reads hourly rows for long ranges and minute rows at the ragged edges, counting each span once', () => {
    const spans: SpanInput[] = []
    // One span every 10 minutes for 3 days.
    for (let t = T0; t < T0 + 72 * HOUR; t += 10 * 60_000) spans.push(span(t, 'tick'))
    db.insertSpans(spans)
    const from = T0 + 25 * 60_000
    const to = T0 + 48 * HOUR + 35 * 60_000
    const exact = spans.filter((s) => s.startMs >= from && s.startMs < to).length
    const long = query({ fromMs: from, toMs: to, bucketMs: HOUR })
    expect(long.total.count).toBe(exact)
    expect(long.groups[0]!.series.count.reduce((a, b) => a + b, 0)).toBe(exact)
    expect(query({ fromMs: from, toMs: to, bucketMs: 15 * 60_000 }).total.count).toBe(exact)
    expect(query({ fromMs: from, toMs: to, bucketMs: 6 * HOUR }).total.count).toBe(exact)
    const daily = query({ fromMs: from, toMs: to, bucketMs: 24 * HOUR })
    expect(daily.groups[0]!.series.count.reduce((a, b) => a + b, 0)).toBe(exact)
  })

  it('reads the widest windows that fit a bucket, narrower ones at the edges, each minute once', () => {
    // 00:25 → 3 days 00:35 later, in 6-hour buckets: 6 h windows in the middle, hours, 15 min and minutes at the edges.
    const from = 25
    const to = 2 * 1440 + 35 + 1440
    const windows = windowsToRead(from, to, 360)
    expect(windows.map((w) => w.width).sort((a, b) => a - b)).toEqual([1, 1, 15, 15, 60, 360])
    // Daily buckets read days too.
    expect(windowsToRead(from, to, 1440).map((w) => w.width)).toContain(1440)
    const covered = windows.flatMap((w) => Array.from({ length: (w.to - w.from) }, (_, i) => w.from + i)).sort((a, b) => a - b)
    expect(covered).toEqual(Array.from({ length: to - from }, (_, i) => from + i))
    for (const w of windows) expect(w.from % w.width + w.to % w.width).toBe(0)
    // 5-minute buckets read minutes only (5 is no stored width's multiple but 1's).
    expect(windowsToRead(0, 600, 5)).toEqual([{ width: 1, from: 0, to: 600 }])
  })

  it('says nothing is stored with no groups', () => {
    expect(query({ fromMs: T0, toMs: T0 + HOUR }).groups).toEqual([])
  })

  it('buckets online scores by the scored span start: mean, pass rate and count per rule/scorer', () => {
    const online = (name: string, value: number, pass: boolean, spanStartMs: number | undefined, createdMs = T0 + 50 * 60_000) =>
      addFeedback(db.sqlite, { type: 'score', name, value, source: 'online', createdMs, payload: { pass, reason: 'r', ruleId: 'r1', ...(spanStartMs === undefined ? {} : { spanStartMs }), costUsd: 0 } })
    online('polite/judge', 1, true, T0 + 60_000)
    online('polite/judge', 0.5, false, T0 + 90_000)
    online('polite/judge', 0, false, undefined) // no span start: when it was written
    online('json/valid', 1, true, T0 + 2 * HOUR) // outside the range
    addFeedback(db.sqlite, { type: 'score', name: 'polite/judge', value: 0, source: 'ui', createdMs: T0 + 60_000 })
    const r = query({ fromMs: T0, toMs: T0 + HOUR })
    expect(r.scores).toHaveLength(1)
    const s = r.scores[0]!
    expect(s.name).toBe('polite/judge')
    expect([s.count[1], s.mean[1], s.passRate[1]]).toEqual([2, 0.75, 0.5])
    expect([s.count[50], s.mean[50], s.passRate[50]]).toEqual([1, 0, 0])
    expect(s.totals).toEqual({ count: 3, mean: 0.5, passRate: 1 / 3 })
    expect(listMonitorOps(db.sqlite).scores).toEqual(['json/valid', 'polite/judge'])
  })

  it('lists ops and models busiest first, for pickers', () => {
    db.insertSpans([span(T0, 'a'), span(T0, 'b', { usage: { m: { inputTokens: 1, outputTokens: 1 } } }), span(T0, 'b', { kind: 'tool' })])
    expect(listMonitorOps(db.sqlite)).toEqual({ ops: [{ name: 'b', count: 2 }, { name: 'a', count: 1 }], models: [{ name: '', count: 2 }, { name: 'm', count: 1 }], kinds: ['llm', 'tool'], scores: [] })
  })

  it('refuses a reversed range and an unknown bucket size, naming the field', () => {
    expect(MonitorQuerySchema.safeParse({ fromMs: 5, toMs: 1 }).error?.issues[0]?.path).toEqual(['toMs'])
    expect(MonitorQuerySchema.safeParse({ fromMs: 0, toMs: HOUR, bucketMs: 1234 }).error?.issues[0]?.path).toEqual(['bucketMs'])
  })
})
