/**
 * The model config open in the Playground: its text on disk, the text being
 * edited (from the form or the YAML view), and saving it as a version. Edits
 * are kept as a draft in IndexedDB a moment after they stop, like prompts, so
 * a reload or crash loses nothing. The store refuses secrets (an API key in
 * the file); that message is kept and shown beside the form, not only in a
 * passing notice.
 */
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import { errorMessage } from '../api/errors'
import { gitBlobId } from '../state/gitBlobId'
import { deleteDraft, loadDraft, saveDraft } from '../state/uiState'
import { useNotices } from '../ui/useNotices'

/** The model editor's state. */
export interface ModelState {
  projectDir: string | null
  name: string | null
  status: 'idle' | 'loading' | 'ready' | 'failed'
  error: string | null
  disk: string
  text: string
  saving: boolean
  /** Why the last save was refused; cleared by the next edit. */
  saveError: string | null
}

/** Nothing open. */
export const INITIAL_MODEL_STATE: ModelState = { projectDir: null, name: null, status: 'idle', error: null, disk: '', text: '', saving: false, saveError: null }

/** The model store. */
export const useModelStore = create<ModelState>()(() => ({ ...INITIAL_MODEL_STATE }))

let openSequence = 0

/** How long edits must pause before the draft is written. */
export const MODEL_DRAFT_DELAY_MS = 300

let pendingDraft: { timer: ReturnType<typeof setTimeout>; write: () => Promise<void> } | null = null

/** Writes a pending draft now (before opening another config, or in tests). */
export async function flushModelDraft(): Promise<void> {
  const pending = pendingDraft
  if (!pending) return
  pendingDraft = null
  clearTimeout(pending.timer)
  await pending.write()
}

// Stores the text as a draft when it differs from the file, drops the draft when equal.
function scheduleDraft(projectDir: string, name: string, text: string, disk: string): void {
  if (pendingDraft) clearTimeout(pendingDraft.timer)
  const write =
    text !== disk
      ? () => saveDraft({ projectDir, kind: 'model', name, content: text, base: disk, updatedAt: new Date().toISOString() })
      : () => deleteDraft(projectDir, 'model', name)
  pendingDraft = { write, timer: setTimeout(() => void flushModelDraft(), MODEL_DRAFT_DELAY_MS) }
}

/** Opens a model config from disk, with its draft if one was kept. */
export async function openModel(client: WorkbenchClient, projectDir: string, name: string): Promise<void> {
  await flushModelDraft()
  const mine = ++openSequence
  useModelStore.setState({ ...INITIAL_MODEL_STATE, projectDir, name, status: 'loading' })
  try {
    const [{ content }, draft] = await Promise.all([client.call('objects.read', { kind: 'model', name }), loadDraft(projectDir, 'model', name)])
    if (mine === openSequence) useModelStore.setState({ status: 'ready', disk: content, text: draft ? draft.content : content })
  } catch (error) {
    if (mine === openSequence) useModelStore.setState({ status: 'failed', error: errorMessage(error) })
  }
}

/** Takes new text from the form or the YAML view. */
export function editModel(text: string): void {
  const { projectDir, name, disk, status } = useModelStore.getState()
  if (status !== 'ready' || !projectDir || !name) return
  useModelStore.setState({ text, saveError: null })
  scheduleDraft(projectDir, name, text, disk)
}

/** Puts the text back to the file on disk and drops the draft. */
export async function revertModel(): Promise<void> {
  const { projectDir, name } = useModelStore.getState()
  if (pendingDraft) clearTimeout(pendingDraft.timer)
  pendingDraft = null
  useModelStore.setState((s) => ({ text: s.disk, saveError: null }))
  if (projectDir && name) await deleteDraft(projectDir, 'model', name)
}

/** Saves the text as a new version, guarded by the version it was edited from. */
export async function saveModel(client: WorkbenchClient, message?: string): Promise<boolean> {
  const { projectDir, name, text, disk, status, saving } = useModelStore.getState()
  if (!name || status !== 'ready' || saving) return false
  if (text === disk) {
    useNotices.getState().push('info', `model:${name} has no unsaved changes`)
    return false
  }
  useModelStore.setState({ saving: true, saveError: null })
  try {
    const result = await client.call('objects.save', {
      kind: 'model',
      name,
      content: text,
      baseVersion: await gitBlobId(disk),
      ...(message?.trim() ? { message: message.trim() } : {}),
    })
    const saved = (await client.call('objects.read', { kind: 'model', name })).content
    const now = useModelStore.getState()
    if (now.name !== name || now.projectDir !== projectDir) return true
    useModelStore.setState({ disk: saved, text: now.text === text ? saved : now.text })
    // Saved as typed: the draft is done. (Typed on meanwhile: the draft stays, now based on the saved text.)
    if (projectDir) scheduleDraft(projectDir, name, now.text === text ? saved : now.text, saved)
    useNotices.getState().push('info', `Saved model:${name} as v${result.version.n}`)
    return true
  } catch (error) {
    const why = errorMessage(error)
    useModelStore.setState({ saveError: why })
    useNotices.getState().push('error', `Not saved: ${why}`)
    return false
  } finally {
    useModelStore.setState({ saving: false })
  }
}

/** Re-reads the open config after its file changed on disk, unless it has unsaved edits. */
export async function reloadOpenModel(client: WorkbenchClient): Promise<void> {
  const { name, text, disk, status } = useModelStore.getState()
  if (!name || status !== 'ready') return
  const mine = openSequence
  try {
    const { content } = await client.call('objects.read', { kind: 'model', name })
    if (mine !== openSequence) return
    useModelStore.setState(text === disk ? { disk: content, text: content } : { disk: content })
  } catch (error) {
    if (mine === openSequence) useModelStore.setState({ status: 'failed', error: errorMessage(error) })
  }
}

/** Closes the editor (another project opened). */
export function resetModel(): void {
  void flushModelDraft()
  openSequence++
  useModelStore.setState({ ...INITIAL_MODEL_STATE })
}
