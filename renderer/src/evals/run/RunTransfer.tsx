/**
 * Moving runs between machines: Export ▾ (a bundle, CSV or JUnit file,
 * downloaded in the browser) and Import run… (a bundle file read as text).
 */
import { useRef, useState } from 'react'
import type { RequestOf } from '../../../../common/contract'
import { useClient } from '../../api/ClientContext'
import { errorMessage } from '../../api/errors'

const FORMATS: { format: RequestOf<'evals.export'>['format']; label: string }[] = [
  { format: 'bundle', label: 'Bundle (JSON, with traces)' },
  { format: 'csv', label: 'CSV' },
  { format: 'junit', label: 'JUnit XML' },
]

/** Saves text as a file through the browser (Blob + object URL); nothing leaves the machine. */
export function downloadText(filename: string, mediaType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mediaType }))
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** Export ▾ for one run. */
export function ExportMenu({ runId }: { runId: string }) {
  const client = useClient()
  const menuRef = useRef<HTMLDetailsElement>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const exportAs = async (format: RequestOf<'evals.export'>['format']) => {
    if (menuRef.current) menuRef.current.open = false
    setBusy(true)
    setError(null)
    try {
      const file = await client.call('evals.export', { runId, format })
      downloadText(file.filename, file.mediaType, file.content)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <details ref={menuRef} className="eval-menu">
        <summary className="btn btn-small" aria-disabled={busy}>
          {busy ? 'Exporting…' : 'Export ▾'}
        </summary>
        <div className="eval-menu-items" role="menu" aria-label="Export as">
          {FORMATS.map((f) => (
            <button key={f.format} type="button" role="menuitem" className="eval-menu-item" onClick={() => void exportAs(f.format)}>
              {f.label}
            </button>
          ))}
        </div>
      </details>
      {error && (
        <span className="error-text" role="alert">
          Export failed: {error}
        </span>
      )}
    </>
  )
}

/** Import run… : reads a bundle file and stores its run; `onImported` gets the run's id. */
export function ImportRunButton({ onImported }: { onImported(runId: string): void }) {
  const client = useClient()
  const inputRef = useRef<HTMLInputElement>(null)
  const [status, setStatus] = useState<{ error?: string; ok?: string } | null>(null)
  const onFile = async (file: File | undefined) => {
    if (!file) return
    setStatus(null)
    try {
      const result = await client.call('evals.import', { content: await file.text() })
      setStatus({ ok: result.imported ? `Imported ${result.run.name} (${result.rows} rows)` : `${result.run.name} was already here` })
      onImported(result.run.id)
    } catch (e) {
      setStatus({ error: `Could not import ${file.name}: ${errorMessage(e)}` })
    } finally {
      if (inputRef.current) inputRef.current.value = ''
    }
  }
  return (
    <>
      <input ref={inputRef} type="file" accept=".json,application/json" hidden data-testid="import-run-file" onChange={(e) => void onFile(e.target.files?.[0])} />
      <button type="button" className="btn btn-small" onClick={() => inputRef.current?.click()}>
        Import run…
      </button>
      {status?.ok && <span role="status" className="muted">{status.ok}</span>}
      {status?.error && (
        <span role="alert" className="error-text">
          {status.error}
        </span>
      )}
    </>
  )
}
