/** The live preview: sample variables (typed, or from a dataset row) and the messages the prompt renders to. */
import { useEffect, useMemo, useState } from 'react'
import type { ResponseOf } from '../../../common/contract'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { useObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'
import type { DeclaredVariable, PromptOutline } from './promptSource'
import { pickDataset, pickRow, setPreviewValue, usePreviewStore, variablesFromValues } from './usePreviewStore'

/** How long typing must pause before the preview renders again. */
export const RENDER_DELAY_MS = 250

type Rendered = ResponseOf<'prompts.render'>

/** Props of {@link PreviewPanel}. */
export interface PreviewPanelProps {
  text: string
  outline: PromptOutline
}

/** The preview panel. */
export function PreviewPanel({ text, outline }: PreviewPanelProps) {
  const client = useClient()
  const values = usePreviewStore((s) => s.values)
  // One field per declared variable; without input.schema, one per variable the body uses.
  const fields = useMemo<DeclaredVariable[]>(
    () => outline.declared ?? [...new Set(outline.uses.map((u) => u.name))].map((name) => ({ name, type: 'any', optional: false })),
    [outline],
  )
  const variables = useMemo(() => variablesFromValues(values, outline.declared), [values, outline.declared])
  const [rendered, setRendered] = useState<{ result: Rendered | null; error: string | null }>({ result: null, error: null })

  useEffect(() => {
    let live = true
    const timer = setTimeout(() => {
      client
        .call('prompts.render', { content: text, variables })
        .then((result) => live && setRendered({ result, error: null }))
        .catch((error: unknown) => live && setRendered((r) => ({ result: r.result, error: errorMessage(error) })))
    }, RENDER_DELAY_MS)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [client, text, variables])

  const { result, error } = rendered
  return (
    <div className="preview-panel" data-testid="prompt-preview">
      <section className="preview-vars" aria-label="Sample variables">
        <RowPicker names={fields.map((f) => f.name)} />
        {fields.length === 0 && <p className="muted small">This prompt takes no variables.</p>}
        {fields.map((field) => (
          <label key={field.name} className="preview-field">
            <span className="preview-field-name">
              {field.name}
              {field.optional ? '?' : ''} <span className="preview-field-type">{field.type}</span>
            </span>
            <textarea
              rows={1}
              value={values[field.name] ?? ''}
              placeholder={field.description ?? ''}
              spellCheck={false}
              aria-label={`Variable ${field.name}`}
              onChange={(e) => setPreviewValue(field.name, e.target.value)}
            />
          </label>
        ))}
      </section>
      <section className="preview-messages" aria-label="Rendered messages" aria-live="polite">
        {error && (
          <p className="error-text small" role="alert">
            Cannot render: {error}
          </p>
        )}
        {result && (result.missing.length > 0 || result.unexpected.length > 0) && (
          <p className="preview-warn small">
            {result.missing.length > 0 && <>Missing: {result.missing.join(', ')}. </>}
            {result.unexpected.length > 0 && <>Not used by the prompt: {result.unexpected.join(', ')}.</>}
          </p>
        )}
        {result?.model && <p className="muted small">Model: {result.model}</p>}
        {result?.messages.map((m, i) => (
          <article key={i} className={`message message-${m.role}`}>
            <header className="message-role">{m.role}</header>
            <pre className="message-text">{m.content}</pre>
          </article>
        ))}
        {result && result.messages.length === 0 && <p className="muted small">The prompt renders to no messages.</p>}
      </section>
    </div>
  )
}

// Picks a dataset, then a row, whose fields fill the variables of the same names.
function RowPicker({ names }: { names: readonly string[] }) {
  const client = useClient()
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  const datasets = useObjects('dataset', projectDir)
  const dataset = usePreviewStore((s) => s.dataset)
  const rows = usePreviewStore((s) => s.rows)
  const rowId = usePreviewStore((s) => s.rowId)
  const rowsError = usePreviewStore((s) => s.rowsError)
  if (datasets.objects.length === 0) return null
  return (
    <div className="preview-picker">
      <select aria-label="Dataset for sample values" value={dataset ?? ''} onChange={(e) => void pickDataset(client, e.target.value || null)}>
        <option value="">Fill from a dataset…</option>
        {datasets.objects.map((d) => (
          <option key={d.name} value={d.name}>
            {d.name}
          </option>
        ))}
      </select>
      {dataset && (
        <select aria-label="Dataset row" value={rowId ?? ''} onChange={(e) => pickRow(e.target.value, names)} disabled={rows.length === 0}>
          <option value="">{rows.length ? `Row (${rows.length})…` : 'Loading rows…'}</option>
          {rows.map((row) => (
            <option key={row.id} value={row.id}>
              {row.id}
            </option>
          ))}
        </select>
      )}
      {rowsError && <span className="error-text small">{rowsError}</span>}
    </div>
  )
}
