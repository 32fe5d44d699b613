/**
 * The Electron entry: one window, the native menu, and the workbench served
 * over IPC. With the preload, the only code that imports 'electron'.
 */
import path from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, screen, session, shell, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron'
import { APP_COMMANDS, formatShortcut } from '../common/commands'
import type { EventEnvelope } from '../common/contract'
import { IPC_CHANNELS } from '../common/transport'
import { createIpcCallHandler } from './desktop/ipc'
import { CONTENT_SECURITY_POLICY } from './server/security'
import { createWorkbench, type Workbench } from './workbench'
import { DEFAULT_INGEST_PORT, type IngestServer } from './server/ingest/ingestServer'
import { ingestPortFromEnv, startWorkbenchIngest } from './server/ingest/start'
import { isVisibleOn, loadWindowState, saveWindowState } from './desktop/windowState'
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './desktop/appProtocol'
import { isAppUrl } from './desktop/appUrl'
import { createSafeStorageKeychain } from './desktop/keychain'
import { notifyAlerts } from './desktop/alertNotifications'

app.setName('Weft')
registerAppScheme()

const rendererDevUrl = process.env.ELECTRON_RENDERER_URL
const rendererDir = path.join(import.meta.dirname, '../renderer')
const rendererUrl = rendererDevUrl ?? `${APP_ORIGIN}/index.html`

let mainWindow: BrowserWindow | null = null
let workbench: Workbench | null = null
let ingestServer: IngestServer | null = null

/** True for URLs of our own renderer; everything else is foreign. */
const isOwnUrl = (url: string) => isAppUrl(url, rendererUrl)

/** Only our own window's top frame, showing our own renderer, may call the API. */
function senderAllowed(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  return Boolean(mainWindow && event.sender === mainWindow.webContents && frame && frame === event.sender.mainFrame && isOwnUrl(frame.url))
}

function send(envelope: EventEnvelope): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_CHANNELS.event, envelope)
}

function buildMenu(): Menu {
  const isMac = process.platform === 'darwin'
  const itemsFor = (menu: string): MenuItemConstructorOptions[] =>
    APP_COMMANDS.filter((c) => c.menu === menu).map((c) => ({
      label: c.title,
      // '?' is typed, not a menu accelerator; the menu still lists the command.
      accelerator: c.shortcut && c.shortcut !== '?' ? c.shortcut.replace(/Mod/g, 'CmdOrCtrl') : undefined,
      sublabel: c.shortcut === '?' ? formatShortcut('?', isMac) : undefined,
      click: () => send({ event: 'app.command', payload: { command: c.id } }),
    }))
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [...itemsFor('File'), { type: 'separator' }, isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: [...itemsFor('View'), { type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }, { role: 'togglefullscreen' }] },
    { label: 'Go', submenu: itemsFor('Go') },
    { role: 'windowMenu' },
    { label: 'Help', submenu: itemsFor('Help') },
  ]
  return Menu.buildFromTemplate(template)
}

function createWindow(): BrowserWindow {
  const userDataDir = app.getPath('userData')
  const saved = loadWindowState(userDataDir)
  const onScreen = isVisibleOn(saved, screen.getAllDisplays().map((d) => d.workArea))
  const win = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    x: onScreen ? saved.x : undefined,
    y: onScreen ? saved.y : undefined,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Weft',
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  if (saved.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())

  const remember = () => {
    if (win.isDestroyed()) return
    const b = win.getNormalBounds()
    saveWindowState(userDataDir, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() })
  }
  win.on('close', remember)

  // Links to the web open in the OS browser; the app window never leaves the app.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event, url) => {
    if (!isOwnUrl(url)) {
      event.preventDefault()
      if (/^https?:\/\//i.test(url)) void shell.openExternal(url)
    }
  })
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())

  void win.loadURL(rendererUrl)
  return win
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore()
      mainWindow.focus()
    }
  })

  await app.whenReady()
  if (!rendererDevUrl) serveRenderer(rendererDir)

  // CSP on every response (the dev server's too); weft:// responses and the built index.html carry it as well.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))

  workbench = createWorkbench({
    userDataDir: app.getPath('userData'),
    host: 'desktop',
    version: app.getVersion(),
    services: {
      keychain: createSafeStorageKeychain(app.getPath('userData')),
      async pickFile(title, extensions) {
        const options = {
          title: title ?? 'Choose a File',
          properties: ['openFile'] as Array<'openFile'>,
          filters: extensions?.length ? [{ name: extensions.join(', '), extensions }, { name: 'All files', extensions: ['*'] }] : undefined,
        }
        const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options)
        return result.canceled ? null : (result.filePaths[0] ?? null)
      },
      async pickDirectory(title) {
        const options = { title: title ?? 'Open Folder', properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'> }
        const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options)
        return result.canceled ? null : (result.filePaths[0] ?? null)
      },
    },
  })
  workbench.onAny((event, payload) => send({ event, payload } as EventEnvelope))
  // An alert that starts firing raises a native notification; clicking it opens the Monitor section.
  notifyAlerts(
    workbench,
    (notice, onClick) => {
      if (!Notification.isSupported()) return
      const notification = new Notification({ title: notice.title, body: notice.body })
      notification.on('click', onClick)
      notification.show()
    },
    () => {
      if (!mainWindow) {
        mainWindow = createWindow()
        mainWindow.on('closed', () => (mainWindow = null))
      }
      if (mainWindow.isMinimized()) mainWindow.restore()
      mainWindow.show()
      mainWindow.focus()
      send({ event: 'app.command', payload: { command: 'go.monitor' } })
    },
  )

  ipcMain.handle(IPC_CHANNELS.call, createIpcCallHandler(workbench, senderAllowed))

  Menu.setApplicationMenu(buildMenu())
  // Apps on this machine send spans here whether or not a window is open; a taken port is shown in the Traces section.
  const ingestPort = (() => {
    try {
      return ingestPortFromEnv()
    } catch (error) {
      console.error(`weft: ${(error as Error).message}; using ${DEFAULT_INGEST_PORT}`)
      return DEFAULT_INGEST_PORT
    }
  })()
  void startWorkbenchIngest(workbench, { port: ingestPort }).then(({ server, error }) => {
    ingestServer = server
    if (error) console.error(`weft: not receiving traces: ${error}`)
  })
  await workbench.openInitial({ fallbackToSample: true }).catch((error) => console.error('weft: could not open a project', error))
  mainWindow = createWindow()
  mainWindow.on('closed', () => (mainWindow = null))

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow()
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('will-quit', () => {
  void ingestServer?.close()
  void workbench?.close()
})

void start()
