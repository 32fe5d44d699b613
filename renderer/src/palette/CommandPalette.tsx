/** Ctrl/⌘+K: every app command plus "Open <project>" for each recent project, filtered as you type. */
import { Command } from 'cmdk'
import { APP_COMMANDS, formatShortcut, type AppCommand } from '../../../common/commands'
import { useHost } from '../api/ClientContext'
import { runCommand } from '../app/runCommand'
import { useAppStore } from '../app/useAppStore'
import { openProjectDir } from '../project/projectActions'
import { useProjectStore } from '../project/useProjectStore'
import { Modal } from '../ui/Modal'

const GROUPS: AppCommand['group'][] = ['Go to', 'Project', 'View', 'Help']

/** The palette (rendered only while open). */
export function CommandPalette() {
  const { client, isMac } = useHost()
  const recent = useProjectStore((s) => s.recent)
  const currentDir = useProjectStore((s) => s.project?.dir ?? null)
  const close = () => useAppStore.getState().closeOverlay()

  const run = (id: string) => {
    close()
    // After closing, so commands that open another overlay are not undone by the close.
    runCommand(client, id)
  }

  return (
    <Modal title="Command palette" hideTitle onClose={close} testId="command-palette" className="modal-palette">
      <Command label="Search commands" loop>
        <Command.Input autoFocus placeholder="Type a command or a project name…" />
        <Command.List>
          <Command.Empty>No matching commands.</Command.Empty>
          {GROUPS.map((group) => (
            <Command.Group key={group} heading={group}>
              {APP_COMMANDS.filter((c) => c.group === group).map((command) => (
                <Command.Item key={command.id} value={command.title} keywords={[command.id]} onSelect={() => run(command.id)}>
                  <span>{command.title}</span>
                  {command.shortcut && <kbd>{formatShortcut(command.shortcut, isMac)}</kbd>}
                </Command.Item>
              ))}
            </Command.Group>
          ))}
          {recent.length > 0 && (
            <Command.Group heading="Recent projects">
              {recent
                .filter((p) => p.dir !== currentDir)
                .map((project) => (
                  <Command.Item
                    key={project.dir}
                    value={`Open ${project.name} ${project.dir}`}
                    onSelect={() => {
                      close()
                      void openProjectDir(client, project.dir)
                    }}
                  >
                    <span>Open {project.name}</span>
                    <span className="palette-detail">{project.dir}</span>
                  </Command.Item>
                ))}
            </Command.Group>
          )}
        </Command.List>
      </Command>
    </Modal>
  )
}
