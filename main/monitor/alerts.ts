/**
 * Alert thresholds on the monitoring metrics, stored in the trace database
 * (`monitor_alerts`), and their evaluation: each alert's metric over its last
 * window, compared with its threshold; a change of state (ok → firing,
 * firing → ok) is reported once, so a notification is raised once.
 */
import crypto from 'node:crypto'
import type Database from 'better-sqlite3'
import type { z } from 'zod'
import type { Alert, AlertInputSchema } from '../../common/schemas/monitor'
import { queryMetrics, queryScores } from './query'

type AlertInput = z.output<typeof AlertInputSchema>

interface AlertRow {
  id: string
  name: string
  metric: Alert['metric']
  score_name: string | null
  op: string | null
  model: string | null
  comparator: Alert['comparator']
  threshold: number
  window_minutes: number
  enabled: number
  state: Alert['state']
  last_value: number | null
  changed_ms: number | null
  created_ms: number
}

/** A state change found by {@link evaluateAlerts}. */
export interface AlertTransition {
  alert: Alert
  state: 'firing' | 'resolved'
}

const toAlert = (r: AlertRow): Alert => ({
  id: r.id, name: r.name, metric: r.metric, scoreName: r.score_name, op: r.op, model: r.model, comparator: r.comparator,
  threshold: r.threshold, windowMinutes: r.window_minutes, enabled: r.enabled === 1, state: r.state, value: r.last_value, changedMs: r.changed_ms,
})

/** Every alert, oldest first. */
export function listAlerts(db: Database.Database): Alert[] {
  return db.prepare<[], AlertRow>('SELECT * FROM monitor_alerts ORDER BY created_ms, id').all().map(toAlert)
}

/** One alert, or undefined. */
export function getAlert(db: Database.Database, id: string): Alert | undefined {
  const row = db.prepare<[string], AlertRow>('SELECT * FROM monitor_alerts WHERE id = ?').get(id)
  return row && toAlert(row)
}

/** Creates or replaces an alert; a changed definition starts again from "ok" (its next check decides). */
export function saveAlert(db: Database.Database, input: AlertInput, now: number): Alert {
  const id = input.id ?? crypto.randomBytes(6).toString('hex')
  const existing = db.prepare<[string], AlertRow>('SELECT * FROM monitor_alerts WHERE id = ?').get(id)
  db.prepare(`INSERT OR REPLACE INTO monitor_alerts (id, name, metric, score_name, op, model, comparator, threshold, window_minutes, enabled, state, last_value, changed_ms, created_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`).run(
    id, input.name, input.metric, input.scoreName ?? null, input.op ?? null, input.model ?? null, input.comparator, input.threshold,
    input.windowMinutes, input.enabled ? 1 : 0, input.enabled ? (existing?.state === 'firing' ? 'firing' : 'ok') : 'disabled',
    existing?.changed_ms ?? null, existing?.created_ms ?? now,
  )
  return getAlert(db, id)!
}

/** Deletes an alert; false when there was none. */
export function deleteAlert(db: Database.Database, id: string): boolean {
  return db.prepare('DELETE FROM monitor_alerts WHERE id = ?').run(id).changes > 0
}

/** An alert's metric over [now - window, now), or null when there is nothing to measure. */
export function alertValue(db: Database.Database, alert: Alert, now: number): number | null {
  const fromMs = now - alert.windowMinutes * 60_000
  if (alert.metric === 'scoreMean' || alert.metric === 'scorePassRate') {
    const bucketMs = now - fromMs
    const score = queryScores(db, fromMs, now, fromMs, bucketMs, 1).find((s) => s.name === alert.scoreName)
    return (alert.metric === 'scoreMean' ? score?.totals.mean : score?.totals.passRate) ?? null
  }
  const { total } = queryMetrics(db, {
    fromMs, toMs: now, bucketMs: undefined, groupBy: 'none', top: 1,
    ...(alert.op !== null ? { op: alert.op } : {}), ...(alert.model !== null ? { model: alert.model } : {}),
  })
  switch (alert.metric) {
    case 'volume':
      return total.count
    case 'costPerHour':
      return total.costUsd / (alert.windowMinutes / 60)
    case 'errorRate':
      return total.errorRate
    default:
      return total[alert.metric]
  }
}

const crosses = (value: number, comparator: Alert['comparator'], threshold: number) =>
  comparator === '>' ? value > threshold : comparator === '>=' ? value >= threshold : comparator === '<' ? value < threshold : value <= threshold

/** Checks every enabled alert at `now`, stores values and states, and returns the ones whose state changed. */
export function evaluateAlerts(db: Database.Database, now: number): AlertTransition[] {
  const transitions: AlertTransition[] = []
  const update = db.prepare('UPDATE monitor_alerts SET state = ?, last_value = ?, changed_ms = ? WHERE id = ?')
  for (const alert of listAlerts(db)) {
    if (!alert.enabled) continue
    const value = alertValue(db, alert, now)
    const state = value !== null && crosses(value, alert.comparator, alert.threshold) ? 'firing' : 'ok'
    const changed = state !== alert.state
    update.run(state, value, changed ? now : alert.changedMs, alert.id)
    if (changed) transitions.push({ alert: { ...alert, state, value, changedMs: now }, state: state === 'firing' ? 'firing' : 'resolved' })
  }
  return transitions
}
