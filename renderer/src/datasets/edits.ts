/**
 * Edits to a dataset as data: each one can be applied and undone, and the list
 * of applied edits is what a draft stores (small, unlike the 100 MB JSONL).
 */
import type { Row } from './jsonl'

/** One change to the rows. Rows are found by id because indexes shift with sorting and deletes. */
export type Edit =
  | { type: 'set'; id: string; field: string; before?: unknown; after?: unknown }
  | { type: 'add'; index: number; row: Row }
  | { type: 'delete'; index: number; row: Row }

/** Applies an edit, returning a new array (rows themselves are replaced, never mutated). */
export function applyEdit(rows: readonly Row[], edit: Edit): Row[] {
  const next = rows.slice()
  switch (edit.type) {
    case 'set': {
      const i = next.findIndex((r) => r.id === edit.id)
      if (i === -1) throw new Error(`no row with id "${edit.id}"`)
      const row: Record<string, unknown> = { ...next[i]! }
      if (edit.after === undefined) delete row[edit.field]
      else row[edit.field] = edit.after
      next[i] = row as Row
      return next
    }
    case 'add':
      next.splice(Math.min(edit.index, next.length), 0, edit.row)
      return next
    case 'delete': {
      const i = next.findIndex((r) => r.id === edit.row.id)
      if (i === -1) throw new Error(`no row with id "${edit.row.id}"`)
      next.splice(i, 1)
      return next
    }
  }
}

/** The edit that undoes `edit`. */
export function invertEdit(edit: Edit): Edit {
  switch (edit.type) {
    case 'set':
      // Changing the id moves the row's key: the inverse finds it by its new id.
      return edit.field === 'id'
        ? { type: 'set', id: String(edit.after), field: 'id', before: edit.after, after: edit.before }
        : { type: 'set', id: edit.id, field: edit.field, before: edit.after, after: edit.before }
    case 'add':
      return { type: 'delete', index: edit.index, row: edit.row }
    case 'delete':
      return { type: 'add', index: edit.index, row: edit.row }
  }
}

/** Applied edits (`done`) and undone ones that redo can bring back. */
export interface EditHistory {
  done: Edit[]
  undone: Edit[]
}

/** An empty history. */
export const EMPTY_HISTORY: EditHistory = { done: [], undone: [] }

/** Applies a new edit; anything undone is forgotten. */
export function pushEdit(rows: readonly Row[], history: EditHistory, edit: Edit): { rows: Row[]; history: EditHistory } {
  return { rows: applyEdit(rows, edit), history: { done: [...history.done, edit], undone: [] } }
}

/** Undoes the last edit, if any. */
export function undo(rows: readonly Row[], history: EditHistory): { rows: readonly Row[]; history: EditHistory } {
  const edit = history.done.at(-1)
  if (!edit) return { rows, history }
  return { rows: applyEdit(rows, invertEdit(edit)), history: { done: history.done.slice(0, -1), undone: [...history.undone, edit] } }
}

/** Redoes the last undone edit, if any. */
export function redo(rows: readonly Row[], history: EditHistory): { rows: readonly Row[]; history: EditHistory } {
  const edit = history.undone.at(-1)
  if (!edit) return { rows, history }
  return { rows: applyEdit(rows, edit), history: { done: [...history.done, edit], undone: history.undone.slice(0, -1) } }
}

/** Replays stored edits on freshly loaded rows (a draft coming back). */
export function replayEdits(rows: readonly Row[], edits: readonly Edit[]): Row[] {
  let out = rows.slice()
  for (const edit of edits) out = applyEdit(out, edit)
  return out
}
