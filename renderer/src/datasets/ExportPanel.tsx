/** The Export tab: write the dataset's saved version to a CSV, JSONL or JSON file on the machine running Weft. */
import { useState } from 'react'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { isDirty, useDatasetStore } from './useDatasetStore'

type Format = 'csv' | 'jsonl' | 'json'

/** The export form. */
export function ExportPanel() {
  const client = useClient()
  const name = useDatasetStore((s) => s.name)
  const base = useDatasetStore((s) => s.base)
  const dirty = useDatasetStore(isDirty)
  const [file, setFile] = useState('')
  const [format, setFormat] = useState<Format>('csv')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null)
  if (!name || !base) return null

  const run = async () => {
    setBusy(true)
    setResult(null)
    try {
      const done = await client.call('datasets.export', { ref: `dataset:${name}@${base.digest}`, file: file.trim(), format })
      setResult({ ok: true, text: `Wrote ${done.rows.toLocaleString()} rows (${done.columns.length} columns) to ${done.file}.` })
    } catch (e) {
      setResult({ ok: false, text: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <form
      className="ds-export"
      onSubmit={(e) => {
        e.preventDefault()
        void run()
      }}
    >
      <h2 className="ds-h2">Export dataset:{name}</h2>
      <p className="muted">
        Exports {base.n ? `v${base.n}` : base.digest.slice(0, 7)}, the version the grid is based on{dirty ? ' — your unsaved edits are not included; save them first to export them' : ''}. CSV writes nested values as JSON text.
      </p>
      <div className="ds-import-source">
        <label className="field ds-grow">
          <span className="field-label">File path</span>
          <input value={file} onChange={(e) => setFile(e.target.value)} placeholder={`/home/me/${name}.${format}`} aria-label="Export file path" spellCheck={false} />
        </label>
        <label className="field">
          <span className="field-label">Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)} aria-label="Export format">
            <option value="csv">CSV</option>
            <option value="jsonl">JSONL</option>
            <option value="json">JSON</option>
          </select>
        </label>
        <button type="submit" className="btn btn-primary" disabled={!file.trim() || busy}>
          {busy ? 'Exporting…' : 'Export'}
        </button>
      </div>
      {result && (
        <p className={result.ok ? 'ds-ok' : 'error-text'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </form>
  )
}
