/**
 * Datasets the W&B Weave SDK saved into this project (Dataset.save()), each
 * importable as a new version of a Weft dataset under a name the user picks.
 */
import { useEffect, useState } from 'react'
import type { ResponseOf } from '../../../common/contract'
import { objectNameProblem } from '../../../common/refs'
import { useClient } from '../api/ClientContext'
import { useAppStore } from '../app/useAppStore'
import { reportError, useNotices } from '../ui/useNotices'

type WeaveDataset = ResponseOf<'weave.datasets'>['datasets'][number]

/** A Weave name as a Weft object name (Weave allows characters Weft's file names do not). */
export function weftNameFor(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/\.{2,}/g, '.').replace(/^[^A-Za-z0-9]+/, '').replace(/\.+$/, '').slice(0, 120)
  return cleaned && !objectNameProblem(cleaned) ? cleaned : 'weave-dataset'
}

/** The list, latest version of each Weave dataset first. */
export function WeaveDatasets() {
  const client = useClient()
  const [datasets, setDatasets] = useState<WeaveDataset[] | null>(null)
  const [names, setNames] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    client.call('weave.datasets', {}).then(
      ({ datasets: all }) => {
        if (!live) return
        // Latest version per name: the list is ordered by name, then version.
        const latest = new Map<string, WeaveDataset>()
        for (const d of all) latest.set(`${d.projectId}/${d.name}`, d)
        setDatasets([...latest.values()])
      },
      (error: Error) => live && reportError(error.message),
    )
    return () => {
      live = false
    }
  }, [client])

  if (!datasets || datasets.length === 0) return null
  const importOne = async (d: WeaveDataset) => {
    const as = names[d.digest] ?? weftNameFor(d.name)
    const problem = objectNameProblem(as)
    if (problem) return reportError(`Dataset name ${problem}`)
    setBusy(d.digest)
    try {
      const result = await client.call('weave.importDataset', { name: d.name, digest: d.digest, projectId: d.projectId, as })
      useNotices.getState().push('info', result.created ? `Imported ${result.rows} rows as dataset:${as} v${result.version.n}` : `dataset:${as} already has these rows (v${result.version.n})`)
    } catch (error) {
      reportError((error as Error).message)
    } finally {
      setBusy(null)
    }
  }
  return (
    <section className="weave-datasets" aria-label="Datasets saved by Weave">
      <h3>Datasets saved by Weave</h3>
      {datasets.map((d) => (
        <div key={d.digest} className="weave-dataset">
          <span>
            <strong>{d.name}</strong> v{d.versionIndex} · {d.rowCount} rows · {d.projectId}
          </span>
          <label>
            as dataset{' '}
            <input
              aria-label={`Weft dataset name for ${d.name}`}
              value={names[d.digest] ?? weftNameFor(d.name)}
              onChange={(e) => setNames({ ...names, [d.digest]: e.target.value })}
            />
          </label>
          <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void importOne(d)}>
            Import
          </button>
          <button type="button" className="btn btn-small" onClick={() => useAppStore.getState().goTo('datasets')}>
            Open Datasets
          </button>
        </div>
      ))}
    </section>
  )
}
