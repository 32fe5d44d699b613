/** The Rows tab: toolbar (search, add/delete row, undo/redo, save), draft and conflict banners, grid and cell editor. */
import { useState, type KeyboardEvent } from 'react'
import { useClient } from '../api/ClientContext'
import { useProjectStore } from '../project/useProjectStore'
import { CellEditor } from './CellEditor'
import { DatasetGrid } from './DatasetGrid'
import { discardEdits, rebaseOnLatest, saveDataset } from './datasetActions'
import { addRow, deleteRow, isDirty, redo, setView, undo, useDatasetStore } from './useDatasetStore'

/** The rows of the open dataset with everything that edits them. */
export function RowsView() {
  const status = useDatasetStore((s) => s.status)
  const error = useDatasetStore((s) => s.error)
  const name = useDatasetStore((s) => s.name)

  if (status === 'loading') return <p className="muted pad" role="status">Loading dataset:{name}…</p>
  if (status === 'failed')
    return (
      <p className="error-text pad" role="alert">
        Could not open dataset:{name}: {error}
      </p>
    )

  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement
    if (target.closest('input, textarea, select')) return
    const mod = event.ctrlKey || event.metaKey
    if (!mod) return
    const key = event.key.toLowerCase()
    if (key === 'z' && !event.shiftKey) undo()
    else if ((key === 'z' && event.shiftKey) || key === 'y') redo()
    else return
    // Mod+S is not handled here: the app-wide capture handler owns it (it saves prompts today).
    event.preventDefault()
    event.stopPropagation()
  }

  return (
    <div className="ds-rows" onKeyDown={onKeyDown}>
      <Toolbar />
      <Banners />
      <div className="ds-body">
        <DatasetGrid />
        <CellEditor />
      </div>
    </div>
  )
}

function Toolbar() {
  const client = useClient()
  const search = useDatasetStore((s) => s.view.search)
  const selected = useDatasetStore((s) => s.selected)
  const canUndo = useDatasetStore((s) => s.history.done.length > 0)
  const canRedo = useDatasetStore((s) => s.history.undone.length > 0)
  const dirty = useDatasetStore(isDirty)
  const saving = useDatasetStore((s) => s.saving)
  const base = useDatasetStore((s) => s.base)
  const rowCount = useDatasetStore((s) => s.rows.length)
  const [message, setMessage] = useState('')
  const [newColumn, setNewColumn] = useState('')

  const addColumn = () => {
    const column = newColumn.trim()
    if (!column) return
    useDatasetStore.setState((s) => ({ columns: s.columns.includes(column) ? s.columns : [...s.columns, column] }))
    setNewColumn('')
  }
  return (
    <div className="ds-toolbar" role="toolbar" aria-label="Dataset rows">
      <input type="search" className="ds-search" aria-label="Search rows" placeholder="Search rows" value={search} onChange={(e) => setView({ search: e.target.value })} />
      <button type="button" className="btn btn-small" onClick={() => addRow()}>
        Add row
      </button>
      <button type="button" className="btn btn-small" disabled={!selected} onClick={() => selected && deleteRow(selected.id)}>
        Delete row
      </button>
      <button type="button" className="btn btn-small" disabled={!selected} onClick={() => selected && useDatasetStore.setState({ editing: selected })}>
        Edit cell
      </button>
      <form
        className="ds-inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          addColumn()
        }}
      >
        <input aria-label="New column name" placeholder="new column" value={newColumn} onChange={(e) => setNewColumn(e.target.value)} />
        <button type="submit" className="btn btn-small" disabled={!newColumn.trim()}>
          Add column
        </button>
      </form>
      <button type="button" className="btn btn-small" disabled={!canUndo} onClick={undo} title="Ctrl+Z">
        Undo
      </button>
      <button type="button" className="btn btn-small" disabled={!canRedo} onClick={redo} title="Ctrl+Shift+Z">
        Redo
      </button>
      <span className="ds-spacer" />
      <span className="muted ds-version">
        {rowCount.toLocaleString()} rows · {base?.n ? `v${base.n}` : base?.digest.slice(0, 7)}
      </span>
      <form
        className="ds-inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          void saveDataset(client, message).then((digest) => digest && setMessage(''))
        }}
      >
        <input aria-label="Version message" placeholder="What changed?" value={message} onChange={(e) => setMessage(e.target.value)} />
        <button type="submit" className="btn btn-small btn-primary" disabled={!dirty || saving}>
          {saving ? 'Saving…' : 'Save version'}
        </button>
      </form>
    </div>
  )
}

function Banners() {
  const client = useClient()
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  const restoredAt = useDatasetStore((s) => s.restoredDraftAt)
  const edits = useDatasetStore((s) => s.history.done.length)
  const conflict = useDatasetStore((s) => s.conflict)
  return (
    <>
      {restoredAt && (
        <div className="draft-notice" role="status" data-testid="dataset-draft-banner">
          <span className="draft-dot" aria-hidden="true" />
          <span>
            <strong>Unsaved edits restored</strong>
            {edits > 0 ? ` — ${edits} change${edits === 1 ? '' : 's'}` : ''} from {new Date(restoredAt).toLocaleString()}, kept on this machine, not yet a version.
          </span>
          <button type="button" className="btn btn-small" onClick={() => projectDir && void discardEdits(client, projectDir)}>
            Discard edits
          </button>
        </div>
      )}
      {conflict && (
        <div className="ds-conflict" role="alert" data-testid="dataset-conflict">
          <span>{conflict}</span>
          <button type="button" className="btn btn-small" onClick={() => void rebaseOnLatest(client)}>
            Apply my edits to the newest version
          </button>
        </div>
      )}
    </>
  )
}
