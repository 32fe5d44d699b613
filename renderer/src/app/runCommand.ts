/**
 * What each app command does. One function serves the palette, the keyboard,
 * and the desktop's native menu (which sends `app.command` events).
 */
import { SECTIONS, type SectionId } from '../../../common/commands'
import type { WorkbenchClient } from '../../../common/client'
import { openSampleProject, pickAndOpenFolder } from '../project/projectActions'
import { useAppStore } from './useAppStore'
import { saveOpenPrompt } from '../prompts/usePromptsStore'
import { pull, push } from '../git/gitActions'
import { openGitDialog } from '../git/useGitStore'

const SECTION_IDS = new Set<string>(SECTIONS.map((s) => s.id))

/** Runs an app command by id; returns false for an id it does not know. */
export function runCommand(client: WorkbenchClient, id: string): boolean {
  const app = useAppStore.getState()
  if (id.startsWith('go.')) {
    const section = id.slice(3)
    if (!SECTION_IDS.has(section)) return false
    app.closeOverlay()
    app.goTo(section as SectionId)
    return true
  }
  switch (id) {
    case 'project.open':
      app.closeOverlay()
      void pickAndOpenFolder(client).then((outcome) => {
        if (outcome === 'needs-dialog') useAppStore.getState().openOverlay('open-folder')
      })
      return true
    case 'editor.save':
      app.closeOverlay()
      // The section on screen decides what is saved; the datasets code stays in its lazy chunk.
      if (app.section === 'datasets') void import('../datasets/datasetActions').then((m) => m.saveDataset(client))
      else void saveOpenPrompt(client)
      return true
    case 'project.new':
      app.openOverlay('new-project')
      return true
    case 'project.switch':
      app.openOverlay('switcher')
      return true
    case 'project.openSample':
      app.closeOverlay()
      void openSampleProject(client)
      return true
    case 'palette.open':
      app.openOverlay(app.overlay === 'palette' ? null : 'palette')
      return true
    case 'sidebar.toggle':
      app.setSidebarCollapsed(!app.sidebarCollapsed)
      return true
    case 'theme.system':
    case 'theme.light':
    case 'theme.dark':
      app.setTheme(id.slice('theme.'.length) as 'system' | 'light' | 'dark')
      return true
    case 'help.shortcuts':
      app.openOverlay(app.overlay === 'help' ? null : 'help')
      return true
    case 'git.switchBranch':
    case 'git.newBranch':
      app.closeOverlay()
      openGitDialog({ kind: 'branches', focus: id === 'git.newBranch' ? 'new' : 'list' })
      return true
    case 'git.pull':
    case 'git.push':
      app.closeOverlay()
      void (id === 'git.pull' ? pull(client) : push(client))
      return true
    case 'git.addRemote':
      app.closeOverlay()
      openGitDialog({ kind: 'add-remote', reason: null, then: null })
      return true
    default:
      return false
  }
}
