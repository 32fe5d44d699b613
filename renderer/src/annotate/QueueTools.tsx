/** What one can do with a queue's labels: see agreement, write them back into a dataset, export them, see the queue's versions. */
import { useEffect, useState } from 'react'
import type { WorkbenchClient } from '../../../common/client'
import type { ResponseOf } from '../../../common/contract'
import { errorMessage } from '../api/errors'
import { useClient } from '../api/ClientContext'
import { useAppStore } from '../app/useAppStore'
import { downloadText } from '../evals/run/RunTransfer'
import { useProjectStore } from '../project/useProjectStore'
import { Modal } from '../ui/Modal'
import { reportError } from '../ui/useNotices'
import type { QueueDefinition } from '../../../common/schemas/annotation'

/** Downloads a queue's annotations as JSONL or CSV. */
export async function exportQueue(client: WorkbenchClient, queue: string, format: 'jsonl' | 'csv'): Promise<void> {
  try {
    const file = await client.call('annotations.export', { queue, format })
    downloadText(file.filename, format === 'csv' ? 'text/csv' : 'application/x-ndjson', file.content)
  } catch (error) {
    reportError(`Could not export ${queue}: ${errorMessage(error)}`)
  }
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`)
const num = (x: number | null) => (x === null ? '—' : x.toFixed(2))

/** Agreement between annotators, per field. */
export function AgreementPanel({ queue }: { queue: string }) {
  const client = useClient()
  const [data, setData] = useState<ResponseOf<'annotations.agreement'> | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    client.call('annotations.agreement', { queue }).then(
      (d) => live && setData(d),
      (e) => live && setError(errorMessage(e)),
    )
    return () => {
      live = false
    }
  }, [client, queue])
  if (error)
    return (
      <p className="error-text" role="alert">
        {error}
      </p>
    )
  if (!data) return <p className="muted">Loading…</p>
  return (
    <div className="agreement" data-testid="agreement-panel">
      <p className="muted">
        {data.annotators.length} annotator{data.annotators.length === 1 ? '' : 's'} ({data.annotators.join(', ') || 'none yet'}) · {data.items} item
        {data.items === 1 ? '' : 's'} labelled by two or more
      </p>
      <table className="agreement-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Shared items</th>
            <th scope="col">Agreement</th>
            <th scope="col" title="Krippendorff's alpha">α</th>
            <th scope="col">Pairs (agreement, Cohen's κ)</th>
          </tr>
        </thead>
        <tbody>
          {data.fields.map((f) => (
            <tr key={f.field}>
              <th scope="row">{f.field}</th>
              <td>{f.type}</td>
              <td>{f.items}</td>
              <td>{pct(f.percentAgreement)}</td>
              <td>{num(f.alpha)}</td>
              <td>
                {f.pairs.length === 0
                  ? '—'
                  : f.pairs.map((p) => (
                      <div key={`${p.a}|${p.b}`}>
                        {p.a} × {p.b}: {p.items} items, {pct(p.agreement)}, κ {num(p.kappa)}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.items === 0 && <p className="muted">Agreement needs items that at least two annotators completed.</p>}
    </div>
  )
}

/** Opens a dataset's history in the Datasets section (its code loads lazily). */
export async function openDatasetHistory(client: WorkbenchClient, name: string): Promise<void> {
  const dir = useProjectStore.getState().project?.dir
  if (!dir) return
  useAppStore.getState().goTo('datasets')
  const [actions, store] = await Promise.all([import('../datasets/datasetActions'), import('../datasets/useDatasetStore')])
  await actions.openDataset(client, dir, name)
  store.useDatasetStore.setState({ tab: 'history' })
}

/** The write-back dialog: how to resolve several annotators, which dataset, the message; then the new version. */
export function WriteBackDialog({ queue, definition, annotators, onClose }: { queue: string; definition: QueueDefinition | null; annotators: string[]; onClose: () => void }) {
  const client = useClient()
  const fromDataset = definition && 'dataset' in definition.source ? definition.source.dataset.split('@')[0]! : null
  const [resolve, setResolve] = useState<'latest' | 'majority' | 'annotator'>('latest')
  const [who, setWho] = useState(annotators[0] ?? '')
  const [dataset, setDataset] = useState(definition?.writeBack?.dataset ?? fromDataset ?? '')
  const [message, setMessage] = useState(`Labels from annotation queue ${queue}`)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<ResponseOf<'annotations.writeBack'> | null>(null)

  const run = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await client.call('annotations.writeBack', {
        queue,
        ...(dataset.trim() ? { dataset: dataset.trim() } : {}),
        resolve: resolve === 'annotator' ? { annotator: who } : resolve,
        message: message.trim() || undefined,
      })
      setResult(r)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal title={`Write back ${queue}`} onClose={onClose} testId="write-back-dialog" className="modal-form">
      {result ? (
        <div className="write-back-result" data-testid="write-back-result">
          <p role="status">
            {result.created ? 'Saved' : 'Nothing changed in'} <strong>dataset:{result.dataset}</strong> v{result.version.n}{' '}
            <code>{result.version.digest.slice(0, 7)}</code>
          </p>
          <p className="muted">
            {result.rows.updated} rows updated · {result.rows.added} added · {result.rows.unchanged} unchanged
          </p>
          <div className="modal-actions">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                onClose()
                void openDatasetHistory(client, result.dataset)
              }}
            >
              Open in Datasets
            </button>
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      ) : (
        <form
          className="write-back-form"
          onSubmit={(e) => {
            e.preventDefault()
            void run()
          }}
        >
          <fieldset>
            <legend>When several people labelled an item, use</legend>
            <label>
              <input type="radio" name="resolve" checked={resolve === 'latest'} onChange={() => setResolve('latest')} /> the newest complete label
            </label>
            <label>
              <input type="radio" name="resolve" checked={resolve === 'majority'} onChange={() => setResolve('majority')} /> per field, the value most gave
            </label>
            <label>
              <input type="radio" name="resolve" checked={resolve === 'annotator'} onChange={() => setResolve('annotator')} disabled={annotators.length === 0} /> only the
              labels of{' '}
              <select aria-label="Annotator" value={who} onChange={(e) => setWho(e.target.value)} disabled={resolve !== 'annotator'}>
                {annotators.map((a) => (
                  <option key={a}>{a}</option>
                ))}
              </select>
            </label>
          </fieldset>
          <label className="form-row">
            Dataset
            <input
              value={dataset}
              onChange={(e) => setDataset(e.target.value)}
              placeholder={fromDataset ? fromDataset : 'a dataset name (required: the source is not a dataset)'}
              required={!fromDataset}
              aria-describedby="write-back-dataset-help"
            />
          </label>
          <p id="write-back-dataset-help" className="muted">
            {fromDataset ? `The source dataset (${fromDataset}) unless you name another; a` : 'A'} new version is saved — older versions stay in its history.
          </p>
          <label className="form-row">
            Message
            <input value={message} onChange={(e) => setMessage(e.target.value)} />
          </label>
          {error && (
            <p className="error-text" role="alert">
              {error}
            </p>
          )}
          <div className="modal-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Writing…' : 'Write back'}
            </button>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Modal>
  )
}

/** The queue file's versions (every save of queues/NAME.yaml is one). */
export function QueueHistory({ queue }: { queue: string }) {
  const client = useClient()
  const [versions, setVersions] = useState<ResponseOf<'objects.versions'>['versions'] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    client.call('objects.versions', { kind: 'queue', name: queue }).then(
      (r) => live && setVersions(r.versions),
      (e) => live && setError(errorMessage(e)),
    )
    return () => {
      live = false
    }
  }, [client, queue])
  if (error) return <p className="error-text">{error}</p>
  if (!versions) return <p className="muted">Loading…</p>
  return (
    <ol className="queue-history" aria-label={`Versions of queue ${queue}`}>
      {versions.map((v) => (
        <li key={v.digest}>
          <strong>v{v.n}</strong> <code>{v.digest.slice(0, 7)}</code> {new Date(v.time).toLocaleString()} · {v.author} — {v.message}
          {v.current && <span className="muted"> (current)</span>}
        </li>
      ))}
    </ol>
  )
}
