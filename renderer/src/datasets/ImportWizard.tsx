/**
 * Import a CSV, JSONL or JSON file from the machine running Weft: path →
 * preview (columns, first rows, problems by line) → mapping and id column →
 * import as a new version. A bad record refuses the whole file (the API's rule).
 */
import { useState } from 'react'
import type { z } from 'zod'
import type { ImportPreviewSchema } from '../../../common/schemas/repo'
import { useClient } from '../api/ClientContext'
import { chooseFile } from '../api/chooseFile'
import { errorMessage } from '../api/errors'
import { loadObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'
import { useNotices } from '../ui/useNotices'
import { openDataset } from './datasetActions'
import { buildMapping, defaultMapping, type MappingRow } from './importMapping'
import { cellText } from './jsonl'
import { useDatasetStore } from './useDatasetStore'

type Preview = z.infer<typeof ImportPreviewSchema>
type Format = 'auto' | 'csv' | 'jsonl' | 'json'

/** A dataset name from a file path: its base name without extension, made safe. */
export function nameFromPath(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? ''
  return base.replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '')
}

/** The wizard. */
export function ImportWizard() {
  const client = useClient()
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  const [file, setFile] = useState('')
  const [format, setFormat] = useState<Format>('auto')
  const [preview, setPreview] = useState<Preview | null>(null)
  const [mapping, setMapping] = useState<MappingRow[]>([])
  const [idColumn, setIdColumn] = useState('')
  const [name, setName] = useState('')
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState<'preview' | 'import' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)

  const source = () => ({ file: file.trim(), ...(format === 'auto' ? {} : { format }) })
  const runPreview = async () => {
    setBusy('preview')
    setError(null)
    setDone(null)
    try {
      const result = await client.call('datasets.previewImport', { ...source(), limit: 20 })
      setPreview(result)
      // Same columns as before (a fixed file read again): keep the mapping and id column the user chose.
      const sameColumns = preview !== null && preview.columns.join('\u0000') === result.columns.join('\u0000')
      if (!sameColumns) {
        setMapping(defaultMapping(result.columns))
        setIdColumn(result.columns.includes('id') ? 'id' : '')
      }
      if (!name) setName(nameFromPath(file))
    } catch (e) {
      setPreview(null)
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }
  const built = buildMapping(mapping, idColumn)
  const runImport = async () => {
    if ('error' in built) return
    setBusy('import')
    setError(null)
    try {
      const result = await client.call('datasets.import', {
        ...source(),
        name: name.trim(),
        ...built,
        ...(idColumn ? { idColumn } : {}),
        ...(message.trim() ? { message: message.trim() } : {}),
      })
      const text = `Imported ${result.rows.toLocaleString()} rows as dataset:${name.trim()} v${result.version.n}`
      setDone(text)
      useNotices.getState().push('info', text)
      await loadObjects(client, 'dataset')
      if (projectDir) {
        useDatasetStore.setState({ tab: 'rows' })
        await openDataset(client, projectDir, name.trim())
      }
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }

  return (
    <div className="ds-import" data-testid="import-wizard">
      <h2 className="ds-h2">Import a dataset</h2>
      <p className="muted">A CSV, JSONL or JSON file: choose one (in a browser it is uploaded to the machine running Weft) or type its path there. Nothing is imported until you press Import, and a file with a bad line is not imported at all.</p>
      <form
        className="ds-import-source"
        onSubmit={(e) => {
          e.preventDefault()
          void runPreview()
        }}
      >
        <label className="field ds-grow">
          <span className="field-label">File path</span>
          <span className="field-row">
            <input value={file} onChange={(e) => setFile(e.target.value)} placeholder="/home/me/tickets.csv" aria-label="File path" spellCheck={false} />
            <button
              type="button"
              className="btn"
              onClick={() =>
                void chooseFile(client, { title: 'File to import', extensions: ['csv', 'jsonl', 'json'] })
                  .then((picked) => picked && setFile(picked))
                  .catch((error) => useNotices.getState().push('error', `Could not use that file: ${errorMessage(error)}`))
              }
            >
              Choose file…
            </button>
          </span>
        </label>
        <label className="field">
          <span className="field-label">Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)} aria-label="Format">
            <option value="auto">From the extension</option>
            <option value="csv">CSV</option>
            <option value="jsonl">JSONL</option>
            <option value="json">JSON</option>
          </select>
        </label>
        <button type="submit" className="btn" disabled={!file.trim() || busy !== null}>
          {busy === 'preview' ? 'Reading…' : 'Preview'}
        </button>
      </form>
      {error && (
        <p className="error-text ds-import-error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p className="ds-ok" role="status">
          {done}
        </p>
      )}
      {preview && <PreviewBody preview={preview} mapping={mapping} setMapping={setMapping} idColumn={idColumn} setIdColumn={setIdColumn} />}
      {preview && (
        <form
          className="ds-import-target"
          onSubmit={(e) => {
            e.preventDefault()
            void runImport()
          }}
        >
          <label className="field">
            <span className="field-label">Dataset name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Dataset name" />
          </label>
          <label className="field ds-grow">
            <span className="field-label">Version message</span>
            <input value={message} onChange={(e) => setMessage(e.target.value)} aria-label="Import message" placeholder="Import from …" />
          </label>
          <button type="submit" className="btn btn-primary" disabled={!name.trim() || 'error' in built || busy !== null}>
            {busy === 'import' ? 'Importing…' : 'Import'}
          </button>
          {'error' in built && <p className="error-text">{built.error}</p>}
        </form>
      )}
    </div>
  )
}

interface PreviewBodyProps {
  preview: Preview
  mapping: MappingRow[]
  setMapping: (rows: MappingRow[]) => void
  idColumn: string
  setIdColumn: (column: string) => void
}

function PreviewBody({ preview, mapping, setMapping, idColumn, setIdColumn }: PreviewBodyProps) {
  return (
    <>
      {preview.errors.length > 0 && (
        <div className="ds-import-problems" role="alert" data-testid="import-problems">
          <strong>{preview.errors.length === 1 ? 'A problem' : `${preview.errors.length} problems`} in this file — it will not import until fixed:</strong>
          <ul>
            {preview.errors.map((p, i) => (
              <li key={i}>
                {p.line !== undefined ? <span className="ds-line">line {p.line}</span> : null} {p.path ? `${p.path}: ` : ''}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="muted">
        {preview.format.toUpperCase()} · {preview.columns.length} columns · {(preview.totalBytes / 1024).toFixed(1)} KB · first {preview.rows.length} rows:
      </p>
      <div className="ds-preview-scroll">
        <table className="ds-preview" aria-label="Preview">
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, i) => (
              <tr key={i}>
                {preview.columns.map((c) => (
                  <td key={c}>{cellText(row[c], 80)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3 className="ds-h3">Fields</h3>
      <label className="field ds-id-pick">
        <span className="field-label">Id column</span>
        <select value={idColumn} onChange={(e) => setIdColumn(e.target.value)} aria-label="Id column">
          <option value="">None — rows without an id get row-N</option>
          {preview.columns.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <table className="ds-mapping" aria-label="Column mapping">
        <thead>
          <tr>
            <th>Target field (dots nest: input.question)</th>
            <th />
            <th>Source column</th>
          </tr>
        </thead>
        <tbody>
          {mapping.map((row, i) => (
            <tr key={row.source}>
              <td>
                {row.source === idColumn ? (
                  <span className="muted">id</span>
                ) : (
                  <input
                    aria-label={`Target field for ${row.source}`}
                    value={row.target}
                    placeholder="(leave out)"
                    onChange={(e) => setMapping(mapping.map((m, j) => (j === i ? { ...m, target: e.target.value } : m)))}
                  />
                )}
              </td>
              <td aria-hidden="true">←</td>
              <td>
                <code>{row.source}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
