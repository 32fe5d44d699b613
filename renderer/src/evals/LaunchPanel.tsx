/**
 * Starting runs: a saved evaluation with optional concurrency, trials and
 * `--set` overrides, or a composed grid (see {@link ComposeGrid}).
 */
import { useState } from 'react'
import { useClient } from '../api/ClientContext'
import { ComposeGrid } from './ComposeGrid'
import { startRun } from './useEvalsStore'

/** Props of {@link LaunchPanel}. */
export interface LaunchPanelProps {
  /** Saved evaluation names. */
  evaluations: readonly string[]
  initialName?: string
}

/** The panel. */
export function LaunchPanel({ evaluations, initialName }: LaunchPanelProps) {
  const [mode, setMode] = useState<'saved' | 'grid'>('saved')
  return (
    <section className="eval-launch" aria-label="Run an evaluation">
      <div className="eval-tabs" role="tablist" aria-label="How to run">
        <button type="button" role="tab" aria-selected={mode === 'saved'} className={`eval-tab${mode === 'saved' ? ' active' : ''}`} onClick={() => setMode('saved')}>
          Run a saved evaluation
        </button>
        <button type="button" role="tab" aria-selected={mode === 'grid'} className={`eval-tab${mode === 'grid' ? ' active' : ''}`} onClick={() => setMode('grid')}>
          Compose a grid
        </button>
      </div>
      {mode === 'saved' ? <RunSaved evaluations={evaluations} initialName={initialName} /> : <ComposeGrid />}
    </section>
  )
}

const optionalInt = (text: string) => (text.trim() === '' ? undefined : Number.parseInt(text, 10))

function RunSaved({ evaluations, initialName }: LaunchPanelProps) {
  const client = useClient()
  const [name, setName] = useState(initialName ?? evaluations[0] ?? '')
  const [concurrency, setConcurrency] = useState('')
  const [trials, setTrials] = useState('')
  const [overrides, setOverrides] = useState('')
  const [started, setStarted] = useState<string | null>(null)
  const chosen = evaluations.includes(name) ? name : (evaluations[0] ?? '')
  if (evaluations.length === 0) return <p className="muted">No saved evaluations in evals/ yet — compose one as a grid, or save evals/NAME.yaml.</p>
  const set = overrides
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const badSet = set.find((s) => !/^[^=\s]+=/.test(s))
  const run = () => {
    void startRun(client, { name: chosen, concurrency: optionalInt(concurrency), trials: optionalInt(trials), set: set.length ? set : undefined })
    setStarted(chosen)
  }
  return (
    <form
      className="eval-form"
      onSubmit={(e) => {
        e.preventDefault()
        run()
      }}
    >
      <label className="eval-field">
        <span>Evaluation</span>
        <select value={chosen} onChange={(e) => setName(e.target.value)}>
          {evaluations.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>
      <div className="eval-field-row">
        <label className="eval-field">
          <span>Concurrency</span>
          <input type="number" min={1} max={256} placeholder="as defined" value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
        </label>
        <label className="eval-field">
          <span>Trials</span>
          <input type="number" min={1} max={100} placeholder="as defined" value={trials} onChange={(e) => setTrials(e.target.value)} />
        </label>
      </div>
      <label className="eval-field">
        <span>Overrides (--set key=value, one a line)</span>
        <textarea rows={2} className="mono" placeholder="target.model=model:fast" value={overrides} onChange={(e) => setOverrides(e.target.value)} />
      </label>
      {badSet && <p className="error-text">“{badSet}” is not key=value</p>}
      <div className="eval-form-actions">
        <button type="submit" className="btn btn-primary" disabled={!chosen || Boolean(badSet)}>
          Run {chosen}
        </button>
        {started && <span className="muted" role="status">Started {started} — its progress shows in the runs list.</span>}
      </div>
    </form>
  )
}
