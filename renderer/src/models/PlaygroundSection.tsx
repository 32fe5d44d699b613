/** The Playground: run a prompt against model configs side by side, and edit the configs (a form and their YAML). */
import { lazy, Suspense, useEffect, useState } from 'react'
import { useClient } from '../api/ClientContext'
import { ObjectList } from '../objects/ObjectList'
import { useObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'
import '../styles/prompts.css'
import { EmptyState } from '../ui/EmptyState'
import { RunPanel } from '../playground/RunPanel'
import './modelDrafts'
import { NewModelDialog } from './NewModelDialog'
import { openModel, reloadOpenModel, resetModel, useModelStore } from './useModelStore'

// The form, YAML reader and Monaco load when a config is opened.
const ModelConfigEditor = lazy(() => import('./ModelConfigEditor'))

/** The Playground section. */
export function PlaygroundSection() {
  const client = useClient()
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  const listing = useObjects('model', projectDir)
  const openName = useModelStore((s) => (s.projectDir === projectDir ? s.name : null))
  const openDir = useModelStore((s) => s.projectDir)
  // What the main pane shows: running prompts, or the open config's editor.
  const [pane, setPane] = useState<'run' | 'config'>('run')
  const [creating, setCreating] = useState(false)

  // Another project: the open config belonged to the previous one.
  useEffect(() => {
    if (openDir && openDir !== projectDir) resetModel()
  }, [openDir, projectDir])
  // A save here or a change from outside: show the file as it is now (edits in progress are kept).
  useEffect(() => client.on('objects.changed', ({ kinds }) => kinds.includes('model') && void reloadOpenModel(client)), [client])

  return (
    <section className="section-page" aria-labelledby="section-title">
      <header className="section-header">
        <h1 id="section-title">Playground</h1>
        <button type="button" className="btn" disabled={!projectDir} onClick={() => setCreating(true)}>
          New model config
        </button>
        {creating && projectDir && <NewModelDialog projectDir={projectDir} onClose={() => setCreating(false)} onCreated={() => setPane('config')} />}
      </header>
      <div className="split">
        <nav className="split-list" aria-label="Model configs">
          <h2 className="file-group-title pad-small">
            Model configs <span className="file-group-folder">models/</span>
          </h2>
          {listing.status === 'loading' && <p className="muted pad">Loading…</p>}
          {listing.status === 'failed' && (
            <p className="error-text pad" role="alert">
              Could not list models/: {listing.error}
            </p>
          )}
          {listing.status === 'ready' && listing.objects.length === 0 && <p className="muted pad">No .yaml or .yml files in models/ yet.</p>}
          {listing.objects.length > 0 && (
            <ObjectList
              objects={listing.objects}
              label="Model configs files"
              selectedName={openName}
              onOpen={(entry) => {
                setPane('config')
                if (projectDir) void openModel(client, projectDir, entry.name)
              }}
            />
          )}
        </nav>
        <div className="split-main">
          <div className="section-tabs segmented-row">
            <div className="segmented" role="tablist" aria-label="Playground pane">
              <button type="button" role="tab" aria-selected={pane === 'run'} className={`segment${pane === 'run' ? ' active' : ''}`} onClick={() => setPane('run')}>
                Run
              </button>
              <button type="button" role="tab" aria-selected={pane === 'config'} className={`segment${pane === 'config' ? ' active' : ''}`} onClick={() => setPane('config')}>
                Config
              </button>
            </div>
          </div>
          {pane === 'run' ? (
            <RunPanel />
          ) : openName ? (
            <Suspense fallback={<p className="muted pad">Opening {openName}…</p>}>
              <ModelConfigEditor />
            </Suspense>
          ) : (
            <EmptyState title="No model config open">
              <p>
                Model configs say which provider and model to call, with what parameters — never secrets. Open one on the left to edit it as a
                form or as YAML; every save is a version. The Run tab runs a prompt against several configs side by side.
              </p>
            </EmptyState>
          )}
        </div>
      </div>
    </section>
  )
}
