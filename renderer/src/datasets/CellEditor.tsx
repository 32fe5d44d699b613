/** The side panel that edits one cell: plain text or JSON, validated before it is applied. */
import { useState, type KeyboardEvent } from 'react'
import { formatCell, modeOf, parseCell, type CellMode } from './cellValue'
import { setCell, useDatasetStore, type CellRef } from './useDatasetStore'

/** The panel for the cell being edited, or nothing. */
export function CellEditor() {
  const editing = useDatasetStore((s) => s.editing)
  if (!editing) return null
  // Keyed by cell so switching cells starts from that cell's value.
  return <CellEditorPanel key={`${editing.id}\u0000${editing.column}`} cell={editing} />
}

function CellEditorPanel({ cell }: { cell: CellRef }) {
  const original = useDatasetStore((s) => s.rows.find((r) => r.id === cell.id)?.[cell.column])
  const [mode, setMode] = useState<CellMode>(modeOf(original))
  const [text, setText] = useState(() => formatCell(original, modeOf(original)))
  const [problem, setProblem] = useState<string | null>(null)
  const parsed = parseCell(text, mode)
  const invalid = 'error' in parsed ? parsed.error : null

  const close = () => {
    useDatasetStore.setState({ editing: null })
    // Back to the grid so arrow keys keep working.
    document.querySelector<HTMLElement>('[data-testid="dataset-grid"]')?.focus()
  }
  const apply = () => {
    if ('error' in parsed) return
    const refused = setCell(cell.id, cell.column, parsed.value)
    if (refused) setProblem(refused)
    else close()
  }
  const removeField = () => {
    const refused = cell.column === 'id' ? 'every row needs its id' : setCell(cell.id, cell.column, undefined)
    if (refused) setProblem(refused)
    else close()
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      close()
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      apply()
    }
    // Undo inside the textarea is the textarea's own; keep it from reaching the grid's undo.
    event.stopPropagation()
  }
  const switchMode = (next: CellMode) => {
    // Carry the value over when it parses, so Text ⇄ JSON does not lose typing.
    if (next === 'json' && mode === 'text') setText(JSON.stringify(text))
    if (next === 'text' && mode === 'json' && !('error' in parsed) && typeof parsed.value === 'string') setText(parsed.value)
    setMode(next)
  }

  return (
    <aside className="ds-editor" aria-label="Edit cell" onKeyDown={onKeyDown} data-testid="cell-editor">
      <div className="ds-editor-head">
        <strong className="ds-editor-title">{cell.column}</strong>
        <span className="muted ds-editor-row">row {cell.id}</span>
      </div>
      <div className="ds-editor-modes" role="radiogroup" aria-label="Value type">
        {(['text', 'json'] as const).map((m) => (
          <label key={m}>
            <input type="radio" name="cell-mode" checked={mode === m} onChange={() => switchMode(m)} /> {m === 'text' ? 'Text' : 'JSON'}
          </label>
        ))}
      </div>
      <textarea
        className="ds-editor-text"
        aria-label={`Value of ${cell.column}`}
        aria-invalid={invalid !== null}
        value={text}
        spellCheck={false}
        autoFocus
        onChange={(e) => {
          setText(e.target.value)
          setProblem(null)
        }}
      />
      {(invalid ?? problem) && (
        <p className="error-text" role="alert">
          {invalid ?? problem}
        </p>
      )}
      <div className="ds-editor-actions">
        <button type="button" className="btn btn-small btn-primary" disabled={invalid !== null} onClick={apply} title="Ctrl+Enter">
          Apply
        </button>
        <button type="button" className="btn btn-small" onClick={close} title="Escape">
          Cancel
        </button>
        <span className="ds-spacer" />
        {original !== undefined && cell.column !== 'id' && (
          <button type="button" className="btn btn-small" onClick={removeField}>
            Remove field
          </button>
        )}
      </div>
    </aside>
  )
}
