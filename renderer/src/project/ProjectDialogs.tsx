/** "Open folder…" (typed path, for hosts without a native picker) and "New project…". */
import { useState, type FormEvent } from 'react'
import { useClient } from '../api/ClientContext'
import { useAppStore } from '../app/useAppStore'
import { Modal } from '../ui/Modal'
import { initProjectDir, openProjectDir } from './projectActions'
import { useProjectStore } from './useProjectStore'

const close = () => useAppStore.getState().closeOverlay()

/** Asks for a folder path and opens it. */
export function OpenFolderDialog() {
  const client = useClient()
  const busy = useProjectStore((s) => s.busy)
  const [dir, setDir] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (await openProjectDir(client, dir.trim())) close()
  }
  return (
    <Modal title="Open folder" onClose={close} testId="open-folder-dialog" className="modal-form">
      <form onSubmit={submit}>
        <label className="field">
          <span className="field-label">Folder path</span>
          <input
            autoFocus
            value={dir}
            onChange={(e) => setDir(e.target.value)}
            placeholder="e.g. /home/me/projects/support-bot"
            spellCheck={false}
          />
          <span className="field-hint">A path on the machine running Weft. A folder that is not a Weft project yet can be initialised next.</span>
        </label>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || dir.trim() === ''}>
            Open
          </button>
        </div>
      </form>
    </Modal>
  )
}

/** Asks for a folder and a name, and makes that folder a Weft project. */
export function NewProjectDialog() {
  const client = useClient()
  const busy = useProjectStore((s) => s.busy)
  const pickDirectory = useProjectStore((s) => s.appInfo?.capabilities.pickDirectory ?? false)
  const [dir, setDir] = useState('')
  const [name, setName] = useState('')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (await initProjectDir(client, dir.trim(), name.trim() || undefined)) close()
  }
  const browse = async () => {
    const picked = await client.call('app.pickDirectory', { title: 'Folder for the new project' }).catch(() => ({ dir: null }))
    if (picked.dir) setDir(picked.dir)
  }
  return (
    <Modal title="New project" onClose={close} testId="new-project-dialog" className="modal-form">
      <form onSubmit={submit}>
        <label className="field">
          <span className="field-label">Folder</span>
          <span className="field-row">
            <input autoFocus value={dir} onChange={(e) => setDir(e.target.value)} placeholder="e.g. /home/me/projects/support-bot" spellCheck={false} />
            {pickDirectory && (
              <button type="button" className="btn" onClick={() => void browse()}>
                Browse…
              </button>
            )}
          </span>
          <span className="field-hint">Weft adds weft.yaml and a .gitignore, makes the folder a git repository if it is not one, and records a first commit.</span>
        </label>
        <label className="field">
          <span className="field-label">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Optional" />
        </label>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || dir.trim() === ''}>
            Create project
          </button>
        </div>
      </form>
    </Modal>
  )
}
