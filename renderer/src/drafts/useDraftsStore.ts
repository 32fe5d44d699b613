/**
 * Drafts found in the UI database when a project opens (a reload, a crash, a
 * restart), each checked against the file on disk. The banner offers them
 * back; nothing here ever writes a project file.
 */
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import { WeftError } from '../../../common/errors'
import type { ObjectKind } from '../../../common/schemas/project'
import type { ResponseOf } from '../../../common/contract'
import { errorMessage } from '../api/errors'
import { reportError } from '../ui/useNotices'
import { deleteDraft, listDraftNames } from '../state/uiState'
import { draftKindAdapter } from './draftKinds'

/**
 * `restored`: the file is as it was when the draft began. `conflict`: the file
 * changed since (saved elsewhere, edited outside Weft, pulled). `missing`: the
 * file is gone or unreadable.
 */
export type RestoredDraftState = 'restored' | 'conflict' | 'missing'

/** One draft as the banner shows it. */
export interface RestoredDraft {
  /** `kind:name`, unique within a project. */
  key: string
  kind: ObjectKind
  name: string
  /** What the user typed. */
  content: string
  /** The file when the draft began. */
  base: string
  /** The file now; null when it could not be read. */
  disk: string | null
  /** Why the file could not be read. */
  diskError: string | null
  updatedAt: string
  state: RestoredDraftState
  /**
   * `text`: `content` and `base` are whole file texts. `edits`: a large file's
   * draft, stored as its feature's own edit list with `base` = `digest:<version>`;
   * only its editor can show it, so there is no side-by-side text.
   */
  form: 'text' | 'edits'
}

/** Prefix of a `base` that names the version a draft began from instead of holding its text. */
export const DIGEST_BASE_PREFIX = 'digest:'

/** The drafts store's state. */
export interface DraftsState {
  projectDir: string | null
  drafts: RestoredDraft[]
  /** The draft shown side by side with its file. */
  comparing: string | null
}

/** No project. */
export const INITIAL_DRAFTS_STATE: DraftsState = { projectDir: null, drafts: [], comparing: null }

/** The drafts store. */
export const useDraftsStore = create<DraftsState>()(() => ({ ...INITIAL_DRAFTS_STATE }))

type StoredObject = ResponseOf<'objects.list'>['objects'][number]

let loadSequence = 0

/** Reads the project's stored drafts and the files they belong to, and shows them in the banner. */
export async function loadRestoredDrafts(client: WorkbenchClient, projectDir: string): Promise<void> {
  const mine = ++loadSequence
  useDraftsStore.setState({ ...INITIAL_DRAFTS_STATE, projectDir })
  const rows = await listDraftNames(projectDir)
  const listings = new Map<ObjectKind, Promise<StoredObject[]>>()
  const listing = (kind: ObjectKind) => {
    if (!listings.has(kind)) listings.set(kind, client.call('objects.list', { kind }).then((r) => r.objects))
    return listings.get(kind)!
  }
  const drafts = await Promise.all(
    rows.map(async (row): Promise<RestoredDraft> => {
      const key = `${row.kind}:${row.name}`
      const missing = (error: unknown): RestoredDraft => {
        const diskError = error instanceof WeftError && error.code === 'NOT_FOUND' ? 'The file is no longer in the project.' : errorMessage(error)
        return { ...row, key, disk: null, diskError, state: 'missing', form: 'text' }
      }
      try {
        if (row.base.startsWith(DIGEST_BASE_PREFIX)) {
          // Large files: compare versions from the listing rather than read the whole file.
          const found = (await listing(row.kind)).find((o) => o.name === row.name)
          if (!found) return { ...missing(new WeftError('NOT_FOUND', 'gone')), form: 'edits' }
          const unchanged = found.version?.digest === row.base.slice(DIGEST_BASE_PREFIX.length) && !found.modified
          return { ...row, key, disk: null, diskError: null, state: unchanged ? 'restored' : 'conflict', form: 'edits' }
        }
        const { content: disk } = await client.call('objects.read', { kind: row.kind, name: row.name })
        return { ...row, key, disk, diskError: null, state: disk === row.base ? 'restored' : 'conflict', form: 'text' }
      } catch (error) {
        return missing(error)
      }
    }),
  )
  if (mine !== loadSequence) return
  drafts.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
  useDraftsStore.setState({ projectDir, drafts })
}

/** Takes a draft off the banner; it stays stored (and in its editor). */
export function keepDraft(key: string): void {
  useDraftsStore.setState((s) => ({ drafts: s.drafts.filter((d) => d.key !== key), comparing: s.comparing === key ? null : s.comparing }))
}

/** Takes every draft off the banner, keeping them all. */
export function keepAllDrafts(): void {
  useDraftsStore.setState({ drafts: [], comparing: null })
}

/** Opens a draft in its editor and takes it off the banner. */
export async function openDraft(client: WorkbenchClient, key: string): Promise<void> {
  const { projectDir, drafts } = useDraftsStore.getState()
  const draft = drafts.find((d) => d.key === key)
  const open = draft && draftKindAdapter(draft.kind).open
  if (!projectDir || !draft || !open) return
  keepDraft(key)
  await open(client, projectDir, draft.name)
}

/** Deletes a stored draft for good; an editor showing it goes back to the file. */
export async function discardDraft(key: string): Promise<void> {
  const { projectDir, drafts } = useDraftsStore.getState()
  const draft = drafts.find((d) => d.key === key)
  if (!projectDir || !draft) return
  try {
    await deleteDraft(projectDir, draft.kind, draft.name)
    await draftKindAdapter(draft.kind).discarded?.(projectDir, draft.name)
  } catch (error) {
    reportError(`Could not discard the draft of ${key}: ${errorMessage(error)}`)
    return
  }
  keepDraft(key)
}

/** Shows (or, with null, hides) a draft side by side with its file. */
export function compareDraft(key: string | null): void {
  useDraftsStore.setState({ comparing: key })
}

/** Forgets the banner (another project opened, or tests). */
export function resetDrafts(): void {
  loadSequence++
  useDraftsStore.setState({ ...INITIAL_DRAFTS_STATE })
}
