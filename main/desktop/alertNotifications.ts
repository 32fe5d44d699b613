/**
 * Desktop notifications for alerts: a `monitor.alert` event that starts
 * firing becomes a native notification (resolving needs no interruption: the
 * banner in the window goes away). The Electron entry passes how to show one,
 * so this stays free of 'electron' and is tested with a recorder.
 */
import type { EventOf } from '../../common/contract'
import type { WorkbenchClient } from '../../common/client'
import { ALERT_METRIC_LABELS, formatAlertValue } from '../../common/schemas/monitor'

/** A notification's text. */
export interface AlertNotice {
  title: string
  body: string
}

/** What the notification of a firing alert says. */
export function alertNotice(event: EventOf<'monitor.alert'>): AlertNotice {
  const a = event.alert
  const scope = [a.op && `op ${a.op}`, a.model !== null && `model ${a.model || 'none'}`, a.scoreName].filter(Boolean).join(', ')
  return {
    title: `Weft alert: ${a.name}`,
    body: `${ALERT_METRIC_LABELS[a.metric]}${scope ? ` (${scope})` : ''} is ${formatAlertValue(a.metric, a.value)} over the last ${a.windowMinutes} min (threshold ${a.comparator} ${formatAlertValue(a.metric, a.threshold)}).`,
  }
}

/** Shows a notification for every alert that starts firing; `onClick` opens the dashboard. Returns the unsubscribe. */
export function notifyAlerts(workbench: Pick<WorkbenchClient, 'on'>, show: (notice: AlertNotice, onClick: () => void) => void, open: () => void): () => void {
  return workbench.on('monitor.alert', (event) => {
    if (event.state === 'firing') show(alertNotice(event), open)
  })
}
