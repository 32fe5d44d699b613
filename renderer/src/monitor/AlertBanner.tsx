/**
 * "Alert firing": a banner above every section while any alert of the open
 * project fires (web mode's notification; the desktop raises a native one
 * too), with a link to the dashboard. It keeps the alerts' state in step with
 * `monitor.alert` events.
 */
import { useEffect } from 'react'
import { ALERT_METRIC_LABELS, formatAlertValue } from '../../../common/schemas/monitor'
import { useClient } from '../api/ClientContext'
import { useAppStore } from '../app/useAppStore'
import { useProjectStore } from '../project/useProjectStore'
import { alertChanged, loadAlerts, resetMonitor, useMonitorStore } from './useMonitorStore'
import '../styles/monitor.css'

/** The banner; renders nothing while no alert fires. */
export function AlertBanner() {
  const client = useClient()
  const projectDir = useProjectStore((s) => (s.project?.status === 'ready' ? s.project.dir : null))
  const alerts = useMonitorStore((s) => s.alerts)
  const goTo = useAppStore((s) => s.goTo)

  useEffect(() => {
    resetMonitor()
    if (!projectDir) return
    void loadAlerts(client)
    return client.on('monitor.alert', (event) => {
      if (event.dir === projectDir) alertChanged(event.alert)
    })
  }, [client, projectDir])

  const firing = alerts.filter((a) => a.state === 'firing')
  if (firing.length === 0) return null
  return (
    <div className="alert-banner" role="alert" data-testid="alert-banner">
      <span className="alert-banner-icon" aria-hidden="true">
        !
      </span>
      <div className="alert-banner-text">
        <strong>{firing.length === 1 ? 'Alert firing' : `${firing.length} alerts firing`}</strong>
        {firing.slice(0, 3).map((a) => (
          <span key={a.id} className="alert-banner-item">
            {a.name}: {ALERT_METRIC_LABELS[a.metric]}
            {a.op ? ` of ${a.op}` : ''} is {formatAlertValue(a.metric, a.value)} over the last {a.windowMinutes} min (threshold {a.comparator} {formatAlertValue(a.metric, a.threshold)})
          </span>
        ))}
      </div>
      <a className="btn btn-small" href="#/monitor" onClick={() => goTo('monitor')}>
        Open dashboard
      </a>
    </div>
  )
}
