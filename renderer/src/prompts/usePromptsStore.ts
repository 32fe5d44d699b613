/**
 * The prompt open in the editor: its text on disk, the text being edited and
 * whether that is an unsaved draft. Drafts go to IndexedDB a moment after
 * typing stops, so a crash or reload never loses more than that moment.
 */
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import { errorMessage } from '../api/errors'
import { runSaveTarget } from '../editor/saveTarget'
import { useNotices } from '../ui/useNotices'
import { deleteDraft, loadDraft, loadOpenTab, saveDraft, saveOpenTab } from '../state/uiState'
import { gitBlobId } from '../state/gitBlobId'

/** The prompt editor's state. */
export interface PromptsState {
  projectDir: string | null
  /** The open prompt's name (file stem), or null when none is open. */
  name: string | null
  status: 'idle' | 'loading' | 'ready' | 'failed'
  error: string | null
  /** The file's text as last read from disk. */
  disk: string
  /** The text in the editor. */
  text: string
  /** The file's text when the current draft started; null when there is no draft. */
  draftBase: string | null
  /** A save is in flight. */
  saving: boolean
  /** The commit-message dialog is open. */
  saveDialog: boolean
  /** What the panel beside the editor shows. */
  panel: 'preview' | 'history'
}

/** No prompt open. */
export const INITIAL_PROMPTS_STATE: PromptsState = {
  projectDir: null,
  name: null,
  status: 'idle',
  error: null,
  disk: '',
  text: '',
  draftBase: null,
  saving: false,
  saveDialog: false,
  panel: 'preview',
}

/** The prompts store. */
export const usePromptsStore = create<PromptsState>()(() => ({ ...INITIAL_PROMPTS_STATE }))

/** How long typing must pause before the draft is written. */
export const DRAFT_DELAY_MS = 300

let pendingDraft: { timer: ReturnType<typeof setTimeout>; write: () => Promise<void> } | null = null
// Each openPrompt gets a number; a slower earlier read must not replace a later one.
let openSequence = 0

/** Writes a pending draft now (before switching files, or when the window hides). */
export async function flushDraft(): Promise<void> {
  const pending = pendingDraft
  if (!pending) return
  pendingDraft = null
  clearTimeout(pending.timer)
  await pending.write()
}

/** Opens a prompt: reads the file and any stored draft, and remembers it as the project's open tab. */
export async function openPrompt(client: WorkbenchClient, projectDir: string, name: string): Promise<void> {
  await flushDraft()
  const mine = ++openSequence
  // The side panel stays as the user left it when switching prompts.
  usePromptsStore.setState({ ...INITIAL_PROMPTS_STATE, panel: usePromptsStore.getState().panel, projectDir, name, status: 'loading' })
  void saveOpenTab(projectDir, { kind: 'prompt', name })
  try {
    const [{ content }, draft] = await Promise.all([
      client.call('objects.read', { kind: 'prompt', name }),
      loadDraft(projectDir, 'prompt', name),
    ])
    if (mine !== openSequence) return
    usePromptsStore.setState({
      status: 'ready',
      disk: content,
      text: draft ? draft.content : content,
      draftBase: draft ? draft.base : null,
    })
  } catch (error) {
    if (mine !== openSequence) return
    usePromptsStore.setState({ status: 'failed', error: errorMessage(error) })
  }
}

/** Reopens the prompt that was open when the project was last used, if there was one. */
export async function restoreOpenPrompt(client: WorkbenchClient, projectDir: string): Promise<void> {
  const tab = await loadOpenTab(projectDir)
  const state = usePromptsStore.getState()
  // The user may have clicked a prompt while the tab was being read.
  if (tab?.kind === 'prompt' && state.projectDir !== projectDir) await openPrompt(client, projectDir, tab.name)
}

/** Takes the editor's text; a draft is stored when it differs from the file, dropped when equal. */
export function editPrompt(text: string): void {
  const state = usePromptsStore.getState()
  const { projectDir, name, disk } = state
  if (!projectDir || !name || state.status !== 'ready' || text === state.text) return
  const isDraft = text !== disk
  const draftBase = isDraft ? (state.draftBase ?? disk) : null
  usePromptsStore.setState({ text, draftBase })
  if (pendingDraft) clearTimeout(pendingDraft.timer)
  const write = isDraft
    ? () => saveDraft({ projectDir, kind: 'prompt', name, content: text, base: draftBase ?? disk, updatedAt: new Date().toISOString() })
    : () => deleteDraft(projectDir, 'prompt', name)
  pendingDraft = { write, timer: setTimeout(() => void flushDraft(), DRAFT_DELAY_MS) }
}

/** Throws the draft away and shows the file as it is on disk. */
export async function discardPromptDraft(): Promise<void> {
  const { projectDir, name, disk } = usePromptsStore.getState()
  if (!projectDir || !name) return
  if (pendingDraft) clearTimeout(pendingDraft.timer)
  pendingDraft = null
  usePromptsStore.setState({ text: disk, draftBase: null })
  await deleteDraft(projectDir, 'prompt', name)
}

/**
 * Re-reads the open prompt after its file changed on disk. Without a draft the
 * editor shows the new text; with one, the draft is kept and the notice says
 * the file changed underneath it.
 */
export async function reloadOpenPrompt(client: WorkbenchClient): Promise<void> {
  const { projectDir, name, status } = usePromptsStore.getState()
  if (!projectDir || !name || status === 'loading') return
  const mine = openSequence
  try {
    const { content } = await client.call('objects.read', { kind: 'prompt', name })
    if (mine !== openSequence) return
    const now = usePromptsStore.getState()
    usePromptsStore.setState(
      now.draftBase === null ? { status: 'ready', error: null, disk: content, text: content } : { status: 'ready', error: null, disk: content },
    )
  } catch (error) {
    // The file was removed or renamed: show that instead of stale text.
    if (mine !== openSequence) return
    usePromptsStore.setState({ status: 'failed', error: errorMessage(error) })
  }
}

/** Closes the editor (another project was opened). */
export function resetPrompts(): void {
  void flushDraft()
  openSequence++
  usePromptsStore.setState({ ...INITIAL_PROMPTS_STATE })
}


let editorShown = false

/** The prompt editor says whether it is on screen (the save dialog lives in it). */
export function setPromptEditorShown(shown: boolean): void {
  editorShown = shown
}

/**
 * Ctrl/Cmd+S and the draft notice: asks for a version message, or says there
 * is nothing to save. Another editor on screen (a model config) saves itself
 * instead; with no editor on screen the draft is saved with the default message.
 */
export function saveOpenPrompt(client?: WorkbenchClient): void {
  if (runSaveTarget()) return
  const state = usePromptsStore.getState()
  if (!state.projectDir || !state.name || state.status !== 'ready' || state.saving) return
  if (state.draftBase === null) {
    useNotices.getState().push('info', `prompt:${state.name} has no unsaved changes`)
    return
  }
  // Typing goes on where it was (the editor) once the dialog closes; Modal cannot know,
  // as the message field has taken focus by the time it looks.
  focusBeforeSaveDialog = document.activeElement instanceof HTMLElement ? document.activeElement : null
  if (!editorShown) {
    if (client) void commitOpenPrompt(client)
    return
  }
  usePromptsStore.setState({ saveDialog: true })
}

let focusBeforeSaveDialog: HTMLElement | null = null

/** Puts focus back where it was when the save dialog opened (after the dialog has gone). */
export function refocusAfterSaveDialog(): void {
  const target = focusBeforeSaveDialog
  focusBeforeSaveDialog = null
  setTimeout(() => target?.isConnected && target.focus(), 0)
}

/** Closes the commit-message dialog without saving; the draft stays. */
export function cancelSaveDialog(): void {
  usePromptsStore.setState({ saveDialog: false })
}

/**
 * Saves the draft as a new version with `message`. The version the draft
 * started from goes along, so the store refuses (and the draft stays) when
 * someone saved a newer one in the meantime or the file was edited outside Weft.
 */
export async function commitOpenPrompt(client: WorkbenchClient, message?: string): Promise<void> {
  const state = usePromptsStore.getState()
  const { projectDir, name, text, draftBase } = state
  usePromptsStore.setState({ saveDialog: false })
  if (!projectDir || !name || state.status !== 'ready' || state.saving || draftBase === null) return
  await flushDraft()
  usePromptsStore.setState({ saving: true })
  try {
    const trimmed = message?.trim()
    const result = await client.call('objects.save', {
      kind: 'prompt',
      name,
      content: text,
      baseVersion: await gitBlobId(draftBase),
      ...(trimmed ? { message: trimmed } : {}),
    })
    if (usePromptsStore.getState().name !== name) return
    // The store canonicalises (line endings, final newline): show what was saved.
    const saved = (await client.call('objects.read', { kind: 'prompt', name })).content
    const now = usePromptsStore.getState()
    usePromptsStore.setState({ disk: saved, draftBase: now.text === text ? null : saved, text: now.text === text ? saved : now.text })
    if (now.text === text) await deleteDraft(projectDir, 'prompt', name)
    useNotices.getState().push('info', result.created ? `Saved prompt:${name} as v${result.version.n}` : `prompt:${name} is unchanged (v${result.version.n})`)
  } catch (error) {
    useNotices.getState().push('error', `Not saved: ${errorMessage(error)}`)
  } finally {
    usePromptsStore.setState({ saving: false })
  }
}

/** Creates a prompt from `content` as its first version (refused if the name exists), then opens it. */
export async function createPrompt(client: WorkbenchClient, projectDir: string, name: string, content: string): Promise<boolean> {
  try {
    await client.call('objects.save', { kind: 'prompt', name, content, baseVersion: null, message: `Create prompt:${name}` })
  } catch (error) {
    useNotices.getState().push('error', `Not created: ${errorMessage(error)}`)
    return false
  }
  await openPrompt(client, projectDir, name)
  return true
}

