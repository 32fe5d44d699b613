/**
 * Git state of the open project as the UI shows it: branches with their
 * ahead/behind counts, which sync is running and which git dialog is open.
 * Actions live in gitActions.ts because they need the client.
 */
import { create } from 'zustand'
import type { ResponseOf } from '../../../common/contract'

/** One local branch as `branches.list` reports it. */
export type Branch = ResponseOf<'branches.list'>['branches'][number]

/** One file a pull could not merge. */
export type PullConflictFile = Extract<ResponseOf<'sync.pull'>, { status: 'conflict' }>['files'][number]

/** A sync the user can start from the status bar or the palette. */
export type SyncAction = 'pull' | 'push'

/** Why a branch operation was refused, in words, with the files it is about. */
export interface BranchProblem {
  message: string
  files: string[]
}

/** The git dialog on screen, if any (one at a time, like the shell's overlays). */
export type GitDialog =
  | null
  | { kind: 'branches'; focus: 'list' | 'new' }
  | { kind: 'add-remote'; reason: string | null; then: SyncAction | null }
  | { kind: 'pull-conflict'; remote: string; files: PullConflictFile[] }

/** The git store's state. */
export interface GitState {
  /** The project the branch list belongs to. */
  projectDir: string | null
  branches: Branch[]
  /** The current branch by `branches.list` (null when detached or not known yet). */
  current: string | null
  /** A pull or push is running; both buttons wait for it. */
  syncing: SyncAction | null
  /** A branch switch or create is running. */
  branchBusy: boolean
  /** The last refused branch operation, shown in the branches dialog. */
  branchProblem: BranchProblem | null
  dialog: GitDialog
}

/** Nothing known yet. */
export const INITIAL_GIT_STATE: GitState = {
  projectDir: null,
  branches: [],
  current: null,
  syncing: null,
  branchBusy: false,
  branchProblem: null,
  dialog: null,
}

/** The git store. */
export const useGitStore = create<GitState>()(() => ({ ...INITIAL_GIT_STATE }))

/** The current branch's entry (with ahead/behind when it has an upstream). */
export function selectCurrentBranch(state: GitState): Branch | undefined {
  return state.branches.find((b) => b.isCurrent)
}

/** Opens a git dialog (closing any other) and clears the last branch problem. */
export function openGitDialog(dialog: GitDialog): void {
  useGitStore.setState({ dialog, branchProblem: null })
}

/** Closes the git dialog. */
export function closeGitDialog(): void {
  useGitStore.setState({ dialog: null, branchProblem: null })
}
