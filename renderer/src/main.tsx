/** Renderer entry: restores the stored UI state, then mounts the app. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { client, isMac } from './api/client'
import { ClientProvider } from './api/ClientContext'
import { App } from './App'
import { hashForSection, sectionFromHash } from './app/hashRoute'
import { applyThemePreference } from './app/theme'
import { useAppStore } from './app/useAppStore'
import { DEFAULT_SETTINGS, loadSettings } from './state/uiState'
import './styles/base.css'
import './styles/shell.css'
import './styles/sections.css'
import './styles/overlays.css'

// IndexedDB normally answers in milliseconds; never let a stuck one keep the window blank.
const SETTINGS_TIMEOUT_MS = 1500

async function boot(): Promise<void> {
  const settings = await Promise.race([
    loadSettings(),
    new Promise<typeof DEFAULT_SETTINGS>((resolve) => setTimeout(() => resolve(DEFAULT_SETTINGS), SETTINGS_TIMEOUT_MS)),
  ])
  // A deep link wins over the remembered section.
  const linked = sectionFromHash(window.location.hash)
  const section = linked ?? settings.lastSection
  // A deep link keeps its full path (#/traces/<trace>/<span>); anything else becomes the section's hash.
  if (!linked) history.replaceState(null, '', hashForSection(section))
  useAppStore.setState({ section, sidebarCollapsed: settings.sidebarCollapsed, theme: settings.theme })
  // Before the first paint, so a forced theme does not flash the OS one.
  applyThemePreference(settings.theme)

  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ClientProvider value={{ client, isMac }}>
        <App />
      </ClientProvider>
    </StrictMode>,
  )
}

void boot()
