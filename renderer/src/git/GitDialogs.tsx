/** The git dialogs: branches (switch and create), add remote, and a pull that stopped on conflicts. */
import { useState, type FormEvent } from 'react'
import { createPortal } from 'react-dom'
import { useClient } from '../api/ClientContext'
import { Modal } from '../ui/Modal'
import { addRemote, createBranch, switchBranch } from './gitActions'
import { closeGitDialog, useGitStore, type Branch, type PullConflictFile, type SyncAction } from './useGitStore'
import '../styles/git.css'

/** Whichever git dialog is open, rendered on the body so the status bar's styles do not reach it. */
export function GitDialogs() {
  const dialog = useGitStore((s) => s.dialog)
  if (!dialog) return null
  const content =
    dialog.kind === 'branches' ? (
      <BranchesDialog focusNew={dialog.focus === 'new'} />
    ) : dialog.kind === 'add-remote' ? (
      <AddRemoteDialog reason={dialog.reason} then={dialog.then} />
    ) : (
      <PullConflictDialog remote={dialog.remote} files={dialog.files} />
    )
  return createPortal(content, document.body)
}

function BranchesDialog({ focusNew }: { focusNew: boolean }) {
  const client = useClient()
  const branches = useGitStore((s) => s.branches)
  const busy = useGitStore((s) => s.branchBusy)
  const problem = useGitStore((s) => s.branchProblem)
  const [name, setName] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (name.trim()) void createBranch(client, name.trim())
  }
  return (
    <Modal title="Branches" onClose={closeGitDialog} testId="branches-dialog" className="git-dialog">
      <ul className="git-branch-list" aria-label="Branches" onKeyDown={moveFocusWithArrows}>
        {branches.map((b) => (
          <li key={b.name}>
            <button
              type="button"
              className="git-branch"
              aria-current={b.isCurrent ? 'true' : undefined}
              disabled={busy}
              autoFocus={!focusNew && b.isCurrent}
              onClick={() => (b.isCurrent ? closeGitDialog() : void switchBranch(client, b.name))}
            >
              <span className="git-branch-name">{b.name}</span>
              <span className="git-branch-detail">{describeTracking(b)}</span>
            </button>
          </li>
        ))}
        {branches.length === 0 && <li className="muted">No branches yet: the project has no commits.</li>}
      </ul>
      {problem && <BranchProblemView message={problem.message} files={problem.files} />}
      <form onSubmit={submit} className="git-new-branch">
        <label className="field">
          <span className="field-label">New branch from the current one</span>
          <span className="field-row">
            <input
              autoFocus={focusNew}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. shorter-summaries"
              spellCheck={false}
              aria-label="New branch name"
            />
            <button type="submit" className="btn btn-primary" disabled={busy || name.trim() === ''}>
              Create and switch
            </button>
          </span>
          <span className="field-hint">Unsaved drafts stay drafts; saved versions stay on the branch they were saved on.</span>
        </label>
      </form>
    </Modal>
  )
}

// Up and down move between branches, as in a menu; Tab still leaves the list.
function moveFocusWithArrows(event: React.KeyboardEvent<HTMLUListElement>): void {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
  event.preventDefault()
  const items = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('.git-branch')]
  const index = items.indexOf(document.activeElement as HTMLButtonElement)
  items[(index + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length]?.focus()
}

function describeTracking(b: Branch): string {
  const head = b.head.slice(0, 7)
  if (!b.upstream) return `${head} · not pushed yet`
  if (b.ahead === undefined) return `${head} · tracks ${b.upstream}`
  if (b.ahead === 0 && (b.behind ?? 0) === 0) return `${head} · in step with ${b.upstream}`
  return `${head} · ${b.ahead} to push, ${b.behind ?? 0} to pull (${b.upstream})`
}

function BranchProblemView({ message, files }: { message: string; files: string[] }) {
  return (
    <div className="git-problem" role="alert" data-testid="branch-problem">
      <p>{message}</p>
      {files.length > 0 && (
        <ul className="git-file-list">
          {files.map((f) => (
            <li key={f}>
              <code>{f}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function AddRemoteDialog({ reason, then }: { reason: string | null; then: SyncAction | null }) {
  const client = useClient()
  const [url, setUrl] = useState('')
  const [token, setToken] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    const problem = await addRemote(client, url, token, then)
    // On success the dialog is gone; only a refusal needs the state.
    if (problem) {
      setError(problem)
      setBusy(false)
    }
  }
  return (
    <Modal title="Add remote" onClose={closeGitDialog} testId="add-remote-dialog" className="git-dialog">
      {reason && <p className="git-reason">{reason}</p>}
      <form onSubmit={submit}>
        <label className="field">
          <span className="field-label">Repository URL (origin)</span>
          <input autoFocus aria-label="Repository URL" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://git.example.com/team/project.git" spellCheck={false} />
        </label>
        <label className="field">
          <span className="field-label">Access token</span>
          <input type="password" aria-label="Access token" value={token} onChange={(e) => setToken(e.target.value)} placeholder="Optional" autoComplete="off" />
          <span className="field-hint">Stored in your user data folder, never in the project or its git history.</span>
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={closeGitDialog}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || url.trim() === ''}>
            {then ? `Add and ${then}` : 'Add remote'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

const CONFLICT_KIND: Record<PullConflictFile['kind'], string> = {
  'both-modified': 'changed on both sides',
  'deleted-by-us': 'deleted here, changed on the remote',
  'deleted-by-them': 'changed here, deleted on the remote',
}

function PullConflictDialog({ remote, files }: { remote: string; files: PullConflictFile[] }) {
  return (
    <Modal title="Pull stopped: nothing changed" onClose={closeGitDialog} testId="pull-conflict-dialog" className="git-dialog">
      <p className="git-reason">
        The commits on {remote} and yours change {files.length === 1 ? 'this file' : `these ${files.length} files`} in ways Weft cannot combine
        on its own, so it merged nothing. Your project is exactly as it was.
      </p>
      <ul className="git-file-list">
        {files.map((f) => (
          <li key={f.path}>
            <code>{f.path}</code> <span className="muted">— {CONFLICT_KIND[f.kind]}</span>
            <span className="git-digests">
              yours {f.ours?.slice(0, 7) ?? '—'} · theirs {f.theirs?.slice(0, 7) ?? '—'}
            </span>
          </li>
        ))}
      </ul>
      <p className="field-hint">Both sides are kept: yours is on this branch, theirs stays readable by its digest.</p>
      <div className="modal-actions">
        <button type="button" className="btn btn-primary" onClick={closeGitDialog}>
          OK
        </button>
      </div>
    </Modal>
  )
}
