import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventOf } from '../common/contract'
import { parseRequest } from '../common/dispatch'
import { addFeedback } from './traces/feedback'
import { openTraceDb, type TraceDb } from './traces/db'
import { ALERT_SOON_MS, createMonitorService, type MonitorService } from './monitorHandlers'

let dir: string
let db: TraceDb
let clock: number
let events: Array<EventOf<'monitor.alert'>>
let service: MonitorService

const T0 = Date.UTC(2026, 0, 2, 12, 0, 0)
let n = 0
const spans = (count: number, over: { status?: 'ok' | 'error'; latency?: number; name?: string; at?: number } = {}) =>
  Array.from({ length: count }, () => {
    const startMs = (over.at ?? clock) - 30_000
    return { id: `s${++n}`, traceId: `t${n}`, name: over.name ?? 'chat', kind: 'llm' as const, startMs, endMs: startMs + (over.latency ?? 100), status: over.status ?? 'ok', error: over.status === 'error' ? { message: 'boom' } : null }
  })
const save = (request: Record<string, unknown>) => service.handlers['monitor.saveAlert'](parseRequest('monitor.saveAlert', request))

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-alerts-'))
  db = openTraceDb(path.join(dir, 'traces.db'))
  clock = T0
  events = []
  service = createMonitorService({ projectDir: () => dir, traces: () => db, alert: (e) => events.push(e), now: () => clock })
})
afterEach(() => {
  service.stop()
  vi.useRealTimers()
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('alerts', () => {
  it('fires when the error rate over its window crosses the threshold, once, and resolves when it falls back', async () => {
    db.insertSpans(spans(9))
    const { alert } = await save({ name: 'Errors over 20%', metric: 'errorRate', comparator: '>', threshold: 0.2, windowMinutes: 5 })
    expect(alert).toMatchObject({ state: 'ok', value: 0, enabled: true })
    expect(events).toEqual([])

    db.insertSpans(spans(6, { status: 'error' }))
    expect(service.checkAlerts(dir)).toBe(1)
    expect(events).toEqual([{ dir: path.resolve(dir), state: 'firing', alert: expect.objectContaining({ id: alert.id, state: 'firing', value: 0.4, changedMs: clock }) }])
    // Still over: no second notification.
    expect(service.checkAlerts(dir)).toBe(0)
    expect((await service.handlers['monitor.alerts']({})).alerts[0]).toMatchObject({ state: 'firing', value: 0.4 })

    // Ten minutes later the errors are out of the window, and healthy spans came in.
    clock += 10 * 60_000
    db.insertSpans(spans(10))
    expect(service.checkAlerts(dir)).toBe(1)
    expect(events.at(-1)).toMatchObject({ state: 'resolved', alert: { state: 'ok', value: 0 } })
  })

  it('watches p95 latency of one op, volume, cost per hour, and an online score mean', async () => {
    db.insertSpans([...spans(20, { name: 'slow', latency: 3000 }), ...spans(20, { name: 'fast', latency: 10 })])
    await save({ id: 'p95', name: 'slow p95', metric: 'p95Ms', op: 'slow', comparator: '>=', threshold: 2000, windowMinutes: 5 })
    await save({ id: 'vol', name: 'volume', metric: 'volume', comparator: '<', threshold: 100, windowMinutes: 5 })
    await save({ id: 'fastp95', name: 'fast p95', metric: 'p95Ms', op: 'fast', comparator: '>=', threshold: 2000, windowMinutes: 5 })
    for (let i = 0; i < 4; i++) {
      addFeedback(db.sqlite, { type: 'score', name: 'polite/judge', value: i < 3 ? 0.2 : 1, source: 'online', createdMs: clock, payload: { pass: i === 3, spanStartMs: clock - 60_000 } })
    }
    await save({ id: 'score', name: 'politeness', metric: 'scoreMean', scoreName: 'polite/judge', comparator: '<', threshold: 0.5, windowMinutes: 5 })
    await save({ id: 'cost', name: 'cost', metric: 'costPerHour', comparator: '>', threshold: 1, windowMinutes: 60 })
    const alerts = Object.fromEntries((await service.handlers['monitor.alerts']({})).alerts.map((a) => [a.id, a]))
    expect(alerts.p95).toMatchObject({ state: 'firing' })
    expect(alerts.p95!.value! / 3000).toBeCloseTo(1, 1)
    expect(alerts.fastp95).toMatchObject({ state: 'ok' })
    expect(alerts.vol).toMatchObject({ state: 'firing', value: 40 })
    expect(alerts.score).toMatchObject({ state: 'firing', value: 0.4 })
    expect(alerts.cost).toMatchObject({ state: 'ok', value: 0 })
    expect(events.map((e) => e.alert.id).sort()).toEqual(['p95', 'score', 'vol'])
  })

  it('keeps a disabled alert quiet, and a deleted firing alert resolves its banner', async () => {
    db.insertSpans(spans(3, { status: 'error' }))
    const quiet = await save({ name: 'off', metric: 'errorRate', comparator: '>', threshold: 0.1, enabled: false })
    expect(quiet.alert.state).toBe('disabled')
    const loud = await save({ name: 'on', metric: 'errorRate', comparator: '>', threshold: 0.1 })
    expect(loud.alert.state).toBe('firing')
    expect(await service.handlers['monitor.deleteAlert']({ id: loud.alert.id })).toEqual({ deleted: true })
    expect(events.map((e) => [e.alert.name, e.state])).toEqual([['on', 'firing'], ['on', 'resolved']])
    expect(await service.handlers['monitor.deleteAlert']({ id: 'nope' })).toEqual({ deleted: false })
  })

  it('checks soon after spans arrive, at most every ALERT_SOON_MS', async () => {
    vi.useFakeTimers()
    await save({ name: 'any errors', metric: 'errorRate', comparator: '>', threshold: 0 })
    db.insertSpans(spans(2, { status: 'error' }))
    service.spansArrived(dir)
    service.spansArrived(dir)
    expect(events).toEqual([])
    vi.advanceTimersByTime(ALERT_SOON_MS)
    expect(events.map((e) => e.state)).toEqual(['firing'])
  })

  it('refuses a rate outside 0..1 and a score alert without its score, naming the field', () => {
    expect(() => parseRequest('monitor.saveAlert', { name: 'x', metric: 'errorRate', comparator: '>', threshold: 5 })).toThrow(/threshold/)
    expect(() => parseRequest('monitor.saveAlert', { name: 'x', metric: 'scoreMean', comparator: '<', threshold: 0.5 })).toThrow(/scoreName/)
  })
})
