/** Matching key events against the `Mod+Shift+K` shortcut strings of APP_COMMANDS. */
import { APP_COMMANDS, type AppCommand } from '../../../common/commands'

/** The parts of a KeyboardEvent that matter for matching (so tests can pass plain objects). */
export type KeyLike = Pick<KeyboardEvent, 'key' | 'code' | 'metaKey' | 'ctrlKey' | 'altKey' | 'shiftKey'>

/** True when `event` is `shortcut` on this platform (`Mod` = ⌘ on macOS, Ctrl elsewhere). */
export function matchesShortcut(event: KeyLike, shortcut: string, isMac: boolean): boolean {
  const parts = shortcut.split('+')
  const key = parts.pop() ?? ''
  // A bare printable key ("?") is whatever the layout produced; Shift is part of typing it.
  if (parts.length === 0) return event.key === key && !event.metaKey && !event.ctrlKey && !event.altKey
  const wantMod = parts.includes('Mod')
  const mod = isMac ? event.metaKey : event.ctrlKey
  const otherMod = isMac ? event.ctrlKey : event.metaKey
  if (mod !== wantMod || otherMod || event.altKey || event.shiftKey !== parts.includes('Shift')) return false
  if (event.key.toLowerCase() === key.toLowerCase()) return true
  // Layouts where digits need Shift (AZERTY) or letters are not Latin (Cyrillic, Greek):
  // fall back to the physical key. A Latin letter elsewhere (Dvorak) is taken as typed.
  if (/^\d$/.test(key)) return event.code === `Digit${key}`
  return !/^[a-z]$/i.test(event.key) && event.code === `Key${key.toUpperCase()}`
}

/** The command whose shortcut this key event is, if any. */
export function commandForKey(event: KeyLike, isMac: boolean): AppCommand | undefined {
  return APP_COMMANDS.find((c) => c.shortcut && matchesShortcut(event, c.shortcut, isMac))
}

/** True when keys typed into `target` are text (inputs, textareas, editable content, Monaco). */
export function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], .monaco-editor')) return true
  return false
}
