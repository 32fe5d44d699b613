/** The screens shown instead of a section: no project open, or a folder that needs initialising. */
import { useClient } from '../api/ClientContext'
import { runCommand } from '../app/runCommand'
import { EmptyState } from '../ui/EmptyState'
import { initProjectDir, openProjectDir } from './projectActions'
import { useProjectStore } from './useProjectStore'

/** Shown when no project is open. */
export function WelcomeScreen() {
  const client = useClient()
  const busy = useProjectStore((s) => s.busy)
  const recent = useProjectStore((s) => s.recent)
  return (
    <div className="screen" data-testid="welcome-screen">
      <EmptyState
        title="Welcome to Weft"
        actions={
          <>
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => runCommand(client, 'project.open')}>
              Open folder…
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => runCommand(client, 'project.new')}>
              New project…
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => runCommand(client, 'project.openSample')}>
              Open sample project
            </button>
          </>
        }
      >
        <p>
          A Weft project is a folder under git: prompts, datasets, model configs and evaluations are files in it. Open
          one, start a new one, or look around the sample project.
        </p>
      </EmptyState>
      {recent.length > 0 && (
        <div className="welcome-recent">
          <h2 className="file-group-title">Recent projects</h2>
          <ul className="object-list" aria-label="Recent projects">
            {recent.map((p) => (
              <li key={p.dir}>
                <button type="button" className="object-row" disabled={busy} onClick={() => void openProjectDir(client, p.dir)}>
                  <span className="object-name">{p.name}</span>
                  <span className="object-meta">{p.dir}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  )
}

/** Shown when the open folder is not a Weft project yet. */
export function NeedsInitScreen() {
  const client = useClient()
  const busy = useProjectStore((s) => s.busy)
  const dir = useProjectStore((s) => s.project?.dir ?? '')
  const reason = useProjectStore((s) => s.project?.reason)
  const isGitRepo = useProjectStore((s) => s.project?.isGitRepo ?? false)
  return (
    <div className="screen" data-testid="needs-init-screen">
      <EmptyState
        title={`${dir} is not a Weft project yet`}
        actions={
          <>
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void initProjectDir(client, dir)}>
              Initialise Weft project here
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => runCommand(client, 'project.open')}>
              Open another folder…
            </button>
          </>
        }
      >
        {reason && <p>{reason}</p>}
        <p>
          Initialising adds <code>weft.yaml</code> and a <code>.gitignore</code>
          {isGitRepo ? ' to its git repository' : ', makes the folder a git repository'} and records a first commit.
        </p>
      </EmptyState>
    </div>
  )
}
