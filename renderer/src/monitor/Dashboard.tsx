/**
 * The dashboard tab: range, grouping and filters; the totals; the charts
 * (lazy, with uPlot); and a table per op or model with the same numbers. A
 * row's name filters the dashboard to it.
 */
import { lazy, Suspense, useState } from 'react'
import type { ResponseOf } from '../../../common/contract'
import { SPAN_KINDS } from '../../../common/schemas/span'
import { useClient } from '../api/ClientContext'
import { EmptyState } from '../ui/EmptyState'
import { formatChartValue } from './chartSeries'
import { ModelSelect, OpSelect } from './pickers'
import { MONITOR_RANGES, NO_MODEL, setView, useMonitorStore, type DashboardView, type RangeId } from './useMonitorStore'

const MonitorCharts = lazy(() => import('./MonitorCharts'))

type Totals = ResponseOf<'monitor.query'>['total']

/** `datetime-local` text for a time (local clock). */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

/** The dashboard. */
export function Dashboard() {
  const client = useClient()
  const { view, result, ops, loading, error } = useMonitorStore()
  const change = (patch: Partial<DashboardView>) => setView(client, patch)
  const empty = result !== null && result.groups.length === 0 && (ops?.ops.length ?? 0) === 0 && result.scores.length === 0
  return (
    <div className="monitor-dashboard">
      <Controls view={view} ops={ops} onChange={change} loading={loading} />
      {error && (
        <p className="error-text monitor-error" role="alert">
          {error}
        </p>
      )}
      {empty && (
        <EmptyState title="No spans to monitor yet">
          <p>
            Volume, errors, latency, tokens, cost and online scores appear here as traces arrive. Send spans from your app with the Weft SDK,
            OpenTelemetry or W&amp;B Weave: <a href="#/traces">Traces → Connect an app</a> shows the endpoint and token.
          </p>
        </EmptyState>
      )}
      {result && !empty && (
        <>
          <TotalsBar totals={result.total} bucketMs={result.bucketMs} />
          {result.groups.length === 0 && result.scores.length === 0 ? (
            <p className="monitor-note" data-testid="monitor-no-data">
              No finished spans in this range{view.op || view.model || view.kind ? ' with these filters' : ''}.
            </p>
          ) : (
            <Suspense fallback={<div className="monitor-charts-loading" aria-busy="true" />}>
              <MonitorCharts result={result} />
            </Suspense>
          )}
          {result.groups.length > 0 && <MetricsTable result={result} onPick={(key) => change(result.groupBy === 'op' ? { op: key, groupBy: 'model' } : { model: key === '' ? NO_MODEL : key, groupBy: 'op' })} />}
        </>
      )}
    </div>
  )
}

function Controls({ view, ops, onChange, loading }: { view: DashboardView; ops: ResponseOf<'monitor.ops'> | null; onChange: (p: Partial<DashboardView>) => void; loading: boolean }) {
  // The inputs start at the custom range in use, else the last 24 hours; the view changes only from them.
  const [from, setFrom] = useState(() => toLocalInput(view.customFromMs ?? Date.now() - 24 * 3_600_000))
  const [to, setTo] = useState(() => toLocalInput(view.customToMs ?? Date.now()))
  const applyCustom = () => {
    const fromMs = new Date(from).getTime()
    const toMs = new Date(to).getTime()
    if (Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs) onChange({ range: 'custom', customFromMs: fromMs, customToMs: toMs })
  }
  return (
    <div className="monitor-controls" role="toolbar" aria-label="Dashboard range and filters">
      <div className="segmented" role="radiogroup" aria-label="Time range">
        {[...MONITOR_RANGES.map((r) => ({ id: r.id as RangeId, label: r.id })), { id: 'custom' as RangeId, label: 'custom' }].map((r) => (
          <button key={r.id} type="button" role="radio" aria-checked={view.range === r.id} className={`segment${view.range === r.id ? ' active' : ''}`} onClick={() => (r.id === 'custom' ? applyCustom() : onChange({ range: r.id }))}>
            {r.label}
          </button>
        ))}
      </div>
      {view.range === 'custom' && (
        <span className="monitor-custom">
          <input type="datetime-local" aria-label="From" value={from} onChange={(e) => setFrom(e.target.value)} onBlur={applyCustom} />
          <span aria-hidden="true">→</span>
          <input type="datetime-local" aria-label="To" value={to} onChange={(e) => setTo(e.target.value)} onBlur={applyCustom} />
        </span>
      )}
      <label className="monitor-field">
        Group by
        <select aria-label="Group by" value={view.groupBy} onChange={(e) => onChange({ groupBy: e.target.value as DashboardView['groupBy'] })}>
          <option value="op">op</option>
          <option value="model">model</option>
          <option value="none">nothing</option>
        </select>
      </label>
      <label className="monitor-field">
        Op
        <OpSelect label="Op" anyLabel="all ops" value={view.op} ops={ops} onChange={(op) => onChange({ op })} />
      </label>
      <label className="monitor-field">
        Model
        <ModelSelect label="Model" anyLabel="all models" value={view.model} ops={ops} onChange={(model) => onChange({ model })} />
      </label>
      <label className="monitor-field">
        Kind
        <select aria-label="Kind" value={view.kind} onChange={(e) => onChange({ kind: e.target.value })}>
          <option value="">all kinds</option>
          {SPAN_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      {(view.op || view.model || view.kind) && (
        <button type="button" className="btn btn-small" onClick={() => onChange({ op: '', model: '', kind: '' })}>
          Clear filters
        </button>
      )}
      <span className="spacer" />
      <span className="monitor-loading" aria-live="polite">
        {loading ? 'Updating…' : ''}
      </span>
    </div>
  )
}

function TotalsBar({ totals, bucketMs }: { totals: Totals; bucketMs: number }) {
  const bucket = bucketMs >= 86_400_000 ? `${bucketMs / 86_400_000} d` : bucketMs >= 3_600_000 ? `${bucketMs / 3_600_000} h` : `${bucketMs / 60_000} min`
  const tiles: Array<[string, string, string]> = [
    ['spans', formatChartValue('count', totals.count), 'monitor-total-count'],
    ['errors', `${formatChartValue('count', totals.errors)} (${totals.errorRate === null ? '—' : formatChartValue('percent', totals.errorRate * 100)})`, 'monitor-total-errors'],
    ['p50', formatChartValue('ms', totals.p50Ms), 'monitor-total-p50'],
    ['p95', formatChartValue('ms', totals.p95Ms), 'monitor-total-p95'],
    ['p99', formatChartValue('ms', totals.p99Ms), 'monitor-total-p99'],
    ['tokens in / out', `${formatChartValue('tokens', totals.inputTokens)} / ${formatChartValue('tokens', totals.outputTokens)}`, 'monitor-total-tokens'],
    ['cost', formatChartValue('usd', totals.costUsd), 'monitor-total-cost'],
  ]
  return (
    <dl className="monitor-totals" aria-label={`Totals over the range, charted per ${bucket}`}>
      {tiles.map(([label, value, id]) => (
        <div key={label} className="monitor-total">
          <dt>{label}</dt>
          <dd data-testid={id}>{value}</dd>
        </div>
      ))}
      <div className="monitor-total monitor-total-bucket">
        <dt>bucket</dt>
        <dd>{bucket}</dd>
      </div>
    </dl>
  )
}

/** The per-op or per-model table. */
function MetricsTable({ result, onPick }: { result: ResponseOf<'monitor.query'>; onPick: (key: string) => void }) {
  const what = result.groupBy === 'none' ? 'all' : result.groupBy
  return (
    <table className="monitor-table" data-testid="monitor-table" aria-label={`Totals per ${what}`}>
      <thead>
        <tr>
          <th scope="col">{result.groupBy === 'none' ? 'spans' : result.groupBy}</th>
          <th scope="col">count</th>
          <th scope="col">errors</th>
          <th scope="col">error rate</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
          <th scope="col">p99</th>
          <th scope="col">tokens in</th>
          <th scope="col">tokens out</th>
          <th scope="col">cost</th>
        </tr>
      </thead>
      <tbody>
        {result.groups.map((g) => (
          <tr key={`${g.label}-${g.other}`}>
            <th scope="row">
              {g.key !== null && result.groupBy !== 'none' ? (
                <button type="button" className="link-button" title={`Show only ${g.label}`} onClick={() => onPick(g.key!)}>
                  {g.label}
                </button>
              ) : (
                g.label
              )}
            </th>
            <td>{g.totals.count.toLocaleString('en')}</td>
            <td>{g.totals.errors.toLocaleString('en')}</td>
            <td>{g.totals.errorRate === null ? '—' : formatChartValue('percent', g.totals.errorRate * 100)}</td>
            <td>{formatChartValue('ms', g.totals.p50Ms)}</td>
            <td>{formatChartValue('ms', g.totals.p95Ms)}</td>
            <td>{formatChartValue('ms', g.totals.p99Ms)}</td>
            <td>{g.totals.inputTokens.toLocaleString('en')}</td>
            <td>{g.totals.outputTokens.toLocaleString('en')}</td>
            <td>{formatChartValue('usd', g.totals.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
