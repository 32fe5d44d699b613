/** The run results side by side, with saving the prompt as a version and a result as a dataset row. */
import { useState } from 'react'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { useObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'
import { useNotices } from '../ui/useNotices'
import { addDatasetRow, describeRunError, savePromptVersion, usePlaygroundStore, type RunColumn } from './usePlaygroundStore'

/** Tokens, latency, cost and cached badge of a finished run, as one line. */
export function usageLine(column: RunColumn): string {
  const response = column.result?.response
  if (!response) return ''
  const tokens = response.usage ? `${response.usage.inputTokens} in · ${response.usage.outputTokens} out tokens` : 'tokens unknown'
  const cost = response.costUsd === null ? 'cost unknown' : response.costUsd === 0 ? '$0' : `$${response.costUsd.toPrecision(2)}`
  return `${tokens} · ${Math.round(response.latencyMs)} ms · ${cost}`
}

/** The columns, one per model. */
export function RunColumns({ promptName }: { promptName: string | null }) {
  const client = useClient()
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  const datasets = useObjects('dataset', projectDir)
  const columns = usePlaygroundStore((s) => s.columns)
  const lastRun = usePlaygroundStore((s) => s.lastRun)
  const [dataset, setDataset] = useState('')
  const [busy, setBusy] = useState(false)
  const notify = useNotices((s) => s.push)
  const target = dataset || datasets.objects[0]?.name || ''

  async function act(work: () => Promise<string>) {
    setBusy(true)
    try {
      notify('info', await work())
    } catch (error) {
      notify('error', errorMessage(error))
    } finally {
      setBusy(false)
    }
  }

  if (columns.length === 0) {
    return (
      <div className="run-columns run-empty">
        <p className="muted">Pick models and press Run: each answers in its own column, streaming as it writes.</p>
      </div>
    )
  }
  return (
    <div className="run-results">
      <div className="run-columns" style={{ gridTemplateColumns: `repeat(${columns.length}, minmax(0, 1fr))` }}>
        {columns.map((column) => {
          const providerError = column.result ? describeRunError(column.result) : null
          const output = column.text
          return (
            <article key={column.runId} className={`run-column run-${column.status}`} data-testid={`run-column-${column.model}`} aria-label={`Result of ${column.model}`}>
              <header className="run-column-head">
                <strong>{column.model}</strong>
                {column.status === 'running' && <span className="run-badge">running…</span>}
                {column.result?.response.cached && <span className="run-badge run-cached">cached</span>}
                {column.result?.response.finishReason === 'cancelled' && <span className="run-badge">stopped</span>}
              </header>
              <pre className="run-output" data-testid="run-output">
                {output}
              </pre>
              {(providerError || column.error) && (
                <p className="error-text small" role="alert">
                  {providerError ?? column.error}
                </p>
              )}
              {column.result && (
                <footer className="run-usage small muted" data-testid="run-usage">
                  {usageLine(column)}
                </footer>
              )}
              {column.status === 'done' && column.result?.response.finishReason !== 'cancelled' && lastRun && datasets.objects.length > 0 && (
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy}
                  onClick={() => void act(async () => `Added a row to dataset:${target} (v${await addDatasetRow(client, target, lastRun.variables, output)})`)}
                >
                  Add as dataset row
                </button>
              )}
            </article>
          )
        })}
      </div>
      <div className="run-actions">
        {datasets.objects.length > 0 && (
          <label className="run-field">
            Rows go to
            <select aria-label="Dataset for new rows" value={target} onChange={(e) => setDataset(e.target.value)}>
              {datasets.objects.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="spacer" />
        {promptName && lastRun && (
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() => void act(() => savePromptVersion(client, promptName, lastRun.promptText))}
          >
            Save as new version
          </button>
        )}
      </div>
    </div>
  )
}
