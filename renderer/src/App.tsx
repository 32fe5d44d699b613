/** The app shell: sidebar, the current section (or a project screen), status bar and overlays. */
import { useEffect } from 'react'
import { useHost } from './api/ClientContext'
import { Sidebar } from './app/Sidebar'
import { StatusBar } from './app/StatusBar'
import { useThemeSync } from './app/theme'
import { useAppStore } from './app/useAppStore'
import { useGlobalShortcuts } from './app/useGlobalShortcuts'
import { useWorkbenchSync } from './app/useWorkbenchSync'
import { DraftsBanner } from './drafts/DraftsBanner'
import { AlertBanner } from './monitor/AlertBanner'
import { CommandPalette } from './palette/CommandPalette'
import { HelpOverlay } from './palette/HelpOverlay'
import { loadProjectState } from './project/projectActions'
import { NewProjectDialog, OpenFolderDialog } from './project/ProjectDialogs'
import { NeedsInitScreen, WelcomeScreen } from './project/ProjectScreens'
import { useProjectStore } from './project/useProjectStore'
import { SectionView } from './sections/SectionView'
import { EmptyState } from './ui/EmptyState'
import { Notices } from './ui/Notices'

/** The whole window. Needs a ClientProvider above it. */
export function App() {
  const { client, isMac } = useHost()
  useWorkbenchSync(client)
  useGlobalShortcuts(client, isMac)
  useThemeSync()
  const status = useProjectStore((s) => s.status)
  const collapsed = useAppStore((s) => s.sidebarCollapsed)
  const overlay = useAppStore((s) => s.overlay)

  // Tests and the benchmark wait for this: project info fetched and the first screen rendered.
  useEffect(() => {
    if (status === 'ready') document.body.dataset.ready = 'true'
    else if (status === 'failed') document.body.dataset.ready = 'error'
  }, [status])

  return (
    <div className={`app ${collapsed ? 'sidebar-collapsed' : ''}`}>
      <Sidebar />
      <main className="app-main" id="main">
        <AlertBanner />
        <DraftsBanner />
        <MainContent />
      </main>
      <StatusBar />
      <Notices />
      {overlay === 'palette' && <CommandPalette />}
      {overlay === 'help' && <HelpOverlay />}
      {overlay === 'open-folder' && <OpenFolderDialog />}
      {overlay === 'new-project' && <NewProjectDialog />}
    </div>
  )
}

function MainContent() {
  const { client } = useHost()
  const status = useProjectStore((s) => s.status)
  const loadError = useProjectStore((s) => s.loadError)
  const projectStatus = useProjectStore((s) => s.project?.status ?? null)
  const section = useAppStore((s) => s.section)

  if (status === 'loading') return <div className="screen" aria-busy="true" />
  if (status === 'failed') {
    return (
      <div className="screen">
        <EmptyState
          title="Weft could not reach its workbench"
          actions={
            <button type="button" className="btn btn-primary" onClick={() => void loadProjectState(client)}>
              Try again
            </button>
          }
        >
          <p>{loadError}</p>
        </EmptyState>
      </div>
    )
  }
  if (projectStatus === null) return <WelcomeScreen />
  if (projectStatus === 'needs-init') return <NeedsInitScreen />
  return <SectionView section={section} />
}
