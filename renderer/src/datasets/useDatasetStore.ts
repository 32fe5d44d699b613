/**
 * The open dataset: its rows as loaded plus the user's edits, the grid's view
 * (search, filters, sort, column widths) and the save state. Edits go through
 * `edit()`, which also writes the draft to IndexedDB.
 */
import { create } from 'zustand'
import { EMPTY_HISTORY, pushEdit, redo as redoEdit, undo as undoEdit, type Edit, type EditHistory } from './edits'
import type { ViewSpec } from './gridModel'
import { columnsOf, type Row } from './jsonl'

/** Which part of the datasets section is shown. */
export type DatasetTab = 'rows' | 'history' | 'import' | 'export'

/** A cell, by row id and column. */
export interface CellRef {
  id: string
  column: string
}

/** The version the edits are based on. */
export interface BaseVersion {
  digest: string
  n: number | null
}

/** The store's state. */
export interface DatasetState {
  tab: DatasetTab
  /** The project the open dataset belongs to. */
  projectDir: string | null
  name: string | null
  status: 'idle' | 'loading' | 'ready' | 'failed'
  error: string | null
  base: BaseVersion | null
  rows: readonly Row[]
  columns: string[]
  history: EditHistory
  view: ViewSpec
  widths: Record<string, number>
  selected: CellRef | null
  editing: CellRef | null
  saving: boolean
  /** Set when a save was refused because a newer version exists; the edits are kept. */
  conflict: string | null
  /** When the edits came back from a draft after a reload: when they were made. */
  restoredDraftAt: string | null
  /** The versions the diff view compares (from → to), by digest. */
  diffPair: { from: string; to: string } | null
}

/** Nothing open. */
export const INITIAL_DATASET_STATE: DatasetState = {
  tab: 'rows',
  projectDir: null,
  name: null,
  status: 'idle',
  error: null,
  base: null,
  rows: [],
  columns: [],
  history: EMPTY_HISTORY,
  view: { search: '', filters: {}, sort: null },
  widths: {},
  selected: null,
  editing: null,
  saving: false,
  conflict: null,
  restoredDraftAt: null,
  diffPair: null,
}

/** The datasets store. */
export const useDatasetStore = create<DatasetState>()(() => INITIAL_DATASET_STATE)

/** True when the rows differ from the base version: edits made, or a draft brought back. */
export function isDirty(state: Pick<DatasetState, 'history' | 'restoredDraftAt'>): boolean {
  return state.history.done.length > 0 || state.restoredDraftAt !== null
}

/** Default column width in pixels. */
export const DEFAULT_WIDTH = 180

type Listener = (state: DatasetState) => void
const editListeners = new Set<Listener>()

/** Runs `listener` after every edit, undo and redo (the draft writer). */
export function onEdited(listener: Listener): () => void {
  editListeners.add(listener)
  return () => editListeners.delete(listener)
}

function commit(rows: readonly Row[], history: EditHistory): void {
  const columns = useDatasetStore.getState().columns
  const known = new Set(columns)
  // New fields (from an added field or a redo) join the end; columns are never dropped mid-edit.
  const extra = columnsOf(rows.length > 2000 ? rows.slice(-50) : rows).filter((c) => !known.has(c))
  useDatasetStore.setState({ rows, history, columns: extra.length ? [...columns, ...extra] : columns, conflict: null })
  const state = useDatasetStore.getState()
  for (const listener of editListeners) listener(state)
}

/** Applies one edit. */
export function edit(change: Edit): void {
  const { rows, history } = useDatasetStore.getState()
  const next = pushEdit(rows, history, change)
  commit(next.rows, next.history)
}

/** Sets one cell; `undefined` removes the field. Refuses an id that is empty or already used. */
export function setCell(id: string, column: string, value: unknown): string | null {
  const row = useDatasetStore.getState().rows.find((r) => r.id === id)
  if (!row) return `no row with id "${id}"`
  if (column === 'id') {
    if (typeof value !== 'string' || value === '') return 'id must be a non-empty string'
    if (value !== id && useDatasetStore.getState().rows.some((r) => r.id === value)) return `id "${value}" is already used`
  }
  if (JSON.stringify(row[column]) === JSON.stringify(value)) return null
  edit({ type: 'set', id, field: column, before: row[column], after: value })
  if (column === 'id') useDatasetStore.setState({ selected: { id: value as string, column } })
  return null
}

/** Adds an empty row with a fresh id after the last one; returns its id. */
export function addRow(): string {
  const { rows } = useDatasetStore.getState()
  const ids = new Set(rows.map((r) => r.id))
  let n = rows.length + 1
  while (ids.has(`row-${n}`)) n++
  const id = `row-${n}`
  edit({ type: 'add', index: rows.length, row: { id } })
  useDatasetStore.setState({ selected: { id, column: 'id' } })
  return id
}

/** Deletes a row by id. */
export function deleteRow(id: string): void {
  const { rows } = useDatasetStore.getState()
  const index = rows.findIndex((r) => r.id === id)
  if (index === -1) return
  edit({ type: 'delete', index, row: rows[index]! })
  useDatasetStore.setState({ selected: null, editing: null })
}

/** Undoes the last edit. */
export function undo(): void {
  const { rows, history } = useDatasetStore.getState()
  if (!history.done.length) return
  const next = undoEdit(rows, history)
  commit(next.rows, next.history)
}

/** Redoes the last undone edit. */
export function redo(): void {
  const { rows, history } = useDatasetStore.getState()
  if (!history.undone.length) return
  const next = redoEdit(rows, history)
  commit(next.rows, next.history)
}

/** Changes the view (search, filters, sort). */
export function setView(patch: Partial<ViewSpec>): void {
  useDatasetStore.setState((s) => ({ view: { ...s.view, ...patch } }))
}

/** Sets a column's width, within sane bounds. */
export function setWidth(column: string, width: number): void {
  useDatasetStore.setState((s) => ({ widths: { ...s.widths, [column]: Math.max(60, Math.min(1200, Math.round(width))) } }))
}
