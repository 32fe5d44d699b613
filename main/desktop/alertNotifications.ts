/**
 * Desktop notifications for alerts: a `monitor.alert` event that starts
 * firing becomes a native notification (resolving needs no interruption: the
 * banner in the window goes away). The Electron entry passes how to show one,
 * so this stays free of 'electron' and is tested with a recorder.
 */
import type { EventOf } from '../../common/contract'
import type { WorkbenchClient } from '../../common/client'

/** A notification's text. */
export interface AlertNotice {
  title: string
  body: string
}

const METRIC_LABELS: Record<EventOf<'monitor.alert'>['alert']['metric'], string> = {
  errorRate: 'error rate', p50Ms: 'p50 latency', p95Ms: 'p95 latency', p99Ms: 'p99 latency', volume: 'volume',
  costPerHour: 'cost per hour', scoreMean: 'mean score', scorePassRate: 'pass rate',
}

/** A metric value as people read it: 12.5%, 830 ms, $1.20/h, 42 spans. */
export function formatAlertValue(metric: EventOf<'monitor.alert'>['alert']['metric'], value: number | null): string {
  if (value === null) return 'no data'
  if (metric === 'errorRate' || metric === 'scorePassRate') return `${(value * 100).toFixed(1)}%`
  if (metric.endsWith('Ms')) return `${Math.round(value)} ms`
  if (metric === 'costPerHour') return `$${value.toFixed(2)}/h`
  if (metric === 'volume') return `${value} spans`
  return value.toFixed(2)
}

/** What the notification of a firing alert says. */
export function alertNotice(event: EventOf<'monitor.alert'>): AlertNotice {
  const a = event.alert
  const scope = [a.op && `op ${a.op}`, a.model !== null && `model ${a.model || 'none'}`, a.scoreName].filter(Boolean).join(', ')
  return {
    title: `Weft alert: ${a.name}`,
    body: `${METRIC_LABELS[a.metric]}${scope ? ` (${scope})` : ''} is ${formatAlertValue(a.metric, a.value)} over the last ${a.windowMinutes} min (threshold ${a.comparator} ${formatAlertValue(a.metric, a.threshold)}).`,
  }
}

/** Shows a notification for every alert that starts firing; `onClick` opens the dashboard. Returns the unsubscribe. */
export function notifyAlerts(workbench: Pick<WorkbenchClient, 'on'>, show: (notice: AlertNotice, onClick: () => void) => void, open: () => void): () => void {
  return workbench.on('monitor.alert', (event) => {
    if (event.state === 'firing') show(alertNotice(event), open)
  })
}
