/** Turning an editor's text into a cell value and back: plain text for strings, JSON for everything else. */

/** How the editor reads its text. */
export type CellMode = 'text' | 'json'

/** The mode a value opens in: text for strings and empty cells, JSON otherwise. */
export function modeOf(value: unknown): CellMode {
  return value === undefined || typeof value === 'string' ? 'text' : 'json'
}

/** The editor text of a value in a mode. */
export function formatCell(value: unknown, mode: CellMode): string {
  if (value === undefined) return ''
  if (mode === 'text' && typeof value === 'string') return value
  return JSON.stringify(value, null, 2)
}

/** The value an editor's text stands for, or the reason it is not valid. */
export function parseCell(text: string, mode: CellMode): { value: unknown } | { error: string } {
  if (mode === 'text') return { value: text }
  try {
    return { value: JSON.parse(text) as unknown }
  } catch (error) {
    return { error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}. Switch to Text to store it as a string.` }
  }
}
