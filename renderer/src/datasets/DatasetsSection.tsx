/** Datasets: the project's datasets on the left; the open one's rows, history and export on the right, or the import wizard. */
import { useEffect, useMemo, useState } from 'react'
import { useClient } from '../api/ClientContext'
import { ObjectList } from '../objects/ObjectList'
import { useObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'
import { listDraftNames } from '../state/uiState'
import { EmptyState } from '../ui/EmptyState'
import { closeDataset, openDataset, refreshIfClean } from './datasetActions'
import { ExportPanel } from './ExportPanel'
import { ImportWizard } from './ImportWizard'
import { RowsView } from './RowsView'
import { VersionHistory } from './VersionHistory'
import { isDirty, useDatasetStore, type DatasetTab } from './useDatasetStore'
import '../styles/datasets.css'

const TABS: { id: DatasetTab; label: string }[] = [
  { id: 'rows', label: 'Rows' },
  { id: 'history', label: 'History' },
  { id: 'export', label: 'Export' },
]

/** The Datasets section. */
export function DatasetsSection() {
  const client = useClient()
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  const listing = useObjects('dataset', projectDir)
  const name = useDatasetStore((s) => s.name)
  const tab = useDatasetStore((s) => s.tab)
  const dirty = useDatasetStore(isDirty)
  const [draftNames, setDraftNames] = useState<ReadonlySet<string>>(new Set())

  // Another project closes the open dataset; with none open, the newest unsaved dataset draft reopens (a reload must not hide it).
  useEffect(() => {
    if (!projectDir) return
    let live = true
    const openIn = useDatasetStore.getState().projectDir
    if (openIn !== null && openIn !== projectDir) closeDataset()
    void listDraftNames(projectDir).then((drafts) => {
      if (!live) return
      const mine = drafts.filter((d) => d.kind === 'dataset').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      setDraftNames(new Set(mine.map((d) => d.name)))
      if (mine[0] && !useDatasetStore.getState().name) void openDataset(client, projectDir, mine[0].name)
    })
    return () => {
      live = false
    }
  }, [client, projectDir])

  // A version saved elsewhere shows up in the grid when there are no edits to lose.
  useEffect(
    () =>
      client.on('objects.changed', ({ kinds }) => {
        if (kinds.includes('dataset')) void refreshIfClean(client)
      }),
    [client],
  )

  // The dot follows the open dataset's edits as they happen.
  const shownDrafts = useMemo(() => {
    const names = new Set(draftNames)
    if (name && dirty) names.add(name)
    else if (name) names.delete(name)
    return names
  }, [draftNames, name, dirty])

  const showTab = (next: DatasetTab) => useDatasetStore.setState({ tab: next })
  return (
    <section className="section-page" aria-labelledby="section-title">
      <header className="section-header ds-section-header">
        <h1 id="section-title">Datasets</h1>
        <span className="ds-spacer" />
        <button type="button" className="btn btn-small" aria-pressed={tab === 'import'} onClick={() => showTab('import')}>
          Import…
        </button>
      </header>
      <div className="split">
        <nav className="split-list" aria-label="Dataset files">
          {listing.status === 'loading' && <p className="muted pad">Loading…</p>}
          {listing.status === 'failed' && (
            <p className="error-text pad" role="alert">
              Could not list datasets/: {listing.error}
            </p>
          )}
          {listing.status === 'ready' && listing.objects.length === 0 && <p className="muted pad">No .jsonl files in datasets/ yet.</p>}
          {listing.objects.length > 0 && (
            <ObjectList
              objects={listing.objects}
              label="Datasets"
              selectedName={name}
              draftNames={shownDrafts}
              onOpen={(entry) => {
                if (tab === 'import') showTab('rows')
                if (projectDir && entry.name !== name) void openDataset(client, projectDir, entry.name)
              }}
            />
          )}
        </nav>
        <div className="split-main">
          {tab === 'import' ? (
            <ImportWizard />
          ) : name ? (
            <>
              <div className="ds-tabs" role="tablist" aria-label={`dataset:${name}`}>
                <span className="ds-tabs-name">{name}</span>
                {TABS.map((t) => (
                  <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className="ds-tab" onClick={() => showTab(t.id)}>
                    {t.label}
                  </button>
                ))}
              </div>
              {tab === 'rows' && <RowsView />}
              {tab === 'history' && <VersionHistory />}
              {tab === 'export' && <ExportPanel />}
            </>
          ) : (
            <EmptyState
              title={listing.objects.length ? 'No dataset open' : 'No datasets yet'}
              actions={
                <button type="button" className="btn btn-primary" onClick={() => showTab('import')}>
                  Import CSV, JSONL or JSON…
                </button>
              }
            >
              <p>
                Datasets are JSON Lines files in <code>datasets/</code> — one object per line, each with a stable <code>id</code>.
                {listing.objects.length ? ' Choose one on the left to browse and edit its rows.' : ''}
              </p>
            </EmptyState>
          )}
        </div>
      </div>
    </section>
  )
}
