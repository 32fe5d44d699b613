/** Shell state: the section shown, the sidebar, the theme and which overlay is open. */
import { create } from 'zustand'
import type { SectionId } from '../../../common/commands'
import type { ThemePreference } from '../state/db'
import { DEFAULT_SETTINGS, saveSetting } from '../state/uiState'
import { hashForSection, sectionFromHash } from './hashRoute'

/** At most one overlay at a time; opening one closes the other. */
export type Overlay = null | 'palette' | 'help' | 'open-folder' | 'new-project' | 'switcher'

/** The shell store's state and actions. */
export interface AppState {
  section: SectionId
  sidebarCollapsed: boolean
  theme: ThemePreference
  overlay: Overlay
  /** Shows a section, records it in the URL hash and remembers it. */
  goTo: (section: SectionId) => void
  setSidebarCollapsed: (collapsed: boolean) => void
  setTheme: (theme: ThemePreference) => void
  openOverlay: (overlay: Overlay) => void
  closeOverlay: () => void
}

/** The initial values (main.tsx replaces them with stored settings before the first render). */
export const INITIAL_APP_STATE = {
  section: DEFAULT_SETTINGS.lastSection,
  sidebarCollapsed: DEFAULT_SETTINGS.sidebarCollapsed,
  theme: DEFAULT_SETTINGS.theme,
  overlay: null as Overlay,
}

/** The shell store. */
export const useAppStore = create<AppState>()((set) => ({
  ...INITIAL_APP_STATE,
  goTo: (section) => {
    set({ section })
    // Staying in a section keeps a deeper link into it (#/traces/<trace>/<span>).
    if (sectionFromHash(window.location.hash) !== section) window.location.hash = hashForSection(section)
    void saveSetting('lastSection', section)
  },
  setSidebarCollapsed: (sidebarCollapsed) => {
    set({ sidebarCollapsed })
    void saveSetting('sidebarCollapsed', sidebarCollapsed)
  },
  setTheme: (theme) => {
    set({ theme })
    void saveSetting('theme', theme)
  },
  openOverlay: (overlay) => set({ overlay }),
  closeOverlay: () => set({ overlay: null }),
}))
