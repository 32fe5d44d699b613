/** The History tab: the dataset's versions, and the row diff of any two of them. */
import { useEffect, useState } from 'react'
import type { VersionViewWire } from '../../../common/schemas/store'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { RowDiff } from './RowDiff'
import { useDatasetStore } from './useDatasetStore'

/** Versions newest first, with a from → to picker feeding the diff below. */
export function VersionHistory() {
  const client = useClient()
  const name = useDatasetStore((s) => s.name)
  const baseDigest = useDatasetStore((s) => s.base?.digest)
  const pair = useDatasetStore((s) => s.diffPair)
  const [versions, setVersions] = useState<VersionViewWire[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (!name) return
    let live = true
    client.call('objects.versions', { kind: 'dataset', name }).then(
      ({ versions: list }) => {
        if (!live) return
        setVersions(list)
        setError(null)
        // Default: what the newest version changed.
        if (!useDatasetStore.getState().diffPair && list.length > 1) useDatasetStore.setState({ diffPair: { from: list[1]!.digest, to: list[0]!.digest } })
      },
      (e: unknown) => live && setError(errorMessage(e)),
    )
    return () => {
      live = false
    }
  }, [client, name, baseDigest])

  if (error) return <p className="error-text pad" role="alert">Could not list versions: {error}</p>
  if (!versions || !name) return <p className="muted pad">Loading versions…</p>
  const label = (v: VersionViewWire) => `v${v.n} · ${v.message.split('\n')[0]!.slice(0, 60)}`
  const choose = (side: 'from' | 'to', digest: string) => {
    const current = pair ?? { from: versions[1]?.digest ?? versions[0]!.digest, to: versions[0]!.digest }
    useDatasetStore.setState({ diffPair: { ...current, [side]: digest } })
  }
  return (
    <div className="ds-history">
      <ol className="ds-versions" aria-label="Versions">
        {versions.map((v, i) => (
          <li key={v.digest} className={pair?.to === v.digest ? 'ds-version-current' : undefined}>
            <button
              type="button"
              className="ds-version-row"
              onClick={() => versions[i + 1] && useDatasetStore.setState({ diffPair: { from: versions[i + 1]!.digest, to: v.digest } })}
              title={versions[i + 1] ? 'Show what this version changed' : 'The first version'}
            >
              <strong>v{v.n}</strong>
              {v.labels.map((l) => (
                <span key={l} className="ds-label">
                  {l}
                </span>
              ))}
              <span className="ds-version-msg">{v.message.split('\n')[0]}</span>
              <span className="muted">
                {v.author} · {new Date(v.time).toLocaleString()}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {versions.length > 1 && pair ? (
        <>
          <div className="ds-diff-pick">
            <label>
              From{' '}
              <select aria-label="Compare from" value={pair.from} onChange={(e) => choose('from', e.target.value)}>
                {versions.map((v) => (
                  <option key={v.digest} value={v.digest}>
                    {label(v)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              to{' '}
              <select aria-label="Compare to" value={pair.to} onChange={(e) => choose('to', e.target.value)}>
                {versions.map((v) => (
                  <option key={v.digest} value={v.digest}>
                    {label(v)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {/* Keyed by the pair so a new comparison starts from a clean state. */}
          <RowDiff key={`${pair.from}:${pair.to}`} name={name} from={pair.from} to={pair.to} />
        </>
      ) : (
        <p className="muted pad">Only one version so far; save an edit or import to compare versions.</p>
      )}
    </div>
  )
}
