/**
 * The Electron entry's wiring, checked against a recording stand-in for
 * Electron (its binary cannot run here): the window's security settings, the
 * IPC door, the weft:// scheme, the menu and link handling.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { APP_COMMANDS } from '../../common/commands'
import { IPC_CHANNELS } from '../../common/transport'
import { FakeBrowserWindow, recorded } from './fakeElectron'

vi.mock('electron', () => import('./fakeElectron'))

let win: FakeBrowserWindow

beforeAll(async () => {
  recorded.userData = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-desktop-'))
  await import('../../main/index')
  await vi.waitFor(() => expect(recorded.windows).toHaveLength(1), { timeout: 10_000 })
  win = recorded.windows[0]!
})

describe('desktop entry', () => {
  it('opens one sandboxed, context-isolated window without Node in the renderer', () => {
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/)
    expect(win.loadedUrl).toBe('weft://app/index.html')
  })

  it('registers weft:// as a secure standard scheme and serves only the renderer folder, with CSP', async () => {
    expect(recorded.schemes).toEqual([expect.objectContaining({ scheme: 'weft', privileges: expect.objectContaining({ standard: true, secure: true }) })])
    const serve = recorded.protocolHandlers.get('weft')!
    const page = await serve(new Request('weft://app/index.html'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(await page.text()).toContain('<div id="root">')
    expect((await serve(new Request('weft://app/../../package.json'))).status).toBe(404)
    expect((await serve(new Request('weft://other/index.html'))).status).toBe(404)
  })

  it('answers the window over IPC and refuses other senders and frames', async () => {
    const handler = recorded.ipcHandlers.get(IPC_CHANNELS.call)!
    const fromWindow = { sender: win.webContents, senderFrame: win.webContents.mainFrame }
    expect(await handler(fromWindow, { name: 'app.info', request: {} })).toMatchObject({ ok: true, result: { host: 'desktop', capabilities: { pickDirectory: true } } })
    expect(await handler(fromWindow, { name: 'project.current', request: {} })).toMatchObject({ ok: true, result: { project: { name: 'Sample Project' } } })
    const otherFrame = { sender: win.webContents, senderFrame: { url: 'weft://app/index.html' } }
    expect(await handler(otherFrame, { name: 'app.info', request: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    win.webContents.mainFrame.url = 'https://evil.example/'
    expect(await handler(fromWindow, { name: 'app.info', request: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    win.webContents.mainFrame.url = 'weft://app/index.html'
  })

  it('lists every menu command in the native menu and sends it to the renderer', () => {
    const items = recorded.menuTemplate.flatMap((m) => m.submenu ?? [])
    for (const command of APP_COMMANDS.filter((c) => c.menu)) {
      expect(items.map((i) => i.label)).toContain(command.title)
    }
    const palette = items.find((i) => i.label === 'Command Palette…')!
    expect(palette.accelerator).toBe('CmdOrCtrl+K')
    palette.click!()
    expect(win.webContents.sent.at(-1)).toEqual([IPC_CHANNELS.event, { event: 'app.command', payload: { command: 'palette.open' } }])
  })

  it('opens web links in the OS browser and never navigates the window away', () => {
    expect(win.webContents.windowOpenHandler!({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' })
    expect(recorded.openedExternally).toContain('https://example.com/docs')
    const navigate = win.listeners.get('will-navigate') ?? win.webContents.listeners.get('will-navigate')!
    const event = { prevented: false, preventDefault() { this.prevented = true } }
    navigate[0]!(event, 'https://evil.example/')
    expect(event.prevented).toBe(true)
    const inside = { prevented: false, preventDefault() { this.prevented = true } }
    navigate[0]!(inside, 'weft://app/index.html#/traces')
    expect(inside.prevented).toBe(false)
  })

  it('keeps API keys in the OS keychain, never as plain text on disk', async () => {
    const handler = recorded.ipcHandlers.get(IPC_CHANNELS.call)!
    const fromWindow = { sender: win.webContents, senderFrame: win.webContents.mainFrame }
    expect(await handler(fromWindow, { name: 'secrets.set', request: { name: 'OPENAI_API_KEY', value: 'sk-desktop-secret-123' } })).toMatchObject({ ok: true })
    const status = (await handler(fromWindow, { name: 'secrets.status', request: {} })) as { ok: true; result: { keychain: boolean; keys: Array<{ name: string; source: string | null }> } }
    expect(status.result.keychain).toBe(true)
    expect(status.result.keys).toContainEqual({ name: 'OPENAI_API_KEY', source: process.env.OPENAI_API_KEY ? 'environment' : 'keychain' })
    expect(JSON.stringify(status)).not.toContain('sk-desktop-secret-123')
    expect(fs.readFileSync(path.join(recorded.userData, 'api-keys.json'), 'utf8')).not.toContain('sk-desktop-secret-123')
  })

  it('raises a native notification when an alert starts firing; clicking it opens the Monitor section', async () => {
    const handler = recorded.ipcHandlers.get(IPC_CHANNELS.call)!
    const fromWindow = { sender: win.webContents, senderFrame: win.webContents.mainFrame }
    // No span in the last 5 minutes: "fewer than 1" crosses at once.
    const saved = await handler(fromWindow, { name: 'monitor.saveAlert', request: { id: 'quiet', name: 'Traffic stopped', metric: 'volume', comparator: '<', threshold: 1 } })
    expect(saved).toMatchObject({ ok: true, result: { alert: { state: 'firing', value: 0 } } })
    expect(recorded.notifications).toHaveLength(1)
    const notification = recorded.notifications[0]!
    expect(notification.shown).toBe(true)
    expect(notification.options).toEqual({ title: 'Weft alert: Traffic stopped', body: 'volume is 0 spans over the last 5 min (threshold < 1 spans).' })
    notification.emit('click')
    expect(win.webContents.sent.at(-1)).toEqual([IPC_CHANNELS.event, { event: 'app.command', payload: { command: 'go.monitor' } }])
    // The renderer hears the event too (its banner), and a resolved alert raises nothing.
    expect(win.webContents.sent.some(([, e]) => (e as { event: string }).event === 'monitor.alert')).toBe(true)
    await handler(fromWindow, { name: 'monitor.deleteAlert', request: { id: 'quiet' } })
    expect(recorded.notifications).toHaveLength(1)
  })

  it('denies every permission request (camera, notifications, …)', () => {
    let granted: boolean | undefined
    recorded.permissionHandler!(null, 'media', (ok: boolean) => (granted = ok))
    expect(granted).toBe(false)
  })
})
