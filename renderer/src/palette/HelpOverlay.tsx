/** `?`: every keyboard shortcut, from the same command list as the palette and the menu. */
import { APP_COMMANDS, formatShortcut } from '../../../common/commands'
import { useHost } from '../api/ClientContext'
import { useAppStore } from '../app/useAppStore'
import { Modal } from '../ui/Modal'

/** The overlay (rendered only while open). Escape closes it. */
export function HelpOverlay() {
  const { isMac } = useHost()
  const withShortcuts = APP_COMMANDS.filter((c) => c.shortcut)
  return (
    <Modal title="Keyboard shortcuts" onClose={() => useAppStore.getState().closeOverlay()} testId="help-overlay" className="modal-help">
      <table className="shortcut-table">
        <tbody>
          {withShortcuts.map((command) => (
            <tr key={command.id}>
              <td>{command.title}</td>
              <td>
                <kbd>{formatShortcut(command.shortcut!, isMac)}</kbd>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted modal-footnote">Press Esc to close. Every command is also in the command palette.</p>
    </Modal>
  )
}
