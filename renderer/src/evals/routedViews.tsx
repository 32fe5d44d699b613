/**
 * The comparison and trends views the section routes to, loaded on demand:
 * they bring the charting library (uPlot) and the word differ, which the rest
 * of the app never needs at start-up.
 */
import { lazy, Suspense } from 'react'
import { navigateEval } from './evalRoute'

const CompareView = lazy(() => import('./compare/CompareView').then((m) => ({ default: m.CompareView })))
const TrendsView = lazy(() => import('./trends/TrendsView').then((m) => ({ default: m.TrendsView })))

const openRun = (runId: string) => navigateEval({ view: 'run', runId })
const openTrace = (traceId: string) => {
  window.location.hash = `#/traces/${encodeURIComponent(traceId)}`
}
const loading = <div className="section-body-padded muted">Loading…</div>

/** `#/evaluations/compare/<baseline>/<cand1>,<cand2>`: the runs side by side, with what changed between them. */
export function CompareRoute({ baseline, candidates }: { baseline: string; candidates: readonly string[] }) {
  return (
    <Suspense fallback={loading}>
      <CompareView key={`${baseline}/${candidates.join(',')}`} baseline={baseline} candidates={[...candidates]} onOpenTrace={openTrace} onOpenRun={openRun} />
    </Suspense>
  )
}

/** `#/evaluations/trends/<name>`: scores, latency and cost over the evaluation's runs. */
export function TrendsRoute({ name }: { name: string }) {
  return (
    <Suspense fallback={loading}>
      <TrendsView key={name} name={name} onOpenRun={openRun} />
    </Suspense>
  )
}
