/** `?`: every keyboard shortcut, from the same command list as the palette and the menu. */
import { APP_COMMANDS, formatShortcut } from '../../../common/commands'
import { useHost } from '../api/ClientContext'
import { useAppStore } from '../app/useAppStore'
import { Modal } from '../ui/Modal'
import { ANNOTATE_KEYS } from '../annotate/keys'

/** The overlay (rendered only while open). Escape closes it. */
export function HelpOverlay() {
  const { isMac } = useHost()
  const withShortcuts = APP_COMMANDS.filter((c) => c.shortcut)
  // In the Annotate section its own keys come first: they are what the annotator is using.
  const annotating = useAppStore((s) => s.section) === 'annotate'
  return (
    <Modal title="Keyboard shortcuts" onClose={() => useAppStore.getState().closeOverlay()} testId="help-overlay" className="modal-help">
      {annotating && (
        <table className="shortcut-table" aria-label="Annotation keys" data-testid="annotate-keys">
          <caption>Annotating</caption>
          <tbody>
            {ANNOTATE_KEYS.map((row) => (
              <tr key={row.does}>
                <td>{row.does}</td>
                <td>
                  {row.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && ' '}
                      <kbd>{formatShortcut(k, isMac)}</kbd>
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <table className="shortcut-table" aria-label={annotating ? 'App shortcuts' : undefined}>
        {annotating && <caption>Everywhere</caption>}
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
