/**
 * One evaluation over its history of finished runs: score per scorer, latency
 * p50/p95 and cost, by time or by commit; every point (and table line) opens
 * its run.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react'
import { useClient } from '../../api/ClientContext'
import { errorMessage } from '../../api/errors'
import { formatCost, formatDuration } from '../../traces/format'
import '../compare/compare.css'
import { trendPoints, trendScorers, type RunSummary, type TrendAxis } from './trendModel'

// uPlot stays out of the initial bundle.
const TrendCharts = lazy(() => import('./TrendCharts'))

/** How many runs the history reads (the API's maximum). */
const HISTORY = 500

/** Props of {@link TrendsView}. */
export interface TrendsViewProps {
  /** The evaluation's name (evals/NAME.yaml). */
  name: string
  onOpenRun(runId: string): void
}

/** The trend charts and, under them, the same points as a table. */
export function TrendsView({ name, onOpenRun }: TrendsViewProps) {
  const client = useClient()
  // Kept with the name it answers, so another name reads as loading without a reset in the effect.
  const [answer, setAnswer] = useState<{ name: string; runs?: RunSummary[]; error?: string } | null>(null)
  const [axis, setAxis] = useState<TrendAxis>('time')

  useEffect(() => {
    let live = true
    client.call('evals.runs', { name, limit: HISTORY }).then(
      (result) => live && setAnswer({ name, runs: result.runs }),
      (e: unknown) => live && setAnswer({ name, error: errorMessage(e) }),
    )
    return () => {
      live = false
    }
  }, [client, name])

  const runs = answer?.name === name ? (answer.runs ?? null) : null
  const error = answer?.name === name ? (answer.error ?? null) : null
  const points = useMemo(() => (runs ? trendPoints(runs, axis) : []), [runs, axis])
  const scorers = useMemo(() => trendScorers(points), [points])

  if (error) return <p className="error-text pad" role="alert">Could not load the runs: {error}</p>
  if (!runs) return <p className="muted pad">Loading runs…</p>
  return (
    <section className="ec-compare" aria-label={`Trends of ${name}`} data-testid="trends-view">
      <div className="ec-trends-bar">
        <h2>{name} over time</h2>
        <div role="radiogroup" aria-label="X axis" className="ec-filters">
          {(['time', 'commit'] as const).map((a) => (
            <button key={a} type="button" role="radio" aria-checked={axis === a} className={axis === a ? 'active' : undefined} onClick={() => setAxis(a)}>
              By {a}
            </button>
          ))}
        </div>
        <span className="muted">
          {points.length} {axis === 'commit' ? 'commits' : 'finished runs'}
        </span>
      </div>
      {points.length === 0 ? (
        <p className="muted">No finished runs of {name} yet.</p>
      ) : (
        <>
          <Suspense fallback={<p className="muted">Loading charts…</p>}>
            <TrendCharts points={points} scorers={scorers} axis={axis} onOpenRun={onOpenRun} />
          </Suspense>
          <div className="ec-trend-runs">
            <table className="ec-table" aria-label="Runs">
              <thead>
                <tr>
                  <th scope="col">{axis === 'commit' ? 'Commit' : 'Started'}</th>
                  {scorers.map((id) => (
                    <th key={id} scope="col">{id}</th>
                  ))}
                  <th scope="col">p50</th>
                  <th scope="col">p95</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                {[...points].reverse().map((p) => (
                  <tr key={p.runId}>
                    <th scope="row">
                      <button type="button" className="ec-link" onClick={() => onOpenRun(p.runId)} title={`Open run ${p.runId}`}>
                        {p.label}
                      </button>
                    </th>
                    {scorers.map((id) => (
                      <td key={id}>{p.scores[id] === null || p.scores[id] === undefined ? '—' : p.scores[id].toFixed(3)}</td>
                    ))}
                    <td>{p.latencyP50 === null ? '—' : formatDuration(p.latencyP50)}</td>
                    <td>{p.latencyP95 === null ? '—' : formatDuration(p.latencyP95)}</td>
                    <td>{formatCost(p.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  )
}
