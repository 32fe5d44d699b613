/**
 * The Evaluations section: the runs (live while they run) on the left; on the
 * right what the hash names — starting runs and the saved evaluations
 * (`#/evaluations`), one run's results (`#/evaluations/run/<id>`), a
 * comparison or an evaluation's trends.
 */
import { useEffect, useRef, useState } from 'react'
import { useClient } from '../api/ClientContext'
import '../styles/evals.css'
import { useObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'
import { EmptyState } from '../ui/EmptyState'
import { evalHash, navigateEval, parseEvalHash, type EvalRoute } from './evalRoute'
import { LaunchPanel } from './LaunchPanel'
import { RunList } from './RunList'
import { CompareRoute, TrendsRoute } from './routedViews'
import { RunView } from './run/RunView'
import { ImportRunButton } from './run/RunTransfer'
import { SavedEvaluations } from './SavedEvaluations'
import { applyProgress, dismissError, loadRuns, reloadAfterIngest, resetEvals, startRun, toggleTicked, useEvalsStore } from './useEvalsStore'

/** Follows the part of the hash under `#/evaluations`. */
function useEvalRoute(): EvalRoute {
  const [route, setRoute] = useState(() => parseEvalHash(window.location.hash))
  useEffect(() => {
    const onChange = () => setRoute(parseEvalHash(window.location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}

/** The section. */
export function EvaluationsSection() {
  const client = useClient()
  const dir = useProjectStore((s) => s.project?.dir ?? null)
  const { runs, loading, error, progress, ticked, nameFilter } = useEvalsStore()
  const route = useEvalRoute()
  const evaluations = useObjects('evaluation', dir)
  const scorers = useObjects('scorer', dir)
  const launchRef = useRef<HTMLDivElement>(null)
  const [launchName, setLaunchName] = useState<string | undefined>(undefined)
  const [notice, setNotice] = useState<string | null>(null)

  useEffect(() => {
    resetEvals()
    if (!dir) return
    void loadRuns(client)
    const stops = [client.on('evals.progress', (event) => applyProgress(client, event)), client.on('traces.added', () => reloadAfterIngest(client))]
    return () => stops.forEach((stop) => stop())
  }, [client, dir])

  const evaluationNames = evaluations.status === 'ready' ? evaluations.objects.map((o) => o.name) : []
  const openLaunch = (name?: string) => {
    setLaunchName(name)
    if (route.view !== 'list') navigateEval({ view: 'list' })
    // After the list view renders, focus the launch form's first control.
    setTimeout(() => {
      const form = launchRef.current
      const target = form?.querySelector<HTMLElement>('form select, form input') ?? form?.querySelector<HTMLElement>('[role="tab"]')
      target?.scrollIntoView?.({ block: 'nearest' })
      target?.focus()
    }, 0)
  }
  const runNow = (name: string) => {
    void startRun(client, { name })
    setNotice(`Started ${name} — its progress shows in the runs list.`)
  }
  const selectedRunId = route.view === 'run' ? route.runId : null
  const noRuns = !loading && runs.length === 0

  return (
    <section className="section-page" aria-labelledby="section-title">
      <header className="section-header eval-header">
        <h1 id="section-title">Evaluations</h1>
        {route.view !== 'list' && (
          <a className="btn btn-small" href={evalHash({ view: 'list' })}>
            All runs
          </a>
        )}
        <span className="spacer" />
        <ImportRunButton
          onImported={(runId) => {
            void loadRuns(client)
            navigateEval({ view: 'run', runId })
          }}
        />
        <button type="button" className="btn btn-small btn-primary" onClick={() => openLaunch()}>
          Run an evaluation
        </button>
      </header>
      {error && (
        <p className="traces-error eval-error" role="alert">
          {error}{' '}
          <button type="button" className="btn btn-small" onClick={dismissError}>
            Dismiss
          </button>
        </p>
      )}
      <div className="eval-body">
        <aside className="eval-runs-pane" aria-label="Runs">
          {noRuns ? (
            <EmptyState
              title="No runs yet — run an evaluation"
              actions={
                <button type="button" className="btn btn-small btn-primary" onClick={() => openLaunch()}>
                  Run an evaluation
                </button>
              }
            >
              Runs of a saved evaluation or a composed grid appear here, live while they run.
            </EmptyState>
          ) : (
            <RunList
              runs={runs}
              progress={progress}
              selectedId={selectedRunId}
              ticked={ticked}
              nameFilter={nameFilter}
              onNameFilter={(name) => useEvalsStore.setState({ nameFilter: name })}
              onOpen={(runId) => navigateEval({ view: 'run', runId })}
              onTick={toggleTicked}
              onCompare={() => navigateEval({ view: 'compare', baseline: ticked[0]!, candidates: ticked.slice(1) })}
            />
          )}
        </aside>
        <div className="eval-main">
          {route.view === 'run' && <RunView key={route.runId} runId={route.runId} />}
          {route.view === 'compare' && <CompareRoute baseline={route.baseline} candidates={route.candidates} />}
          {route.view === 'trends' && <TrendsRoute name={route.name} />}
          {route.view === 'list' && (
            <div className="eval-overview">
              {notice && (
                <p className="eval-notice" role="status">
                  {notice}
                </p>
              )}
              <SavedEvaluations evaluations={evaluations} scorers={scorers} onRun={runNow} onOptions={openLaunch} />
              <div ref={launchRef}>
                <LaunchPanel key={launchName ?? ''} evaluations={evaluationNames} initialName={launchName} />
              </div>
            </div>
          )}
        </div>
      </div>
    </section>
  )
}
