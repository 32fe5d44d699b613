/**
 * The renderer's one door to the workbench: Electron IPC when the preload
 * bridge exists, HTTP + WebSocket in web mode. Nothing else in the renderer
 * touches a transport.
 */
import { EventHub, type WorkbenchClient } from '../../../common/client'
import { createHttpClient, deliverEnvelope, unwrapReply, type ConnectionState, type SocketLike } from '../../../common/httpClient'
import type { CallReply, PreloadBridge } from '../../../common/transport'
import { WeftError } from '../../../common/errors'

export type { ConnectionState } from '../../../common/httpClient'

declare global {
  interface Window {
    weft?: PreloadBridge
  }
}

/** A client plus its connection state, which the status bar shows. */
export interface RendererClient extends WorkbenchClient {
  readonly transport: 'ipc' | 'http'
  connection(): ConnectionState
  onConnection(listener: (state: ConnectionState) => void): () => void
  /**
   * Web mode: sends a file the user chose in the browser to the server and
   * returns the path it now has there (for datasets.import). The desktop app
   * picks files with app.pickFile instead, so there it is undefined.
   */
  upload?: (file: Blob & { name: string }) => Promise<string>
}

/** Over Electron IPC through the preload bridge; always connected. */
export function createIpcClient(bridge: PreloadBridge): RendererClient {
  const hub = new EventHub()
  bridge.onEvent((envelope) => deliverEnvelope(hub, envelope))
  return {
    transport: 'ipc',
    call: async (name, request) => unwrapReply(await bridge.call(name, request)) as never,
    on: (event, listener) => hub.on(event, listener),
    connection: () => 'connected',
    onConnection: () => () => {},
  }
}

/** Over HTTP and a WebSocket to `weft serve`, with the session cookie. */
export function createWebClient(baseUrl: string = window.location.origin): RendererClient {
  const http = createHttpClient({
    baseUrl,
    fetch: window.fetch.bind(window),
    openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    credentials: 'same-origin',
  })
  return {
    transport: 'http',
    ...http,
    async upload(file) {
      let response: Response
      try {
        response = await window.fetch(new URL(`/api/upload?name=${encodeURIComponent(file.name)}`, baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          credentials: 'same-origin',
          body: file,
        })
      } catch {
        throw new WeftError('INTERNAL', 'Cannot reach the Weft server to upload the file')
      }
      const reply = (await response.json().catch(() => null)) as CallReply | null
      return (unwrapReply(reply ?? undefined) as { file: string }).file
    },
  }
}

/** The client for this window: IPC in the desktop app, HTTP in a browser. */
export const client: RendererClient = window.weft ? createIpcClient(window.weft) : createWebClient()

/** The host platform, for shortcut labels (`⌘` on macOS). */
export const isMac: boolean = window.weft ? window.weft.platform === 'darwin' : /Mac|iPhone|iPad/.test(navigator.platform)
