/**
 * The Monitor section's state: the dashboard's range, grouping and filters,
 * its last `monitor.query` answer, the pickers' ops and models, and the alert
 * thresholds with their state (the banner reads the firing ones).
 */
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import type { RequestOf, ResponseOf } from '../../../common/contract'
import type { Alert } from '../../../common/schemas/monitor'
import { errorMessage } from '../api/errors'

/** The quick ranges, and a custom one. */
export const MONITOR_RANGES = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 24 * 3_600_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 24 * 3_600_000 },
] as const

/** A quick range or `custom`. */
export type RangeId = (typeof MONITOR_RANGES)[number]['id'] | 'custom'

/** What the dashboard shows. */
export interface DashboardView {
  range: RangeId
  /** The custom range (ms), used when range is `custom`. */
  customFromMs: number | null
  customToMs: number | null
  groupBy: 'none' | 'op' | 'model'
  op: string
  /** '' = every model; NO_MODEL = spans without one. */
  model: string
  kind: string
}

/** The model filter value meaning "spans that name no model". */
export const NO_MODEL = '\u0000none'

interface MonitorState {
  view: DashboardView
  result: ResponseOf<'monitor.query'> | null
  ops: ResponseOf<'monitor.ops'> | null
  loading: boolean
  error: string | null
  alerts: Alert[]
  alertsError: string | null
}

const INITIAL_VIEW: DashboardView = { range: '24h', customFromMs: null, customToMs: null, groupBy: 'op', op: '', model: '', kind: '' }

/** The store. */
export const useMonitorStore = create<MonitorState>(() => ({ view: INITIAL_VIEW, result: null, ops: null, loading: false, error: null, alerts: [], alertsError: null }))

/** The `monitor.query` request for a view at `now`. */
export function queryFor(view: DashboardView, now: number): RequestOf<'monitor.query'> {
  const quick = MONITOR_RANGES.find((r) => r.id === view.range)
  const toMs = view.range === 'custom' && view.customToMs !== null ? view.customToMs : now
  const fromMs = view.range === 'custom' && view.customFromMs !== null ? view.customFromMs : toMs - (quick?.ms ?? MONITOR_RANGES[1].ms)
  return {
    fromMs: Math.max(0, fromMs), toMs: Math.max(fromMs + 60_000, toMs), groupBy: view.groupBy,
    ...(view.op ? { op: view.op } : {}),
    ...(view.model ? { model: view.model === NO_MODEL ? '' : view.model } : {}),
    ...(view.kind ? { kind: view.kind as never } : {}),
  }
}

let seq = 0

/** (Re)loads the dashboard for the current view (and the pickers). */
export async function loadDashboard(client: WorkbenchClient, now = Date.now()): Promise<void> {
  const mine = ++seq
  const request = queryFor(useMonitorStore.getState().view, now)
  useMonitorStore.setState({ loading: true })
  try {
    const [result, ops] = await Promise.all([client.call('monitor.query', request), client.call('monitor.ops', {})])
    if (mine === seq) useMonitorStore.setState({ result, ops, loading: false, error: null })
  } catch (error) {
    if (mine === seq) useMonitorStore.setState({ loading: false, error: errorMessage(error) })
  }
}

/** Changes the view and reloads. */
export function setView(client: WorkbenchClient, patch: Partial<DashboardView>): void {
  useMonitorStore.setState((s) => ({ view: { ...s.view, ...patch } }))
  void loadDashboard(client)
}

/** Loads the alerts with their state. */
export async function loadAlerts(client: WorkbenchClient): Promise<void> {
  try {
    const { alerts } = await client.call('monitor.alerts', {})
    useMonitorStore.setState({ alerts, alertsError: null })
  } catch (error) {
    useMonitorStore.setState({ alertsError: errorMessage(error) })
  }
}

/** Saves an alert; throws with the server's message (the form shows it). */
export async function saveAlert(client: WorkbenchClient, request: RequestOf<'monitor.saveAlert'>): Promise<Alert> {
  const { alert } = await client.call('monitor.saveAlert', request)
  await loadAlerts(client)
  return alert
}

/** Deletes an alert. */
export async function deleteAlert(client: WorkbenchClient, id: string): Promise<void> {
  await client.call('monitor.deleteAlert', { id })
  await loadAlerts(client)
}

/** An alert event arrived: its new state replaces the one held (a resolved alert not held was deleted). */
export function alertChanged(alert: Alert): void {
  useMonitorStore.setState((s) => {
    if (s.alerts.some((a) => a.id === alert.id)) return { alerts: s.alerts.map((a) => (a.id === alert.id ? alert : a)) }
    return alert.state === 'firing' ? { alerts: [...s.alerts, alert] } : {}
  })
}

/** Forgets everything (another project opened). */
export function resetMonitor(): void {
  seq++
  useMonitorStore.setState({ result: null, ops: null, loading: false, error: null, alerts: [], alertsError: null })
}
