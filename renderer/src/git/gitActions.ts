/**
 * Git operations from the UI: refresh the branch list, switch or create a
 * branch, pull, push and add a remote. Each is one client call plus store
 * updates, and every failure is put in words for the user.
 */
import type { WorkbenchClient } from '../../../common/client'
import { WeftError } from '../../../common/errors'
import { errorMessage } from '../api/errors'
import { useProjectStore } from '../project/useProjectStore'
import { useNotices } from '../ui/useNotices'
import { closeGitDialog, openGitDialog, useGitStore, type BranchProblem, type SyncAction } from './useGitStore'

// A slower earlier answer must not replace a later one (events can come in bursts).
let refreshSequence = 0

const info = (text: string) => useNotices.getState().push('info', text)
const fail = (text: string) => useNotices.getState().push('error', text)

/** Re-reads branches and ahead/behind. Quiet on failure: the status bar just shows less. */
export async function refreshBranches(client: WorkbenchClient): Promise<void> {
  const project = useProjectStore.getState().project
  const mine = ++refreshSequence
  if (!project || project.status !== 'ready' || !project.isGitRepo) {
    useGitStore.setState({ projectDir: project?.dir ?? null, branches: [], current: null })
    return
  }
  try {
    const { current, branches } = await client.call('branches.list', {})
    if (mine === refreshSequence) useGitStore.setState({ projectDir: project.dir, current, branches })
  } catch {
    if (mine === refreshSequence) useGitStore.setState({ projectDir: project.dir, branches: [], current: null })
  }
}

// The project info arrives by event as well; applying it now keeps the status bar from lagging.
function applyHead(branch: string, head: string): void {
  useProjectStore.setState((s) => (s.project ? { project: { ...s.project, branch, head } } : {}))
}

/** A refused branch operation in words; a CONFLICT names the files with unsaved changes. */
export function describeBranchProblem(error: unknown, target: string): BranchProblem {
  if (error instanceof WeftError && error.code === 'CONFLICT') {
    const files = (error.issues ?? []).map((i) => i.file).filter((f): f is string => typeof f === 'string')
    if (files.length > 0) {
      return {
        message: `Weft did not switch to ${target}: ${files.length === 1 ? 'this file has' : 'these files have'} changes that are not saved as a version, and switching would overwrite them. Save or discard them first.`,
        files,
      }
    }
  }
  return { message: errorMessage(error), files: [] }
}

/** Switches branch; on refusal the branches dialog stays open and says why. */
export async function switchBranch(client: WorkbenchClient, name: string): Promise<boolean> {
  if (useGitStore.getState().branchBusy) return false
  useGitStore.setState({ branchBusy: true, branchProblem: null })
  try {
    const { current, head } = await client.call('branches.switch', { name })
    applyHead(current, head)
    closeGitDialog()
    info(`Switched to branch ${current}`)
    return true
  } catch (error) {
    useGitStore.setState({ branchProblem: describeBranchProblem(error, name) })
    return false
  } finally {
    useGitStore.setState({ branchBusy: false })
    void refreshBranches(client)
  }
}

/** Creates a branch from the current one and (by default) switches to it. */
export async function createBranch(client: WorkbenchClient, name: string, checkout = true): Promise<boolean> {
  if (useGitStore.getState().branchBusy) return false
  useGitStore.setState({ branchBusy: true, branchProblem: null })
  try {
    const created = await client.call('branches.create', { name, checkout })
    if (checkout) applyHead(created.name, created.head)
    closeGitDialog()
    info(checkout ? `Created branch ${created.name} and switched to it` : `Created branch ${created.name}`)
    return true
  } catch (error) {
    useGitStore.setState({ branchProblem: { message: errorMessage(error), files: [] } })
    return false
  } finally {
    useGitStore.setState({ branchBusy: false })
    void refreshBranches(client)
  }
}

// The current branch's upstream remote, else origin, else the first one.
async function pickRemote(client: WorkbenchClient): Promise<string | null> {
  const { remotes } = await client.call('remotes.list', {})
  if (remotes.length === 0) return null
  const upstream = useGitStore.getState().branches.find((b) => b.isCurrent)?.upstream?.split('/')[0]
  const names = remotes.map((r) => r.name)
  if (upstream && names.includes(upstream)) return upstream
  return names.includes('origin') ? 'origin' : names[0]!
}

const NO_REMOTE: Record<SyncAction, string> = {
  pull: 'Nothing to pull from: this project has no remote yet. Add one to pull and push.',
  push: 'Nowhere to push to: this project has no remote yet. Add one to pull and push.',
}

/** A failed pull or push in words. */
export function describeSyncError(action: SyncAction, error: unknown): string {
  const text = errorMessage(error)
  if (error instanceof WeftError) {
    if (error.code === 'NETWORK') return `${action === 'pull' ? 'Pull' : 'Push'} failed, nothing changed: ${text}`
    if (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN') return `${action === 'pull' ? 'Pull' : 'Push'} refused: ${text}. Check the remote's token.`
    if (error.code === 'CONFLICT' && action === 'push') return `Push refused: ${text}`
  }
  return `${action === 'pull' ? 'Pull' : 'Push'} failed: ${text}`
}

/** Pulls from the remote; with none, offers to add one and pulls after. */
export async function pull(client: WorkbenchClient): Promise<void> {
  await runSync(client, 'pull', async (remote) => {
    const result = await client.call('sync.pull', { remote })
    if (result.status === 'up-to-date') info(`Already up to date with ${remote}`)
    else if (result.status === 'fast-forward') info(`Pulled from ${remote}: fast-forward to ${result.head.slice(0, 7)}`)
    else if (result.status === 'merged') info(`Pulled from ${remote} and merged (${result.head.slice(0, 7)})`)
    else openGitDialog({ kind: 'pull-conflict', remote, files: result.files })
  })
}

/** Pushes the current branch; with no remote, offers to add one and pushes after. */
export async function push(client: WorkbenchClient): Promise<void> {
  await runSync(client, 'push', async (remote) => {
    const branch = useProjectStore.getState().project?.branch ?? 'the branch'
    const result = await client.call('sync.push', { remote })
    info(result.status === 'pushed' ? `Pushed ${branch} to ${remote}` : `${remote} already has everything on ${branch}`)
  })
}

async function runSync(client: WorkbenchClient, action: SyncAction, run: (remote: string) => Promise<void>): Promise<void> {
  if (useGitStore.getState().syncing) return
  useGitStore.setState({ syncing: action })
  try {
    const remote = await pickRemote(client)
    if (!remote) {
      openGitDialog({ kind: 'add-remote', reason: NO_REMOTE[action], then: action })
      return
    }
    await run(remote)
  } catch (error) {
    fail(describeSyncError(action, error))
  } finally {
    useGitStore.setState({ syncing: null })
    void refreshBranches(client)
  }
}

/** Adds `origin` (the token is stored outside the repository), then runs the sync that asked for it. */
export async function addRemote(client: WorkbenchClient, url: string, token: string, then: SyncAction | null): Promise<string | null> {
  try {
    await client.call('remotes.add', { name: 'origin', url: url.trim(), ...(token ? { token } : {}) })
  } catch (error) {
    return errorMessage(error)
  }
  closeGitDialog()
  info('Added remote origin')
  if (then === 'pull') void pull(client)
  else if (then === 'push') void push(client)
  return null
}
