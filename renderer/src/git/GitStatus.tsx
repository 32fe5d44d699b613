/** The status bar's git part: the branch (opens the branch dialog), ahead/behind, and Pull/Push. */
import { useEffect } from 'react'
import type { WorkbenchClient } from '../../../common/client'
import { useClient } from '../api/ClientContext'
import { useProjectStore } from '../project/useProjectStore'
import { Icon } from '../ui/icons'
import { pull, push, refreshBranches } from './gitActions'
import { openGitDialog, selectCurrentBranch, useGitStore } from './useGitStore'
import '../styles/git.css'

/** Keeps the branch list fresh: on opening a project and on every project.changed (switch, pull, save, HEAD moved outside Weft). */
export function useBranchRefresh(client: WorkbenchClient): void {
  const dir = useProjectStore((s) => s.project?.dir ?? null)
  useEffect(() => {
    if (dir) void refreshBranches(client)
  }, [client, dir])
  useEffect(() => client.on('project.changed', () => void refreshBranches(client)), [client])
}

/** Branch name, short HEAD and ahead/behind vs upstream, as one button. */
export function BranchStatus() {
  const branch = useProjectStore((s) => s.project?.branch ?? null)
  const head = useProjectStore((s) => s.project?.head ?? null)
  const isGitRepo = useProjectStore((s) => s.project?.isGitRepo ?? false)
  const current = useGitStore(selectCurrentBranch)
  const where = branch ?? (head ? head.slice(0, 7) : null)
  if (!where) return null
  const counts = current?.upstream !== undefined && current.ahead !== undefined ? current : undefined
  const title = [
    head ? `HEAD ${head}` : 'No commits yet',
    counts ? `${counts.ahead} to push, ${counts.behind ?? 0} to pull (vs ${counts.upstream})` : current ? 'No upstream yet: push to set one' : null,
    'Click to switch or create a branch',
  ]
    .filter(Boolean)
    .join('\n')
  return (
    <button
      type="button"
      className="status-item status-button"
      data-testid="status-branch"
      title={title}
      aria-label={`Branch ${where}${counts ? `, ${counts.ahead} ahead, ${counts.behind ?? 0} behind ${counts.upstream}` : ''}. Switch branch`}
      disabled={!isGitRepo}
      onClick={() => openGitDialog({ kind: 'branches', focus: 'list' })}
    >
      <Icon name="branch" size={12} />
      {where}
      {branch && head && <span className="status-dim">{head.slice(0, 7)}</span>}
      {counts && (
        <span className="git-counts" data-testid="status-ahead-behind">
          <span className={counts.ahead ? 'git-count-on' : undefined}>↑{counts.ahead}</span>
          <span className={counts.behind ? 'git-count-on' : undefined}>↓{counts.behind ?? 0}</span>
        </span>
      )}
    </button>
  )
}

/** Pull and Push, each disabled with a spinner while a sync runs. */
export function SyncButtons() {
  const client = useClient()
  const syncing = useGitStore((s) => s.syncing)
  const ready = useProjectStore((s) => s.project?.status === 'ready' && s.project.isGitRepo)
  if (!ready) return null
  return (
    <span className="status-item git-sync" data-testid="status-sync">
      <SyncButton label="Pull" arrow="↓" running={syncing === 'pull'} disabled={syncing !== null} onClick={() => void pull(client)} />
      <SyncButton label="Push" arrow="↑" running={syncing === 'push'} disabled={syncing !== null} onClick={() => void push(client)} />
    </span>
  )
}

function SyncButton(props: { label: string; arrow: string; running: boolean; disabled: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      className="status-button"
      disabled={props.disabled}
      aria-busy={props.running}
      data-testid={`git-${props.label.toLowerCase()}`}
      title={props.label === 'Pull' ? 'Pull: bring in commits from the remote' : 'Push: send this branch to the remote'}
      onClick={props.onClick}
    >
      {props.running ? <span className="git-spinner" aria-hidden="true" /> : <span aria-hidden="true">{props.arrow}</span>}
      {props.running ? `${props.label}ing…` : props.label}
    </button>
  )
}
