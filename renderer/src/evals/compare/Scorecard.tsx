/** The scorecard: per scorer the baseline's mean, each candidate's, its delta and whether that is beyond noise; then overall, latency, cost, errors. */
import { formatCost, formatDuration } from '../../traces/format'
import { formatDelta, formatScore, type EvalComparison, type EvalRun, type RunStats } from './compareModel'

/** One run in the scorecard with its numbers; candidates carry their comparison with the baseline. */
export interface ScorecardRun {
  run: EvalRun
  stats: RunStats
  comparison?: EvalComparison | null
}

/** Props of {@link Scorecard}. */
export interface ScorecardProps {
  baseline: ScorecardRun
  candidates: readonly ScorecardRun[]
  onOpenRun(runId: string): void
}

/** Baseline against every candidate, one column pair (value, delta) per candidate. */
export function Scorecard({ baseline, candidates, onOpenRun }: ScorecardProps) {
  const scorers = [...new Set(candidates.flatMap((c) => Object.keys(c.comparison?.scorers ?? {})).concat(Object.keys(baseline.run.summary?.scorers ?? {})))]
  const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)
  const numeric = (label: string, pick: (s: RunStats) => number | null, format: (v: number | null) => string, lowerIsBetter = true) => (
    <tr key={label}>
      <th scope="row">{label}</th>
      <td>{format(pick(baseline.stats))}</td>
      {candidates.map((c) => {
        const before = pick(baseline.stats)
        const after = pick(c.stats)
        const delta = before === null || after === null ? null : after - before
        const worse = delta !== null && delta !== 0 && (delta > 0) === lowerIsBetter
        return [
          <td key={`${c.run.id}-v`}>{format(after)}</td>,
          <td key={`${c.run.id}-d`} className={delta ? (worse ? 'ec-worse' : 'ec-better') : 'muted'}>
            {delta === null || delta === 0 ? '—' : `${delta > 0 ? '+' : '−'}${format(Math.abs(delta))}`}
          </td>,
        ]
      })}
    </tr>
  )
  return (
    <section className="ec-scorecard" aria-label="Scorecard">
      <h3>Scorecard</h3>
      <table className="ec-table">
        <thead>
          <tr>
            <th scope="col">Scorer</th>
            <th scope="col">
              <RunLink run={baseline.run} onOpenRun={onOpenRun} label="Baseline" />
            </th>
            {candidates.map((c, i) => [
              <th key={`${c.run.id}-v`} scope="col">
                <RunLink run={c.run} onOpenRun={onOpenRun} label={candidates.length > 1 ? `Candidate ${i + 1}` : 'Candidate'} />
              </th>,
              <th key={`${c.run.id}-d`} scope="col">Δ</th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {scorers.map((id) => (
            <tr key={id} data-testid={`score-${id}`}>
              <th scope="row">{id}</th>
              <td>{formatScore(candidates[0]?.comparison?.scorers[id]?.baseline ?? baseline.run.summary?.scorers[id]?.mean)}</td>
              {candidates.map((c) => {
                const s = c.comparison?.scorers[id]
                const tone = s?.delta ? (s.delta < 0 ? 'ec-worse' : 'ec-better') : 'muted'
                return [
                  <td key={`${c.run.id}-v`}>{formatScore(s?.candidate)}</td>,
                  <td key={`${c.run.id}-d`} className={s?.beyondNoise ? `${tone} ec-beyond` : 'muted'}>
                    {formatDelta(s?.delta)}
                    {s?.beyondNoise ? (
                      <span className="ec-noise" title="The difference is larger than run-to-run noise (the intervals do not overlap)">
                        {' '}
                        ● beyond noise
                      </span>
                    ) : s && s.delta ? (
                      <span className="ec-within" title="Within noise: could be chance"> within noise</span>
                    ) : null}
                  </td>,
                ]
              })}
            </tr>
          ))}
          {numeric('overall pass', (s) => s.passRate, percent, false)}
          {numeric('latency p50', (s) => s.latencyP50, (v) => (v === null ? '—' : formatDuration(v)))}
          {numeric('latency p95', (s) => s.latencyP95, (v) => (v === null ? '—' : formatDuration(v)))}
          {numeric('cost', (s) => s.costUsd, (v) => formatCost(v))}
          {numeric('errors', (s) => s.errors, (v) => (v === null ? '—' : String(v)))}
        </tbody>
      </table>
    </section>
  )
}

function RunLink({ run, label, onOpenRun }: { run: EvalRun; label: string; onOpenRun(runId: string): void }) {
  return (
    <button type="button" className="ec-link" onClick={() => onOpenRun(run.id)} title={`Open run ${run.id}`}>
      {label}
      <span className="ec-run-id">{run.id}</span>
    </button>
  )
}
