/**
 * The monitoring operations (issue 10) for the open project: dashboard
 * queries over the metric rollups, and alert thresholds, checked every 30 s
 * and soon after spans arrive; a crossing goes out as a `monitor.alert` event.
 */
import path from 'node:path'
import type { EventOf } from '../common/contract'
import type { Handlers } from '../common/dispatch'
import { deleteAlert, evaluateAlerts, getAlert, listAlerts, saveAlert } from './monitor/alerts'
import { listMonitorOps, queryMetrics } from './monitor/query'
import type { TraceDb } from './traces/db'

type MonitorOperation = 'monitor.query' | 'monitor.ops' | 'monitor.alerts' | 'monitor.saveAlert' | 'monitor.deleteAlert'

/** How often alerts are checked with no spans arriving. */
export const ALERT_CHECK_MS = 30_000
/** The least time between two checks that arriving spans trigger. */
export const ALERT_SOON_MS = 2_000

/** What the monitoring handlers need from the workbench. */
export interface MonitorHandlerContext {
  /** The open project's folder (throws when none is open). */
  projectDir(): string
  /** A project's trace database. */
  traces(dir: string): TraceDb
  /** Pushes `monitor.alert`. */
  alert(event: EventOf<'monitor.alert'>): void
  /** The clock (tests fix it). */
  now?: () => number
}

/** The handlers, plus the alert scheduler the workbench drives. */
export interface MonitorService {
  handlers: Pick<Handlers, MonitorOperation>
  /** Checks a project's alerts now; returns how many changed state. */
  checkAlerts(dir: string): number
  /** Spans arrived in a project: check its alerts soon (at most every {@link ALERT_SOON_MS}). */
  spansArrived(dir: string): void
  /** Starts the periodic check of the open project's alerts. */
  start(openDir: () => string | null): void
  /** Stops every timer. */
  stop(): void
}

/** Builds the monitoring handlers and the alert scheduler. */
export function createMonitorService(ctx: MonitorHandlerContext): MonitorService {
  const now = ctx.now ?? Date.now
  const db = () => ctx.traces(ctx.projectDir()).sqlite
  const soon = new Map<string, NodeJS.Timeout>()
  const lastCheck = new Map<string, number>()
  let interval: NodeJS.Timeout | null = null

  const checkAlerts = (dir: string): number => {
    const key = path.resolve(dir)
    lastCheck.set(key, now())
    const transitions = evaluateAlerts(ctx.traces(key).sqlite, now())
    for (const t of transitions) ctx.alert({ dir: key, alert: t.alert, state: t.state })
    return transitions.length
  }
  const safeCheck = (dir: string) => {
    try {
      checkAlerts(dir)
    } catch (error) {
      console.error(`weft: checking alerts of ${dir} failed:`, (error as Error).message)
    }
  }

  return {
    checkAlerts,
    spansArrived(dir) {
      const key = path.resolve(dir)
      if (soon.has(key)) return
      const wait = Math.max(0, (lastCheck.get(key) ?? 0) + ALERT_SOON_MS - now())
      const timer = setTimeout(() => {
        soon.delete(key)
        safeCheck(key)
      }, wait)
      timer.unref?.()
      soon.set(key, timer)
    },
    start(openDir) {
      interval ??= setInterval(() => {
        const dir = openDir()
        if (dir) safeCheck(dir)
      }, ALERT_CHECK_MS)
      interval.unref?.()
    },
    stop() {
      if (interval) clearInterval(interval)
      interval = null
      for (const timer of soon.values()) clearTimeout(timer)
      soon.clear()
    },
    handlers: {
      'monitor.query': async (query) => queryMetrics(db(), query),
      'monitor.ops': async ({ fromMs }) => listMonitorOps(db(), fromMs),
      'monitor.alerts': async () => ({ alerts: listAlerts(db()) }),
      'monitor.saveAlert': async (input) => {
        const saved = saveAlert(db(), input, now())
        // Checked at once, so the answer (and any banner) shows where it stands.
        checkAlerts(ctx.projectDir())
        return { alert: getAlert(db(), saved.id)! }
      },
      'monitor.deleteAlert': async ({ id }) => {
        const alert = getAlert(db(), id)
        const deleted = deleteAlert(db(), id)
        // A banner for a deleted alert must go too.
        if (alert?.state === 'firing') ctx.alert({ dir: path.resolve(ctx.projectDir()), alert: { ...alert, state: 'ok', changedMs: now() }, state: 'resolved' })
        return { deleted }
      },
    },
  }
}
