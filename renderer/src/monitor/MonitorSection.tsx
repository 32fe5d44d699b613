/**
 * The Monitor section: tabs over one project's monitoring — the dashboard and
 * the alerts. Tabs are a list so another view (online-evaluation rules) joins
 * by adding an entry to {@link MONITOR_TABS}.
 */
import { useEffect, useState, type ComponentType } from 'react'
import { useClient } from '../api/ClientContext'
import { useProjectStore } from '../project/useProjectStore'
import { RulesPanel } from '../online/RulesPanel'
import { AlertsPanel } from './AlertsPanel'
import { Dashboard } from './Dashboard'
import { loadAlerts, loadDashboard, useMonitorStore } from './useMonitorStore'
import '../styles/monitor.css'

/** One tab of the section. */
export interface MonitorTab {
  id: string
  label: string
  /** A badge after the label (the number of firing alerts). */
  badge?: () => number
  Component: ComponentType
}

/** The section's tabs, in order. */
export const MONITOR_TABS: MonitorTab[] = [
  { id: 'dashboard', label: 'Dashboard', Component: Dashboard },
  { id: 'alerts', label: 'Alerts', badge: () => useMonitorStore.getState().alerts.filter((a) => a.state === 'firing').length, Component: AlertsPanel },
  // Online evaluation: rules that score production spans as they arrive.
  { id: 'rules', label: 'Rules', Component: RulesPanel },
]

/** The tab a hash like `#/monitor/alerts` names (the first tab otherwise). */
export function tabFromHash(hash: string): string {
  const id = hash.replace(/^#\/?/, '').split('/')[1] ?? ''
  return MONITOR_TABS.some((t) => t.id === id) ? id : MONITOR_TABS[0]!.id
}

/** Reload the dashboard at most this often while spans stream in. */
const REFRESH_MS = 2000

/** The section. */
export function MonitorSection() {
  const client = useClient()
  const dir = useProjectStore((s) => s.project?.dir)
  const [tab, setTab] = useState(() => tabFromHash(window.location.hash))
  // Re-render the badge when alerts change.
  useMonitorStore((s) => s.alerts)

  useEffect(() => {
    const onHash = () => setTab(tabFromHash(window.location.hash))
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])

  useEffect(() => {
    if (!dir) return
    void loadDashboard(client)
    void loadAlerts(client)
    let timer: ReturnType<typeof setTimeout> | null = null
    const later = () => {
      timer ??= setTimeout(() => {
        timer = null
        void loadDashboard(client)
        void loadAlerts(client)
      }, REFRESH_MS)
    }
    // Throttled: however fast spans (or online scores) arrive, one reload every 2 s.
    const stops = [
      client.on('traces.added', (event) => event.dir === dir && later()),
      client.on('feedback.changed', later),
    ]
    return () => {
      stops.forEach((stop) => stop())
      if (timer) clearTimeout(timer)
    }
  }, [client, dir])

  const show = (id: string) => {
    setTab(id)
    window.history.replaceState(null, '', `#/monitor/${id}`)
  }
  const current = MONITOR_TABS.find((t) => t.id === tab) ?? MONITOR_TABS[0]!
  return (
    <section className="section-page" aria-labelledby="section-title">
      <header className="section-header monitor-header">
        <h1 id="section-title">Monitor</h1>
        <nav className="monitor-tabs" role="tablist" aria-label="Monitor views">
          {MONITOR_TABS.map((t) => {
            const badge = t.badge?.() ?? 0
            return (
              <button key={t.id} type="button" role="tab" aria-selected={t.id === current.id} className={`monitor-tab${t.id === current.id ? ' active' : ''}`} onClick={() => show(t.id)}>
                {t.label}
                {badge > 0 && <span className="monitor-tab-badge">{badge}</span>}
              </button>
            )
          })}
        </nav>
      </header>
      <div className="section-body section-body-padded monitor-body" role="tabpanel" aria-label={current.label}>
        <current.Component />
      </div>
    </section>
  )
}
