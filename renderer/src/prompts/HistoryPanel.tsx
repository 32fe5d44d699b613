/** A prompt's versions: pick two to compare, move labels, restore an old version. */
import { useEffect, useState } from 'react'
import { useClient } from '../api/ClientContext'
import { compareVersions, loadHistory, removeVersionLabel, restoreVersion, setVersionLabel, togglePick, useHistoryStore, type VersionRow } from './useHistoryStore'

const COMMON_LABELS = ['production', 'staging', 'candidate']

/** When a version was made, short and local. */
export function formatTime(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/** The history panel of the open prompt. */
export function HistoryPanel({ name }: { name: string }) {
  const client = useClient()
  const status = useHistoryStore((s) => s.status)
  const error = useHistoryStore((s) => s.error)
  const versions = useHistoryStore((s) => s.versions)
  const picked = useHistoryStore((s) => s.picked)

  useEffect(() => {
    void loadHistory(client, name)
    // A save, restore or label move (here or from a terminal) changes the list.
    return client.on('objects.changed', ({ kinds }) => kinds.includes('prompt') && void loadHistory(client, name))
  }, [client, name])

  const [a, b] = picked
  return (
    <div className="history-panel" data-testid="prompt-history">
      <div className="history-bar">
        <span className="muted small">{picked.length < 2 ? 'Pick two versions to compare' : `v${Math.min(a!, b!)} ↔ v${Math.max(a!, b!)}`}</span>
        <button type="button" className="btn btn-small btn-primary" disabled={picked.length < 2} onClick={() => void compareVersions(client, a!, b!)}>
          Compare
        </button>
      </div>
      {status === 'loading' && <p className="muted pad">Loading versions…</p>}
      {status === 'failed' && (
        <p className="error-text pad" role="alert">
          Could not list versions: {error}
        </p>
      )}
      {status === 'ready' && versions.length === 0 && <p className="muted pad">No saved versions yet: save one with Ctrl+S.</p>}
      <ol className="version-list" aria-label={`Versions of ${name}`}>
        {versions.map((v) => (
          <VersionItem key={v.digest} version={v} picked={picked.includes(v.n)} knownLabels={versions.flatMap((x) => x.labels)} />
        ))}
      </ol>
    </div>
  )
}

function VersionItem({ version: v, picked, knownLabels }: { version: VersionRow; picked: boolean; knownLabels: string[] }) {
  const client = useClient()
  const [labelling, setLabelling] = useState(false)
  const [label, setLabel] = useState('')
  const submit = async () => {
    if (label.trim() && (await setVersionLabel(client, v.n, label.trim()))) {
      setLabel('')
      setLabelling(false)
    }
  }
  return (
    <li className={`version-item${picked ? ' picked' : ''}`} data-testid={`version-v${v.n}`}>
      <label className="version-pick" title="Pick for comparing">
        <input type="checkbox" checked={picked} onChange={() => togglePick(v.n)} aria-label={`Pick v${v.n} for comparing`} />
      </label>
      <div className="version-body">
        <div className="version-head">
          <strong>v{v.n}</strong>
          {v.current && <span className="badge badge-current">current</span>}
          {v.labels.map((l) => (
            <span key={l} className="badge badge-label">
              {l}
              <button type="button" className="badge-x" aria-label={`Remove label ${l}`} onClick={() => void removeVersionLabel(client, l)}>
                ×
              </button>
            </span>
          ))}
          <span className="version-digest">{v.digest.slice(0, 7)}</span>
        </div>
        <div className="version-message">{v.message}</div>
        <div className="version-meta">
          {v.author} · {formatTime(v.time)}
        </div>
        {labelling && (
          <form
            className="version-label-form"
            onSubmit={(e) => {
              e.preventDefault()
              void submit()
            }}
          >
            <input
              autoFocus
              list="weft-label-names"
              value={label}
              onChange={(e) => setLabel(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && setLabelling(false)}
              placeholder="production"
              aria-label={`Label for v${v.n}`}
            />
            <datalist id="weft-label-names">
              {[...new Set([...COMMON_LABELS, ...knownLabels])].map((l) => (
                <option key={l} value={l} />
              ))}
            </datalist>
            <button type="submit" className="btn btn-small btn-primary" disabled={!label.trim()}>
              Set
            </button>
          </form>
        )}
      </div>
      <div className="version-actions">
        <button type="button" className="btn btn-small" aria-label={`Set a label on v${v.n}`} onClick={() => setLabelling(!labelling)}>
          Label…
        </button>
        {!v.current && (
          <button type="button" className="btn btn-small" aria-label={`Restore v${v.n}`} onClick={() => void restoreVersion(client, v.n)}>
            Restore
          </button>
        )}
      </div>
    </li>
  )
}
