/**
 * App commands: one list feeds the command palette, the shortcuts overlay and
 * the desktop's native menu, so they always agree.
 */

/** The sections of the app shell, in sidebar order. */
export const SECTIONS = [
  { id: 'prompts', title: 'Prompts' },
  { id: 'datasets', title: 'Datasets' },
  { id: 'playground', title: 'Playground' },
  { id: 'traces', title: 'Traces' },
  { id: 'evaluations', title: 'Evaluations' },
  { id: 'annotate', title: 'Annotate' },
  { id: 'monitor', title: 'Monitor' },
] as const

/** A section id. */
export type SectionId = (typeof SECTIONS)[number]['id']

/** One command. `shortcut` uses `Mod` for Cmd on macOS and Ctrl elsewhere. */
export interface AppCommand {
  id: string
  title: string
  group: 'Go to' | 'Project' | 'View' | 'Help'
  shortcut?: string
  /** Shown in the desktop's native menu under this menu. */
  menu?: 'File' | 'View' | 'Go' | 'Help'
}

/** Every app command. */
export const APP_COMMANDS: readonly AppCommand[] = [
  ...SECTIONS.map(
    (s, i): AppCommand => ({ id: `go.${s.id}`, title: `Go to ${s.title}`, group: 'Go to', shortcut: `Mod+${i + 1}`, menu: 'Go' }),
  ),
  { id: 'editor.save', title: 'Save Version', group: 'Project', shortcut: 'Mod+S', menu: 'File' },
  { id: 'project.open', title: 'Open Folder…', group: 'Project', shortcut: 'Mod+O', menu: 'File' },
  { id: 'project.new', title: 'New Project…', group: 'Project', shortcut: 'Mod+Shift+N', menu: 'File' },
  { id: 'project.switch', title: 'Switch Project…', group: 'Project', shortcut: 'Mod+Shift+O', menu: 'File' },
  { id: 'project.openSample', title: 'Open Sample Project', group: 'Project', menu: 'File' },
  { id: 'palette.open', title: 'Command Palette…', group: 'View', shortcut: 'Mod+K', menu: 'View' },
  { id: 'sidebar.toggle', title: 'Toggle Sidebar', group: 'View', shortcut: 'Mod+B', menu: 'View' },
  { id: 'theme.system', title: 'Theme: Follow System', group: 'View', menu: 'View' },
  { id: 'theme.light', title: 'Theme: Light', group: 'View', menu: 'View' },
  { id: 'theme.dark', title: 'Theme: Dark', group: 'View', menu: 'View' },
  { id: 'help.shortcuts', title: 'Keyboard Shortcuts', group: 'Help', shortcut: '?', menu: 'Help' },
  { id: 'git.switchBranch', title: 'Switch Branch…', group: 'Project' },
  { id: 'git.newBranch', title: 'New Branch…', group: 'Project' },
  { id: 'git.pull', title: 'Pull', group: 'Project' },
  { id: 'git.push', title: 'Push', group: 'Project' },
  { id: 'git.addRemote', title: 'Add Remote…', group: 'Project' },
]

/** Looks up a command by id. */
export function findCommand(id: string): AppCommand | undefined {
  return APP_COMMANDS.find((c) => c.id === id)
}

/** Shows a shortcut for the platform: `Mod+K` → `⌘K` on macOS, `Ctrl+K` elsewhere. */
export function formatShortcut(shortcut: string, isMac: boolean): string {
  if (!isMac) return shortcut.replace(/Mod/g, 'Ctrl')
  return shortcut.replace(/Mod\+/g, '⌘').replace(/Shift\+/g, '⇧').replace(/Alt\+/g, '⌥')
}
