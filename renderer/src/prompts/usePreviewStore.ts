/**
 * Sample variables for the live preview: what the user typed per variable, or
 * a dataset row mapped onto the variables by name. Kept per project across
 * prompt switches, so trying a second prompt on the same ticket needs no retyping.
 */
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import { errorMessage } from '../api/errors'
import type { DeclaredVariable } from './promptSource'

/** A dataset row: any JSON object with an id. */
export type DatasetRow = Record<string, unknown> & { id: string }

/** The preview's state. */
export interface PreviewState {
  /** Variable name → the text in its field. */
  values: Record<string, string>
  dataset: string | null
  rows: DatasetRow[]
  rowId: string | null
  rowsError: string | null
}

/** Nothing typed, no dataset. */
export const INITIAL_PREVIEW_STATE: PreviewState = { values: {}, dataset: null, rows: [], rowId: null, rowsError: null }

/** The preview store. */
export const usePreviewStore = create<PreviewState>()(() => ({ ...INITIAL_PREVIEW_STATE }))

/** How many rows the picker offers; a preview needs a sample, not the whole dataset. */
export const MAX_PICKER_ROWS = 500

/** Rows of a JSONL text (blank and unreadable lines skipped), at most `limit`. */
export function parseJsonlRows(text: string, limit = MAX_PICKER_ROWS): DatasetRow[] {
  const rows: DatasetRow[] = []
  for (const line of text.split('\n')) {
    if (rows.length >= limit) break
    if (line.trim() === '') continue
    try {
      const value = JSON.parse(line) as unknown
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const row = value as Record<string, unknown>
        rows.push({ ...row, id: String(row.id ?? rows.length + 1) })
      }
    } catch {
      // The dataset viewer reports bad lines; the picker only needs good ones.
    }
  }
  return rows
}

/** A field's text for a value: strings as they are, anything else as JSON. */
export function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The values a row gives the variables whose names it has (other fields are ignored). */
export function valuesFromRow(row: DatasetRow, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => name in row).map((name) => [name, fieldText(row[name])]))
}

/**
 * Variables to render with: empty fields are left out (so they count as
 * missing), and fields of non-string types are read as JSON when they parse.
 */
export function variablesFromValues(values: Record<string, string>, declared: readonly DeclaredVariable[] | null): Record<string, unknown> {
  const types = new Map((declared ?? []).map((d) => [d.name, d.type]))
  const out: Record<string, unknown> = {}
  for (const [name, text] of Object.entries(values)) {
    if (text === '') continue
    const type = types.get(name) ?? 'string'
    if (type === 'string') {
      out[name] = text
      continue
    }
    try {
      out[name] = JSON.parse(text)
    } catch {
      out[name] = text
    }
  }
  return out
}

/** Sets one variable's text. */
export function setPreviewValue(name: string, text: string): void {
  usePreviewStore.setState((s) => ({ values: { ...s.values, [name]: text } }))
}

/** Loads a dataset's rows for the picker (null clears it). */
export async function pickDataset(client: WorkbenchClient, name: string | null): Promise<void> {
  usePreviewStore.setState({ dataset: name, rows: [], rowId: null, rowsError: null })
  if (!name) return
  try {
    const { content } = await client.call('objects.get', { ref: `dataset:${name}` })
    if (usePreviewStore.getState().dataset === name) usePreviewStore.setState({ rows: parseJsonlRows(content) })
  } catch (error) {
    if (usePreviewStore.getState().dataset === name) usePreviewStore.setState({ rowsError: errorMessage(error) })
  }
}

/** Fills the variables from a row of the picked dataset. */
export function pickRow(rowId: string, names: readonly string[]): void {
  const row = usePreviewStore.getState().rows.find((r) => r.id === rowId)
  if (!row) return
  usePreviewStore.setState((s) => ({ rowId, values: { ...s.values, ...valuesFromRow(row, names) } }))
}

/** Forgets everything (another project opened). */
export function resetPreview(): void {
  usePreviewStore.setState({ ...INITIAL_PREVIEW_STATE })
}
