/** The window-wide keyboard handler for every shortcut in APP_COMMANDS. */
import { useEffect } from 'react'
import type { WorkbenchClient } from '../../../common/client'
import { runCommand } from './runCommand'
import { commandForKey, isTextTarget } from './shortcuts'

/** Installs the handler on window for the component's lifetime. */
export function useGlobalShortcuts(client: WorkbenchClient, isMac: boolean): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return
      const command = commandForKey(event, isMac)
      if (!command) return
      // A bare key ("?") is text when typing; Mod shortcuts work everywhere, Monaco included.
      if (!command.shortcut?.includes('+') && isTextTarget(event.target)) return
      event.preventDefault()
      // Stops Monaco's own Ctrl+K chord etc. from also reacting; preventDefault also
      // keeps Electron's menu accelerator from firing the same command twice.
      event.stopPropagation()
      runCommand(client, command.id)
    }
    // Capture phase, so the app's shortcuts win over focused widgets.
    window.addEventListener('keydown', onKeyDown, true)
    return () => window.removeEventListener('keydown', onKeyDown, true)
  }, [client, isMac])
}
