/**
 * One run (`#/evaluations/run/<id>`): its summary, live progress while it
 * runs (Cancel), Resume when it stopped early, and its results table with
 * filters (failed, errored, a scorer below a threshold, text).
 */
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { WorkbenchClient } from '../../../../common/client'
import type { ResponseOf } from '../../../../common/contract'
import { useClient } from '../../api/ClientContext'
import { errorMessage } from '../../api/errors'
import { EmptyState } from '../../ui/EmptyState'
import { RunProgress } from '../RunProgress'
import { canResume, cancelRun, resumeRun, useEvalsStore } from '../useEvalsStore'
import { ResultsTable } from './ResultsTable'
import { RowDetail } from './RowDetail'
import { RunSummary } from './RunSummary'
import { ExportMenu } from './RunTransfer'
import { NO_FILTERS, commonError, filterRows, isFiltered, joinRows, parseDatasetRows, scorerIds, type ResultFilters, type ResultRow } from './resultRows'
import { addRowFeedback } from './rowFeedback'

type Loaded = { run: ResponseOf<'evals.get'>['run']; rows: ResultRow[]; scorers: string[]; datasetError: string | null }

/** While a run runs, its rows reload at most this often. */
const LIVE_RELOAD_MS = 2000

/** Reads a run and joins its rows with its pinned dataset's (inputs come from traces when the dataset cannot be read). */
async function fetchRun(client: WorkbenchClient, runId: string): Promise<Loaded> {
  const { run, rows } = await client.call('evals.get', { runId })
  let dataset = new Map<string, Record<string, unknown>>()
  let datasetError: string | null = null
  const ref = run.pinned.dataset
  if (ref) {
    try {
      // An imported run's dataset usually lives only in the bundle it came with: ask for that first.
      const kept = run.importedMs === undefined ? null : await client.call('evals.pinned', { runId }).catch(() => null)
      const content = kept?.versions.find((v) => v.key === 'dataset')?.content
      dataset = parseDatasetRows(content ?? (await client.call('objects.get', { ref })).content)
    } catch (e) {
      // An imported run's dataset may only exist in the bundle it came with.
      const kept = await client.call('evals.pinned', { runId }).catch(() => null)
      const content = kept?.versions.find((v) => v.key === 'dataset')?.content
      if (content) dataset = parseDatasetRows(content)
      else datasetError = errorMessage(e)
    }
  }
  return { run, rows: joinRows(rows, dataset), scorers: scorerIds(rows, run.summary?.scorers), datasetError }
}

/** Props of {@link RunView}. The parent keys it by run id, so another run starts fresh. */
export interface RunViewProps {
  runId: string
  /** Test hook for the table's viewport (jsdom has no layout). */
  tableHeight?: number
}

/** The view. */
export function RunView({ runId, tableHeight }: RunViewProps) {
  const client = useClient()
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [filters, setFilters] = useState<ResultFilters>(NO_FILTERS)
  const [selectedKey, setSelectedKey] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const live = useEvalsStore((s) => s.progress[runId])

  const load = useCallback(() => {
    fetchRun(client, runId).then(
      (next) => {
        setLoaded(next)
        setError(null)
      },
      (e: unknown) => setError(errorMessage(e)),
    )
  }, [client, runId])

  useEffect(load, [load])

  // Rows arrive while the run runs: reload now and then, and once when it ends.
  const liveState = live?.state
  const liveDone = live?.done
  useEffect(() => {
    if (!liveState) return
    const timer = setTimeout(load, liveState === 'running' ? LIVE_RELOAD_MS : 0)
    return () => clearTimeout(timer)
  }, [liveState, liveDone, load])

  const shown = useMemo(() => (loaded ? filterRows(loaded.rows, filters) : []), [loaded, filters])
  const topError = useMemo(() => (loaded ? commonError(loaded.rows) : null), [loaded])
  const onThumb = useCallback(
    (row: ResultRow, thumb: 1 | -1) => {
      if (!row.row.traceId) return
      addRowFeedback(client, row.row.traceId, { thumb }).then(
        () => setNotice(`${thumb === 1 ? 'Thumbs up' : 'Thumbs down'} added to row ${row.row.rowId}`),
        (e: unknown) => setNotice(`Could not add feedback to row ${row.row.rowId}: ${errorMessage(e)}`),
      )
    },
    [client],
  )

  if (error && !loaded) {
    return (
      <div className="section-body-padded">
        <p className="traces-error" role="alert">
          Could not open run {runId}: {error}
        </p>
      </div>
    )
  }
  if (!loaded) return <p className="muted eval-loading">Loading run {runId}…</p>
  const { run } = loaded
  const running = run.status === 'running' || live?.state === 'running'
  const selected = selectedKey ? loaded.rows.find((r) => r.key === selectedKey) : undefined

  return (
    <div className="eval-run-view" data-testid="run-view" data-rows={loaded.rows.length}>
      <header className="eval-run-view-head">
        <h2>
          {run.name} <span className="muted mono">{run.id}</span>
        </h2>
        <span className={`eval-status ${running ? 'running' : run.status}`}>{running ? 'running' : run.status}</span>
        <span className="eval-source">{run.source}</span>
        <span className="muted">started {new Date(run.startedMs).toLocaleString()}</span>
        <span className="spacer" />
        {running && (
          <button type="button" className="btn btn-small" onClick={() => void cancelRun(client, run.id)}>
            Cancel
          </button>
        )}
        <ExportMenu runId={run.id} />
        {!running && canResume(run) && (
          <button type="button" className="btn btn-small btn-primary" onClick={() => void resumeRun(client, run)}>
            Resume
          </button>
        )}
      </header>
      {running && live && <RunProgress progress={live} showMeans />}
      {error && (
        <p className="traces-error" role="alert">
          {error}
        </p>
      )}
      {loaded.datasetError && <p className="muted">Dataset rows unavailable ({loaded.datasetError}); inputs come from each row's trace.</p>}
      <RunSummary run={run} />
      {topError && (
        <p className="traces-error eval-common-error" role="alert" data-testid="common-error">
          {topError.count === loaded.rows.length ? `Every row failed: ` : `${topError.count} of ${topError.errored} errored rows: `}
          {topError.message}
        </p>
      )}
      <FilterBar filters={filters} scorers={loaded.scorers} onChange={(patch) => setFilters({ ...filters, ...patch })} shown={shown.length} total={loaded.rows.length} />
      {notice && (
        <p className="eval-notice" role="status">
          {notice}
        </p>
      )}
      {loaded.rows.length === 0 ? (
        <EmptyState title={running ? 'No rows finished yet' : 'No rows'}>{running ? 'Rows appear as they finish.' : 'This run recorded no rows.'}</EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState title="No rows match" actions={<button type="button" className="btn btn-small" onClick={() => setFilters(NO_FILTERS)}>Clear filters</button>}>
          Change or clear the filters.
        </EmptyState>
      ) : (
        <ResultsTable rows={shown} scorers={loaded.scorers} selectedKey={selectedKey} onSelect={setSelectedKey} onThumb={onThumb} initialHeight={tableHeight} />
      )}
      {selected && <RowDetail key={selected.key} row={selected} onClose={() => setSelectedKey(null)} />}
    </div>
  )
}

function FilterBar({ filters, scorers, onChange, shown, total }: { filters: ResultFilters; scorers: string[]; onChange(patch: Partial<ResultFilters>): void; shown: number; total: number }) {
  return (
    <div className="eval-filters" role="group" aria-label="Filter results">
      <input type="search" aria-label="Search rows" placeholder="Search input, output, expected, error…" value={filters.text} onChange={(e) => onChange({ text: e.target.value })} />
      <label className="eval-check">
        <input type="checkbox" checked={filters.failed} onChange={(e) => onChange({ failed: e.target.checked })} />
        Failed
      </label>
      <label className="eval-check">
        <input type="checkbox" checked={filters.errored} onChange={(e) => onChange({ errored: e.target.checked })} />
        Errored
      </label>
      <label className="eval-inline-field">
        <select aria-label="Scorer below threshold" value={filters.scorer ?? ''} onChange={(e) => onChange({ scorer: e.target.value || null })}>
          <option value="">Any score</option>
          {scorers.map((id) => (
            <option key={id} value={id}>
              {id} below…
            </option>
          ))}
        </select>
        {filters.scorer !== null && (
          <input type="number" aria-label="Threshold" step={0.05} min={0} value={filters.below} onChange={(e) => onChange({ below: Number(e.target.value) })} />
        )}
      </label>
      <span className="muted">
        {isFiltered(filters) ? `${shown} of ${total} rows` : `${total} rows`}
      </span>
    </div>
  )
}
