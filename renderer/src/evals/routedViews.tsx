/**
 * The comparison and trends views the section routes to. Placeholders until
 * CompareView (./compare/) and TrendsView (./trends/) land: swap the bodies
 * of these two components for them.
 */
import { EmptyState } from '../ui/EmptyState'

/** `#/evaluations/compare/<baseline>/<cand1>,<cand2>`. */
export function ComparePlaceholder({ baseline, candidates }: { baseline: string; candidates: readonly string[] }) {
  return (
    <div className="section-body-padded" data-testid="compare-placeholder">
      <EmptyState title="Compare runs">
        <p>
          Baseline <span className="mono">{baseline}</span> against {candidates.map((c, i) => (
            <span key={c}>
              {i ? ', ' : ''}
              <span className="mono">{c}</span>
            </span>
          ))}
          . The row-by-row comparison view is coming.
        </p>
      </EmptyState>
    </div>
  )
}

/** `#/evaluations/trends/<name>`. */
export function TrendsPlaceholder({ name }: { name: string }) {
  return (
    <div className="section-body-padded" data-testid="trends-placeholder">
      <EmptyState title={`Trends of ${name}`}>
        <p>Scores, latency and cost of every run of this evaluation over time — the trends view is coming.</p>
      </EmptyState>
    </div>
  )
}
