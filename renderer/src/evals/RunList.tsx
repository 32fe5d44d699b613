/**
 * The runs list: newest first, filterable by evaluation, each with its status
 * (a live bar while running), source, start time and per-scorer numbers.
 * Clicking opens a run; ticking two or more offers Compare (the first ticked
 * is the baseline).
 */
import { useMemo } from 'react'
import { formatRate, formatScore, shortRef } from './format'
import { RunProgress } from './RunProgress'
import type { EvalProgress, EvalRun } from './useEvalsStore'

/** Props of {@link RunList}. */
export interface RunListProps {
  runs: readonly EvalRun[]
  progress: Readonly<Record<string, EvalProgress>>
  selectedId: string | null
  ticked: readonly string[]
  nameFilter: string | null
  onNameFilter(name: string | null): void
  onOpen(runId: string): void
  onTick(runId: string): void
  onCompare(): void
}

/** Per scorer, "id 75.0%" (pass rate) or "id 0.812" (mean) from a run's summary. */
export function scorerLine(run: EvalRun): string {
  const scorers = run.summary?.scorers ?? {}
  return Object.entries(scorers)
    .map(([id, s]) => `${id} ${s.passRate !== null ? formatRate(s.passRate) : formatScore(s.mean)}`)
    .join(' · ')
}

/** The list. */
export function RunList({ runs, progress, selectedId, ticked, nameFilter, onNameFilter, onOpen, onTick, onCompare }: RunListProps) {
  const names = useMemo(() => [...new Set(runs.map((r) => r.name))].sort(), [runs])
  const shown = nameFilter ? runs.filter((r) => r.name === nameFilter) : runs
  return (
    <div className="eval-run-list-pane">
      <div className="eval-run-list-tools">
        <label className="eval-inline-field">
          <span>Evaluation</span>
          <select value={nameFilter ?? ''} onChange={(e) => onNameFilter(e.target.value || null)} aria-label="Filter runs by evaluation">
            <option value="">All ({runs.length})</option>
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-small btn-primary" disabled={ticked.length < 2} onClick={onCompare} title="Tick two or more runs; the first ticked is the baseline">
          Compare{ticked.length >= 2 ? ` (${ticked.length})` : ''}
        </button>
      </div>
      <ul className="eval-run-list" aria-label="Evaluation runs">
        {shown.map((run) => {
          const live = progress[run.id]
          const running = run.status === 'running' || live?.state === 'running'
          const tickIndex = ticked.indexOf(run.id)
          return (
            <li key={run.id} className={`eval-run${run.id === selectedId ? ' selected' : ''}`} data-testid="eval-run">
              <input
                type="checkbox"
                className="eval-run-tick"
                checked={tickIndex >= 0}
                onChange={() => onTick(run.id)}
                aria-label={`Compare ${run.name} ${run.id}`}
                title={tickIndex === 0 ? 'Baseline' : tickIndex > 0 ? 'Candidate' : 'Tick to compare'}
              />
              <button type="button" className="eval-run-open" aria-current={run.id === selectedId ? 'true' : undefined} onClick={() => onOpen(run.id)}>
                <span className="eval-run-head">
                  <span className="eval-run-name">{run.name}</span>
                  <span className={`eval-status ${running ? 'running' : run.status}`}>{running ? 'running' : run.status}</span>
                  {run.source !== 'weft' && <span className="eval-source">{run.source}</span>}
                  {run.importedMs !== undefined && <span className="eval-source">imported</span>}
                  {tickIndex === 0 && ticked.length > 1 && <span className="eval-source">baseline</span>}
                </span>
                <span className="eval-run-meta">
                  {new Date(run.startedMs).toLocaleString()} · {run.id}
                </span>
                {run.pinned.prompt && run.pinned.model && (
                  <span className="eval-run-meta mono" title={`${run.pinned.prompt} × ${run.pinned.model}`}>
                    {shortRef(run.pinned.prompt)} × {shortRef(run.pinned.model)}
                  </span>
                )}
                {running && live ? <RunProgress progress={live} /> : <span className="eval-run-scores">{scorerLine(run) || `${run.total} rows`}</span>}
              </button>
            </li>
          )
        })}
      </ul>
    </div>
  )
}
