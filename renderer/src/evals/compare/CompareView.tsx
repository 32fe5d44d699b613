/**
 * Two or more evaluation runs side by side: what changed between them (pinned
 * versions diffed, git commits), the scorecard, regressions and improvements,
 * outputs row by row with word differences, and charts (lazy-loaded).
 * With several candidates, the scorecard shows them all; the rest follows the
 * candidate picked in the tabs.
 */
import { lazy, Suspense, useMemo, useState } from 'react'
import './compare.css'
import { ChangeLists } from './ChangeLists'
import { ChangesPanel } from './ChangesPanel'
import { alignRows, filterRows, runStats, type OutputFilter } from './compareModel'
import { OutputsTable } from './OutputsTable'
import { Scorecard } from './Scorecard'
import { useCompareData, type LoadedRun } from './useCompareData'

// uPlot (~50 kB) stays out of the initial bundle: it loads when the charts first render.
const CompareCharts = lazy(() => import('./charts/CompareCharts'))

/** Props of {@link CompareView}. */
export interface CompareViewProps {
  /** The baseline run's id. */
  baseline: string
  /** One or more candidate run ids, each compared with the baseline. */
  candidates: readonly string[]
  onOpenTrace(traceId: string): void
  onOpenRun(runId: string): void
  /** Test hook: jsdom has no layout, so the outputs list's height is given. */
  initialListHeight?: number
}

/** The comparison view; loads its runs itself. */
export function CompareView({ baseline, candidates, onOpenTrace, onOpenRun, initialListHeight }: CompareViewProps) {
  const data = useCompareData(baseline, candidates)
  if (data.state === 'loading') return <p className="muted pad">Loading runs…</p>
  if (data.state === 'error') return <p className="error-text pad" role="alert">Could not compare: {data.message}</p>
  return <Comparison {...data} onOpenTrace={onOpenTrace} onOpenRun={onOpenRun} initialListHeight={initialListHeight} />
}

interface ComparisonProps extends Omit<CompareViewProps, 'baseline' | 'candidates'> {
  baseline: LoadedRun
  candidates: LoadedRun[]
  comparisons: NonNullable<Extract<ReturnType<typeof useCompareData>, { state: 'ready' }>['comparisons']>
}

function Comparison({ baseline, candidates, comparisons, onOpenTrace, onOpenRun, initialListHeight }: ComparisonProps) {
  const [picked, setPicked] = useState(0)
  const [filter, setFilter] = useState<OutputFilter | null>(null)
  const [selectedRowId, setSelectedRowId] = useState<string | null>(null)
  const current = Math.min(picked, candidates.length - 1)
  const candidate = candidates[current]!
  const comparison = comparisons[current]!

  const baselineStats = useMemo(() => runStats(baseline.rows), [baseline.rows])
  const candidateStats = useMemo(() => candidates.map((c) => runStats(c.rows)), [candidates])
  const aligned = useMemo(() => alignRows(baseline.rows, candidate.rows, comparison), [baseline.rows, candidate.rows, comparison])
  const counts = useMemo(
    () => ({ regressed: filterRows(aligned, 'regressed').length, improved: filterRows(aligned, 'improved').length, changed: filterRows(aligned, 'changed').length, all: aligned.length }),
    [aligned],
  )
  // Open on what most needs a look: regressions, else changed outputs, else everything.
  const shownFilter: OutputFilter = filter ?? (counts.regressed ? 'regressed' : counts.changed ? 'changed' : 'all')
  const shown = useMemo(() => filterRows(aligned, shownFilter), [aligned, shownFilter])
  const chartRuns = useMemo(
    () => [{ label: 'baseline', rows: baseline.rows }, ...candidates.map((c, i) => ({ label: candidates.length > 1 ? `candidate ${i + 1}` : 'candidate', rows: c.rows }))],
    [baseline.rows, candidates],
  )
  const scorers = useMemo(() => [...new Set(comparisons.flatMap((c) => Object.keys(c.scorers)))], [comparisons])

  const selectRow = (rowId: string) => {
    const row = aligned.find((r) => r.rowId === rowId)
    if (row && !filterRows([row], shownFilter).length) setFilter('all')
    setSelectedRowId(rowId)
  }

  return (
    <div className="ec-compare" data-testid="compare-view">
      <header className="ec-header">
        <h2>
          Comparing <span className="ec-run-name">{baseline.run.name}</span>
        </h2>
        {candidates.length > 1 && (
          <div role="tablist" aria-label="Candidate" className="ec-tabs">
            {candidates.map((c, i) => (
              <button key={c.run.id} type="button" role="tab" aria-selected={i === current} onClick={() => (setPicked(i), setSelectedRowId(null))}>
                Candidate {i + 1} <span className="ec-run-id">{c.run.id}</span>
              </button>
            ))}
          </div>
        )}
        <p className="muted">
          Baseline <code>{baseline.run.id}</code> ({new Date(baseline.run.startedMs).toLocaleString()}) → candidate <code>{candidate.run.id}</code> (
          {new Date(candidate.run.startedMs).toLocaleString()})
          {comparison.onlyInBaseline.length > 0 && ` · ${comparison.onlyInBaseline.length} row${comparison.onlyInBaseline.length === 1 ? '' : 's'} only in the baseline`}
          {comparison.onlyInCandidate.length > 0 && ` · ${comparison.onlyInCandidate.length} row${comparison.onlyInCandidate.length === 1 ? '' : 's'} only in the candidate`}
        </p>
      </header>
      <ChangesPanel baseline={baseline.run} candidate={candidate.run} />
      <Scorecard
        baseline={{ run: baseline.run, stats: baselineStats }}
        candidates={candidates.map((c, i) => ({ run: c.run, stats: candidateStats[i]!, comparison: comparisons[i] }))}
        onOpenRun={onOpenRun}
      />
      <ChangeLists comparison={comparison} onSelectRow={selectRow} />
      <OutputsTable
        rows={shown}
        filter={shownFilter}
        onFilter={(f) => (setFilter(f), setSelectedRowId(null))}
        counts={counts}
        selectedRowId={selectedRowId}
        onOpenTrace={onOpenTrace}
        initialHeight={initialListHeight}
      />
      <section className="ec-charts-section" aria-label="Charts">
        <h3>Charts</h3>
        <Suspense fallback={<p className="muted">Loading charts…</p>}>
          <CompareCharts runs={chartRuns} scorers={scorers} />
        </Suspense>
      </section>
    </div>
  )
}
