/**
 * Appending one row to a dataset as a new version — from the Playground (a
 * run's variables and output) or the trace viewer (a span's input and
 * output). A dataset that does not exist yet is created.
 */
import type { WorkbenchClient } from '../../../common/client'
import { WeftError } from '../../../common/errors'

/** A fresh row id (datasets need a stable id per row); the prefix says where the row came from. */
export function newRowId(prefix = 'row'): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`
}

/**
 * Appends `row` under a fresh id as a new version of `dataset`, guarded by the
 * version it read (a concurrent save makes this fail rather than lose a row);
 * returns the new version number.
 */
export async function appendDatasetRow(
  client: WorkbenchClient,
  dataset: string,
  row: Record<string, unknown>,
  message: string,
  options: { idPrefix?: string; create?: boolean } = {},
): Promise<number> {
  const idPrefix = options.idPrefix ?? 'row'
  let content = ''
  let baseVersion: string | null = null
  // A new dataset has nothing to read (and saving with no base refuses to overwrite one that appeared meanwhile).
  if (!options.create) {
    try {
      const current = await client.call('objects.get', { ref: `dataset:${dataset}` })
      content = current.content
      baseVersion = current.resolved.digest
    } catch (error) {
      if (!(error instanceof WeftError && error.code === 'NOT_FOUND')) throw error
    }
  }
  const line = JSON.stringify({ id: newRowId(idPrefix), ...row })
  const next = content === '' || content.endsWith('\n') ? `${content}${line}\n` : `${content}\n${line}\n`
  const saved = await client.call('objects.save', { kind: 'dataset', name: dataset, content: next, baseVersion, message })
  return saved.version.n ?? 0
}
