/**
 * Remembers the window's bounds between launches (a JSON file in userData),
 * and refuses to restore a window onto a display that is gone.
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

const WindowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  maximized: z.boolean().default(false),
})

/** Saved bounds of the main window. */
export type WindowState = z.infer<typeof WindowStateSchema>

const DEFAULT_STATE: WindowState = { width: 1280, height: 820, maximized: false }

/** Reads the saved state; anything unreadable falls back to the default size. */
export function loadWindowState(userDataDir: string): WindowState {
  try {
    return WindowStateSchema.parse(JSON.parse(fs.readFileSync(path.join(userDataDir, 'window-state.json'), 'utf8')))
  } catch {
    return DEFAULT_STATE
  }
}

/** Writes the state atomically. */
export function saveWindowState(userDataDir: string, state: WindowState): void {
  const file = path.join(userDataDir, 'window-state.json')
  fs.mkdirSync(userDataDir, { recursive: true })
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state))
  fs.renameSync(`${file}.tmp`, file)
}

/** True when the saved position still lies on one of the given display work areas. */
export function isVisibleOn(state: WindowState, areas: Array<{ x: number; y: number; width: number; height: number }>): boolean {
  if (state.x === undefined || state.y === undefined) return true
  const { x, y } = state
  return areas.some((a) => x >= a.x - 50 && y >= a.y - 50 && x < a.x + a.width - 100 && y < a.y + a.height - 100)
}
