/**
 * The alerts tab: thresholds on error rate, latency, volume, cost per hour or
 * an online score, optionally for one op or model, each with its state and
 * last value; a form adds or edits one.
 */
import { useState, type FormEvent } from 'react'
import { ALERT_METRIC_LABELS, ALERT_METRICS, formatAlertValue, type Alert } from '../../../common/schemas/monitor'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { ModelSelect, OpSelect } from './pickers'
import { deleteAlert, NO_MODEL, saveAlert, useMonitorStore } from './useMonitorStore'

type Metric = Alert['metric']
const isRate = (m: Metric) => m === 'errorRate' || m === 'scorePassRate'
const UNITS: Record<Metric, string> = { errorRate: '%', scorePassRate: '%', p50Ms: 'ms', p95Ms: 'ms', p99Ms: 'ms', volume: 'spans', costPerHour: 'USD / h', scoreMean: 'score' }

interface Draft {
  id?: string
  name: string
  metric: Metric
  scoreName: string
  op: string
  model: string
  comparator: Alert['comparator']
  threshold: string
  windowMinutes: string
  enabled: boolean
}

const EMPTY: Draft = { name: '', metric: 'errorRate', scoreName: '', op: '', model: '', comparator: '>', threshold: '5', windowMinutes: '5', enabled: true }

const draftOf = (a: Alert): Draft => ({
  id: a.id, name: a.name, metric: a.metric, scoreName: a.scoreName ?? '', op: a.op ?? '', model: a.model === null ? '' : a.model === '' ? NO_MODEL : a.model,
  comparator: a.comparator, threshold: String(isRate(a.metric) ? Math.round(a.threshold * 10_000) / 100 : a.threshold), windowMinutes: String(a.windowMinutes), enabled: a.enabled,
})

/** The alerts tab. */
export function AlertsPanel() {
  const client = useClient()
  const alerts = useMonitorStore((s) => s.alerts)
  const ops = useMonitorStore((s) => s.ops)
  const loadError = useMonitorStore((s) => s.alertsError)
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }))

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const threshold = Number(draft.threshold)
      await saveAlert(client, {
        ...(draft.id ? { id: draft.id } : {}),
        name: draft.name.trim() || `${ALERT_METRIC_LABELS[draft.metric]} ${draft.comparator} ${draft.threshold}${UNITS[draft.metric] === '%' ? '%' : ''}`,
        metric: draft.metric,
        ...(draft.metric.startsWith('score') ? { scoreName: draft.scoreName } : {}),
        ...(draft.op ? { op: draft.op } : {}),
        ...(draft.model ? { model: draft.model === NO_MODEL ? '' : draft.model } : {}),
        comparator: draft.comparator,
        threshold: isRate(draft.metric) ? threshold / 100 : threshold,
        windowMinutes: Number(draft.windowMinutes),
        enabled: draft.enabled,
      })
      setDraft(EMPTY)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="monitor-alerts">
      <form className="alert-form" onSubmit={(e) => void submit(e)} aria-label={draft.id ? 'Edit alert' : 'New alert'}>
        <h2>{draft.id ? `Edit “${draft.name}”` : 'New alert'}</h2>
        <div className="alert-form-grid">
          <label>
            Name
            <input value={draft.name} onChange={(e) => set({ name: e.target.value })} placeholder="Errors over 5%" />
          </label>
          <label>
            Metric
            <select aria-label="Metric" value={draft.metric} onChange={(e) => set({ metric: e.target.value as Metric })}>
              {ALERT_METRICS.map((m) => (
                <option key={m} value={m}>
                  {ALERT_METRIC_LABELS[m]}
                </option>
              ))}
            </select>
          </label>
          {draft.metric.startsWith('score') && (
            <label>
              Online score
              <input aria-label="Online score" list="monitor-score-names" value={draft.scoreName} onChange={(e) => set({ scoreName: e.target.value })} placeholder="rule/scorer" />
              <datalist id="monitor-score-names">
                {ops?.scores.map((s) => <option key={s} value={s} />)}
              </datalist>
            </label>
          )}
          <label>
            Op
            <OpSelect label="Alert op" anyLabel="any op" value={draft.op} ops={ops} onChange={(op) => set({ op })} />
          </label>
          <label>
            Model
            <ModelSelect label="Alert model" anyLabel="any model" value={draft.model} ops={ops} onChange={(model) => set({ model })} />
          </label>
          <label>
            When
            <select aria-label="Comparator" value={draft.comparator} onChange={(e) => set({ comparator: e.target.value as Alert['comparator'] })}>
              {(['>', '>=', '<', '<='] as const).map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label>
            Threshold ({UNITS[draft.metric]})
            <input aria-label="Threshold" type="number" step="any" required value={draft.threshold} onChange={(e) => set({ threshold: e.target.value })} />
          </label>
          <label>
            Window (minutes)
            <input aria-label="Window (minutes)" type="number" min={1} max={1440} required value={draft.windowMinutes} onChange={(e) => set({ windowMinutes: e.target.value })} />
          </label>
          <label className="alert-enabled">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
            Enabled
          </label>
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="alert-form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {draft.id ? 'Save alert' : 'Add alert'}
          </button>
          {draft.id && (
            <button type="button" className="btn" onClick={() => setDraft(EMPTY)}>
              Cancel
            </button>
          )}
          <span className="muted">Checked every 30 s and soon after new spans; a crossing raises a desktop notification and a banner.</span>
        </div>
      </form>
      {loadError && (
        <p className="error-text" role="alert">
          {loadError}
        </p>
      )}
      {alerts.length === 0 ? (
        <p className="monitor-note">No alerts yet. Add one above: for example the error rate of an op over 5% in the last 5 minutes.</p>
      ) : (
        <table className="monitor-table alert-table" data-testid="alert-table" aria-label="Alerts">
          <thead>
            <tr>
              <th scope="col">state</th>
              <th scope="col">name</th>
              <th scope="col">condition</th>
              <th scope="col">scope</th>
              <th scope="col">last value</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id} data-testid={`alert-${a.id}`} className={a.state === 'firing' ? 'alert-row-firing' : undefined}>
                <td>
                  <span className={`alert-state alert-state-${a.state}`}>{a.state}</span>
                </td>
                <th scope="row">{a.name}</th>
                <td>
                  {ALERT_METRIC_LABELS[a.metric]} {a.comparator} {formatAlertValue(a.metric, a.threshold)} over {a.windowMinutes} min
                </td>
                <td>{[a.op && `op ${a.op}`, a.model !== null && `model ${a.model || 'none'}`, a.scoreName].filter(Boolean).join(', ') || 'all spans'}</td>
                <td>{formatAlertValue(a.metric, a.value)}</td>
                <td>
                  <div className="alert-actions">
                  <button type="button" className="btn btn-small" onClick={() => setDraft(draftOf(a))}>
                    Edit
                  </button>
                  <button type="button" className="btn btn-small" aria-label={`Delete alert ${a.name}`} onClick={() => void deleteAlert(client, a.id).catch((e) => setError(errorMessage(e)))}>
                    Delete
                  </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
