/** Prompts: the project's prompt files on the left, the open one in Monaco on the right. */
import { lazy, Suspense, useEffect, useState } from 'react'
import { useClient } from '../api/ClientContext'
import { ObjectList } from '../objects/ObjectList'
import { useObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'
import { listDraftNames } from '../state/uiState'
import '../styles/prompts.css'
import { EmptyState } from '../ui/EmptyState'
import { NewPromptDialog } from './PromptDialogs'
import { openPrompt, restoreOpenPrompt, usePromptsStore } from './usePromptsStore'

// The editor, checks, preview and history load with the first open prompt, not with the app.
const PromptWorkbench = lazy(() => import('./PromptWorkbench'))

/** The Prompts section. */
export function PromptsSection() {
  const client = useClient()
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  const listing = useObjects('prompt', projectDir)
  const openName = usePromptsStore((s) => s.name)
  const openDir = usePromptsStore((s) => s.projectDir)
  const draftNames = useDraftNames(projectDir)
  const [creating, setCreating] = useState(false)

  useEffect(() => {
    if (projectDir && openDir !== projectDir) void restoreOpenPrompt(client, projectDir)
  }, [client, projectDir, openDir])

  return (
    <section className="section-page" aria-labelledby="section-title">
      <header className="section-header">
        <h1 id="section-title">Prompts</h1>
        {projectDir && (
          <button type="button" className="btn btn-small" onClick={() => setCreating(true)}>
            New prompt
          </button>
        )}
      </header>
      {creating && projectDir && <NewPromptDialog projectDir={projectDir} onClose={() => setCreating(false)} />}
      <div className="split">
        {/* An empty project gets one explanation (in the main pane), not two. */}
        {!(listing.status === 'ready' && listing.objects.length === 0) && (
          <nav className="split-list" aria-label="Prompt files">
            {listing.status === 'loading' && <p className="muted pad">Loading…</p>}
            {listing.status === 'failed' && (
              <p className="error-text pad" role="alert">
                Could not list prompts/: {listing.error}
              </p>
            )}
            {listing.objects.length > 0 && (
              <ObjectList
                objects={listing.objects}
                label="Prompts"
                selectedName={openDir === projectDir ? openName : null}
                draftNames={draftNames}
                onOpen={(entry) => projectDir && void openPrompt(client, projectDir, entry.name)}
              />
            )}
          </nav>
        )}
        <div className="split-main">
          {openName && openDir === projectDir ? (
            <Suspense fallback={<p className="muted pad">Opening {openName}…</p>}>
              <PromptWorkbench />
            </Suspense>
          ) : (
            <EmptyState title={listing.objects.length ? 'No prompt open' : 'No prompts yet'}>
              {listing.objects.length ? (
                <p>Choose a prompt on the left to open it in the editor.</p>
              ) : (
                <p>
                  Prompts are Dotprompt files — YAML front matter and a Handlebars body — in the project's{' '}
                  <code>prompts/</code> folder. Files you add there appear here, and every save is a version
                  (<code>weft save prompt:NAME FILE</code> from a terminal). Start one with <strong>New prompt</strong>.
                </p>
              )}
            </EmptyState>
          )}
        </div>
      </div>
    </section>
  )
}

// Names with a stored draft, plus the open prompt's live state (its draft is written with a delay).
function useDraftNames(projectDir: string | null): ReadonlySet<string> {
  const openName = usePromptsStore((s) => (s.projectDir === projectDir ? s.name : null))
  const openHasDraft = usePromptsStore((s) => s.draftBase !== null)
  const [stored, setStored] = useState<ReadonlySet<string>>(new Set())
  useEffect(() => {
    if (!projectDir) return
    let live = true
    void listDraftNames(projectDir).then((rows) => {
      if (live) setStored(new Set(rows.filter((r) => r.kind === 'prompt').map((r) => r.name)))
    })
    return () => {
      live = false
    }
  }, [projectDir, openName])
  const names = new Set(stored)
  if (openName) {
    if (openHasDraft) names.add(openName)
    else names.delete(openName)
  }
  return names
}
