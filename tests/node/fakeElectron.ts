/**
 * A recording stand-in for the parts of Electron's API that main/index.ts
 * uses. Electron's binary cannot run on this machine, so this lets a test
 * check the desktop wiring (security settings, IPC, menu, scheme) — not
 * Electron itself.
 */
type Listener = (...args: unknown[]) => unknown

class Emitter {
  readonly listeners = new Map<string, Listener[]>()
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  once(event: string, listener: Listener) {
    return this.on(event, listener)
  }
  emit(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) l(...args)
  }
}

/** Everything the fake saw, for assertions. */
export const recorded = {
  userData: '',
  windows: [] as FakeBrowserWindow[],
  ipcHandlers: new Map<string, Listener>(),
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  menuTemplate: [] as Array<{ label?: string; role?: string; submenu?: Array<{ label?: string; accelerator?: string; click?: () => void }> }>,
  openedExternally: [] as string[],
  permissionHandler: undefined as undefined | Listener,
  notifications: [] as FakeNotification[],
}

class FakeWebContents extends Emitter {
  readonly sent: Array<[string, unknown]> = []
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined
  mainFrame = { url: '' }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload])
  }
}

/** A window that only records how it was made and what it loaded. */
export class FakeBrowserWindow extends Emitter {
  readonly webContents = new FakeWebContents()
  loadedUrl = ''
  constructor(readonly options: Record<string, unknown>) {
    super()
    recorded.windows.push(this)
  }
  static getAllWindows() {
    return recorded.windows
  }
  loadURL(url: string) {
    this.loadedUrl = url
    this.webContents.mainFrame.url = url
    return Promise.resolve()
  }
  isDestroyed() {
    return false
  }
  isMaximized() {
    return false
  }
  isMinimized() {
    return false
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: 1280, height: 820 }
  }
  maximize() {}
  show() {}
  focus() {}
  restore() {}
}

export const app = Object.assign(new Emitter(), {
  setName() {},
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getPath: () => recorded.userData,
  getVersion: () => '0.0.0-test',
  quit() {},
})

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.schemes.push(...schemes),
  handle: (scheme: string, handler: (request: Request) => Promise<Response>) => recorded.protocolHandlers.set(scheme, handler),
}

export const ipcMain = { handle: (channel: string, handler: Listener) => recorded.ipcHandlers.set(channel, handler) }
export const Menu = {
  buildFromTemplate: (template: typeof recorded.menuTemplate) => {
    recorded.menuTemplate = template
    return template
  },
  setApplicationMenu() {},
}
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] }
export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived() {} },
    setPermissionRequestHandler: (handler: Listener) => (recorded.permissionHandler = handler),
  },
}
export const shell = { openExternal: async (url: string) => void recorded.openedExternally.push(url) }
export const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) }
export const BrowserWindow = FakeBrowserWindow

/** A native notification that records what it said and whether it was shown. */
export class FakeNotification extends Emitter {
  shown = false
  constructor(readonly options: { title: string; body: string }) {
    super()
    recorded.notifications.push(this)
  }
  static isSupported() {
    return true
  }
  show() {
    this.shown = true
  }
}
export const Notification = FakeNotification

/** Reversible stand-in "encryption", so a test can tell the stored text is not the plaintext. */
export const safeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (text: string) => Buffer.from(`enc:${Buffer.from(text).toString('base64')}`),
  decryptString: (data: Buffer) => Buffer.from(data.toString().replace(/^enc:/, ''), 'base64').toString(),
}
