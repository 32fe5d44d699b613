/**
 * Loading, saving and drafts of the open dataset. Every edit is written to the
 * drafts table at once (see draftFormat.ts for the two shapes a draft takes),
 * so a reload or crash loses nothing.
 */
import type { WorkbenchClient } from '../../../common/client'
import { WeftError } from '../../../common/errors'
import { errorMessage } from '../api/errors'
import { deleteDraft, loadDraft, saveDraft } from '../state/uiState'
import { useNotices } from '../ui/useNotices'
import { decodeDraft, encodeDigestBase, encodeEdits, WHOLE_TEXT_DRAFT_LIMIT } from './draftFormat'
import { gitBlobId } from '../state/gitBlobId'
import { EMPTY_HISTORY, replayEdits, type EditHistory } from './edits'
import { initialWidths } from './gridModel'
import { columnsOf, serializeJsonl, type Row } from './jsonl'
import { parseInBackground } from './parseInBackground'
import { INITIAL_DATASET_STATE, isDirty, onEdited, useDatasetStore, type BaseVersion, type DatasetState } from './useDatasetStore'

// Bumped on each open so a slow load of the previous dataset cannot overwrite the new one.
let openEpoch = 0
let draftProject: string | null = null
// The base version's text when it is small enough for whole-text drafts; null for large datasets.
let baseText: string | null = null
// Writes are chained so an older draft never lands after a newer one.
let draftWrites: Promise<void> = Promise.resolve()

/** Writes the open dataset's draft, or drops it when nothing is left to save. */
function writeDraft(state: DatasetState): void {
  const { name, base, history, rows } = state
  if (!draftProject || !name || !base) return
  const projectDir = draftProject
  const dirty = isDirty(state)
  const draft = !dirty
    ? null
    : baseText !== null
      ? { content: serializeJsonl(rows), base: baseText }
      : { content: encodeEdits(history.done), base: encodeDigestBase(base.digest) }
  draftWrites = draftWrites.then(() =>
    draft ? saveDraft({ projectDir, kind: 'dataset', name, ...draft, updatedAt: new Date().toISOString() }) : deleteDraft(projectDir, 'dataset', name),
  )
}

onEdited(writeDraft)

/** Resolves once every pending draft write has reached IndexedDB. */
export function draftsSettled(): Promise<void> {
  return draftWrites
}

async function parseRows(content: string): Promise<Row[]> {
  const parsed = await parseInBackground(content)
  if (parsed.problems.length) {
    const p = parsed.problems[0]!
    throw new Error(`line ${p.line}: ${p.message}${parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more)` : ''}`)
  }
  return parsed.rows
}

async function fetchVersion(client: WorkbenchClient, ref: string): Promise<{ rows: Row[]; base: BaseVersion; text: string }> {
  const { resolved, content } = await client.call('objects.get', { ref })
  return { rows: await parseRows(content), base: { digest: resolved.digest, n: resolved.n }, text: content }
}

interface Opened {
  rows: Row[]
  base: BaseVersion
  history: EditHistory
  text: string | null
  restoredAt: string | null
}

// A draft's edits apply to the version they were made on, even if a newer one exists since:
// saving then meets CONFLICT instead of silently overwriting the newer version.
async function loadWithDraft(client: WorkbenchClient, projectDir: string, name: string): Promise<Opened> {
  const draft = await loadDraft(projectDir, 'dataset', name)
  if (!draft) {
    const v = await fetchVersion(client, `dataset:${name}`)
    return { ...v, history: EMPTY_HISTORY, restoredAt: null }
  }
  const decoded = decodeDraft(draft.content, draft.base)
  if (decoded.form === 'edits') {
    const v = await fetchVersion(client, `dataset:${name}@${decoded.digest}`)
    return { rows: replayEdits(v.rows, decoded.edits), base: v.base, history: { done: decoded.edits, undone: [] }, text: null, restoredAt: draft.updatedAt }
  }
  const digest = await gitBlobId(decoded.baseText)
  const resolved = await client.call('refs.resolve', { ref: `dataset:${name}@${digest}` })
  return { rows: await parseRows(decoded.text), base: { digest, n: resolved.n }, history: EMPTY_HISTORY, text: decoded.baseText, restoredAt: draft.updatedAt }
}

/** Opens a dataset at its current version, or with its stored draft on top of the version the draft began from. */
export async function openDataset(client: WorkbenchClient, projectDir: string, name: string): Promise<void> {
  const epoch = ++openEpoch
  draftProject = projectDir
  const keep = useDatasetStore.getState()
  useDatasetStore.setState({ ...INITIAL_DATASET_STATE, tab: keep.tab === 'import' ? 'rows' : keep.tab, projectDir, name, status: 'loading' })
  try {
    const opened = await loadWithDraft(client, projectDir, name)
    if (epoch !== openEpoch) return
    baseText = opened.text !== null && opened.text.length <= WHOLE_TEXT_DRAFT_LIMIT ? opened.text : null
    const { rows, base, history, restoredAt } = opened
    const columns = columnsOf(rows)
    useDatasetStore.setState({ status: 'ready', rows, history, columns, widths: initialWidths(rows, columns), base, restoredDraftAt: restoredAt })
  } catch (error) {
    if (epoch !== openEpoch) return
    useDatasetStore.setState({ status: 'failed', error: errorMessage(error) })
  }
}

/** Closes the dataset view (its draft stays stored). */
export function closeDataset(): void {
  openEpoch++
  useDatasetStore.setState({ ...INITIAL_DATASET_STATE, tab: useDatasetStore.getState().tab })
}

/** Saves rows as a new version based on the loaded one; on CONFLICT keeps everything and says so. Returns the new digest. */
export async function saveDataset(client: WorkbenchClient, message?: string): Promise<string | null> {
  const state = useDatasetStore.getState()
  if (!state.name || !state.base || state.saving || !isDirty(state)) return null
  const { name, base } = state
  const count = state.history.done.length
  const content = serializeJsonl(state.rows)
  useDatasetStore.setState({ saving: true, conflict: null })
  try {
    const result = await client.call('objects.save', {
      kind: 'dataset',
      name,
      content,
      message: message?.trim() || `Edit dataset:${name}${count ? ` (${count} change${count === 1 ? '' : 's'})` : ''}`,
      baseVersion: base.digest,
    })
    if (useDatasetStore.getState().name !== name) return result.version.digest
    baseText = content.length <= WHOLE_TEXT_DRAFT_LIMIT ? content : null
    // Edits made while the save was in flight stay, as a draft on the new version.
    const later = useDatasetStore.getState().history.done.slice(count)
    useDatasetStore.setState({
      saving: false,
      base: { digest: result.version.digest, n: result.version.n },
      history: { done: later, undone: [] },
      restoredDraftAt: null,
      diffPair: { from: base.digest, to: result.version.digest },
    })
    writeDraft(useDatasetStore.getState())
    useNotices.getState().push('info', result.created ? `Saved dataset:${name} as v${result.version.n}` : `dataset:${name} is unchanged (v${result.version.n})`)
    return result.version.digest
  } catch (error) {
    const conflict = error instanceof WeftError && error.code === 'CONFLICT'
    useDatasetStore.setState({
      saving: false,
      conflict: conflict
        ? `Not saved: dataset:${name} has a newer version than the one you edited. Your edits are kept — apply them to the newest version, then save again.`
        : `Not saved: ${errorMessage(error)}`,
    })
    return null
  }
}

/** Re-applies the edits to the newest version (after a CONFLICT); a whole-text draft without edits cannot be rebased. */
export async function rebaseOnLatest(client: WorkbenchClient): Promise<void> {
  const { name, history, restoredDraftAt } = useDatasetStore.getState()
  if (!name) return
  if (restoredDraftAt && history.done.length === 0) {
    useDatasetStore.setState({ conflict: 'These restored edits are a whole copy of the dataset, not a list of changes, so they cannot be re-applied; compare in History and copy what you need.' })
    return
  }
  try {
    const latest = await fetchVersion(client, `dataset:${name}`)
    const rows = replayEdits(latest.rows, history.done)
    baseText = latest.text.length <= WHOLE_TEXT_DRAFT_LIMIT ? latest.text : null
    useDatasetStore.setState({ rows, base: latest.base, columns: columnsOf(rows), conflict: null })
    writeDraft(useDatasetStore.getState())
  } catch (error) {
    useDatasetStore.setState({ conflict: `Your edits do not apply to the newest version (${errorMessage(error)}); they are kept as they are.` })
  }
}

/**
 * Follows a newer version saved elsewhere (terminal, pull) when there are no
 * edits to lose; keeps search, sort and widths. With edits, nothing changes:
 * the save will meet CONFLICT and say so.
 */
export async function refreshIfClean(client: WorkbenchClient): Promise<void> {
  const before = useDatasetStore.getState()
  if (!before.name || before.status !== 'ready' || isDirty(before) || before.saving) return
  const resolved = await client.call('refs.resolve', { ref: `dataset:${before.name}` }).catch(() => null)
  if (!resolved || resolved.digest === before.base?.digest) return
  const epoch = openEpoch
  const latest = await fetchVersion(client, `dataset:${before.name}`).catch(() => null)
  const now = useDatasetStore.getState()
  if (!latest || epoch !== openEpoch || isDirty(now) || now.name !== before.name) return
  baseText = latest.text.length <= WHOLE_TEXT_DRAFT_LIMIT ? latest.text : null
  const columns = columnsOf(latest.rows)
  useDatasetStore.setState({ rows: latest.rows, base: latest.base, columns, history: EMPTY_HISTORY, editing: null })
}

/** Throws away the edits and reloads the current version. */
export async function discardEdits(client: WorkbenchClient, projectDir: string): Promise<void> {
  const { name } = useDatasetStore.getState()
  if (!name) return
  await draftWrites
  await deleteDraft(projectDir, 'dataset', name)
  await openDataset(client, projectDir, name)
}
