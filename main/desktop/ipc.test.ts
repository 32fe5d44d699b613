import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createWorkbench } from '../workbench'
import { createIpcCallHandler } from './ipc'
import { isVisibleOn, loadWindowState, saveWindowState } from './windowState'

describe('IPC call handler', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-ipc-'))
  const workbench = createWorkbench({ userDataDir: root, host: 'desktop' })
  const handler = createIpcCallHandler(workbench, (sender: { id: number }) => sender.id === 1)

  it('answers the app window', async () => {
    expect(await handler({ id: 1 }, { name: 'app.info', request: {} })).toMatchObject({ ok: true, result: { host: 'desktop' } })
  })

  it('refuses any other sender before looking at the message', async () => {
    expect(await handler({ id: 2 }, { name: 'app.info', request: {} })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Calls are accepted only from the Weft window' },
    })
  })

  it.each([null, 'app.info', ['app.info', {}], 42])('refuses a malformed message %j', async (message) => {
    expect(await handler({ id: 1 }, message)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
  })

  it('validates the request like every other transport', async () => {
    expect(await handler({ id: 1 }, { name: 'project.open', request: { dir: '' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', issues: [{ path: 'dir' }] },
    })
  })
})

describe('window state', () => {
  it('round-trips and falls back to defaults on a damaged file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-window-'))
    saveWindowState(dir, { x: 10, y: 20, width: 1000, height: 700, maximized: true })
    expect(loadWindowState(dir)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true })
    fs.writeFileSync(path.join(dir, 'window-state.json'), '{"width": 5}')
    expect(loadWindowState(dir)).toMatchObject({ width: 1280, height: 820 })
  })

  it('does not restore a window onto a display that is gone', () => {
    const areas = [{ x: 0, y: 0, width: 1920, height: 1080 }]
    expect(isVisibleOn({ x: 100, y: 100, width: 800, height: 600, maximized: false }, areas)).toBe(true)
    expect(isVisibleOn({ x: 3000, y: 100, width: 800, height: 600, maximized: false }, areas)).toBe(false)
    expect(isVisibleOn({ width: 800, height: 600, maximized: false }, areas)).toBe(true)
  })
})
