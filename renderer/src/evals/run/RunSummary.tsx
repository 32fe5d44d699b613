/** A run's numbers at the top of its view: per scorer mean, pass rate and 95% interval, overall, latency, tokens, cost, errors, and the versions it pinned. */
import { formatCost, formatDuration } from '../../traces/format'
import { evalHash } from '../evalRoute'
import { formatInterval, formatRate, formatScore, shortRef } from '../format'
import type { EvalRun } from '../useEvalsStore'

const SECTION_OF: Record<string, string> = { prompt: 'prompts', dataset: 'datasets', model: 'playground', evaluation: 'evaluations', scorer: 'evaluations' }

/** Where a pinned ref's link goes: its kind's section. */
function pinnedHref(ref: string): string {
  const kind = /^([a-z]+):/.exec(ref)?.[1] ?? ''
  return `#/${SECTION_OF[kind] ?? 'evaluations'}`
}

/** The summary. */
export function RunSummary({ run }: { run: EvalRun }) {
  const s = run.summary
  return (
    <div className="eval-summary" data-testid="run-summary">
      {s ? (
        <>
          <table className="eval-summary-scores">
            <thead>
              <tr>
                <th scope="col">Scorer</th>
                <th scope="col">Mean</th>
                <th scope="col">Pass rate</th>
                <th scope="col">95% interval</th>
                <th scope="col">Scored</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(s.scorers).map(([id, x]) => (
                <tr key={id}>
                  <th scope="row">{id}</th>
                  <td>{formatScore(x.mean)}</td>
                  <td>{formatRate(x.passRate)}</td>
                  <td>{formatInterval(x.low, x.high)}</td>
                  <td>{x.scored}</td>
                </tr>
              ))}
              {s.overall && (
                <tr className="eval-overall">
                  <th scope="row">overall</th>
                  <td>{s.overall.passed} passed</td>
                  <td>{formatRate(s.overall.passRate)}</td>
                  <td>{formatInterval(s.overall.low, s.overall.high)}</td>
                  <td>{s.rows}</td>
                </tr>
              )}
            </tbody>
          </table>
          <dl className="eval-facts">
            <dt>Rows</dt>
            <dd>{s.rows}</dd>
            <dt>Errors</dt>
            <dd className={s.errors ? 'eval-errors' : ''}>{s.errors}</dd>
            <dt>Latency p50 / p95</dt>
            <dd>
              {s.latencyP50Ms === null ? '—' : formatDuration(s.latencyP50Ms)} / {s.latencyP95Ms === null ? '—' : formatDuration(s.latencyP95Ms)}
            </dd>
            <dt>Tokens</dt>
            <dd>{s.tokens.toLocaleString()}</dd>
            <dt>Cost</dt>
            <dd>{formatCost(s.costUsd)}</dd>
          </dl>
        </>
      ) : (
        <p className="muted">No summary yet — it is written when the run ends.</p>
      )}
      <dl className="eval-facts eval-pinned" aria-label="Pinned versions">
        {Object.entries(run.pinned).map(([key, ref]) => (
          <div key={key} className="eval-pinned-item">
            <dt>{key}</dt>
            <dd>
              <a href={pinnedHref(ref)} title={ref} className="mono">
                {shortRef(ref)}
              </a>
            </dd>
          </div>
        ))}
        {run.gitCommit && (
          <div className="eval-pinned-item">
            <dt>commit</dt>
            <dd className="mono">{run.gitCommit.slice(0, 7)}</dd>
          </div>
        )}
        <div className="eval-pinned-item">
          <dt>trends</dt>
          <dd>
            <a href={evalHash({ view: 'trends', name: run.name })}>{run.name} over time</a>
          </dd>
        </div>
      </dl>
    </div>
  )
}
