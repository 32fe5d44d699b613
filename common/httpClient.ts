/**
 * The HTTP + WebSocket client of `weft serve`, shared by the browser renderer
 * and Node (tests, scripts, the SDK later). Runtime pieces are injected, so
 * this file stays free of DOM and Node imports.
 */
import { EventHub, type WorkbenchClient } from './client'
import { isEventName, type EventEnvelope, type EventName, type OperationName } from './contract'
import { errorFromJSON, WeftError } from './errors'
import { API_PREFIX, EVENTS_PATH, type CallReply } from './transport'

/** Whether pushed events are flowing. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected'

/** The part of a WebSocket this client uses (browser WebSocket and `ws` both fit). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onerror: ((ev: unknown) => void) | null
  close(): void
}

/** Options for {@link createHttpClient}. */
export interface HttpClientOptions {
  /** `http://127.0.0.1:PORT` (no trailing path). */
  baseUrl: string
  fetch: typeof fetch
  /** Opens the event socket; omit to get a client without events. */
  openSocket?: (url: string) => SocketLike
  /** Extra headers, e.g. `Authorization: Bearer <token>` outside a browser. */
  headers?: Record<string, string>
  /** `same-origin` in the browser, so the session cookie goes along. */
  credentials?: RequestCredentials
}

/** A WorkbenchClient over HTTP that also reports its connection state. */
export interface HttpWorkbenchClient extends WorkbenchClient {
  connection(): ConnectionState
  onConnection(listener: (state: ConnectionState) => void): () => void
  close(): void
}

/** Unwraps a reply envelope or throws its WeftError. */
export function unwrapReply(reply: CallReply | undefined): unknown {
  if (!reply || typeof reply !== 'object') throw new WeftError('INTERNAL', 'The workbench sent no reply')
  if (reply.ok) return reply.result
  throw errorFromJSON(reply.error)
}

/** Delivers a received event envelope to a hub, ignoring anything malformed. */
export function deliverEnvelope(hub: EventHub, data: unknown): void {
  if (typeof data !== 'object' || data === null) return
  const { event, payload } = data as Partial<EventEnvelope>
  if (isEventName(event)) hub.emit(event as EventName, payload as never)
}

/** Creates the client; the event socket reconnects with backoff until `close()`. */
export function createHttpClient(options: HttpClientOptions): HttpWorkbenchClient {
  const hub = new EventHub()
  const connectionListeners = new Set<(state: ConnectionState) => void>()
  let state: ConnectionState = options.openSocket ? 'connecting' : 'disconnected'
  let retryMs = 250
  let closed = false
  let socket: SocketLike | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  const setState = (next: ConnectionState) => {
    if (next === state) return
    state = next
    connectionListeners.forEach((l) => l(next))
  }

  const connect = () => {
    if (!options.openSocket || closed) return
    const url = new URL(EVENTS_PATH, options.baseUrl)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = options.openSocket(url.toString())
    socket = ws
    ws.onopen = () => {
      retryMs = 250
      setState('connected')
    }
    ws.onmessage = (message) => {
      try {
        deliverEnvelope(hub, JSON.parse(String(message.data)))
      } catch {
        // A malformed frame is dropped; the next one may be fine.
      }
    }
    ws.onerror = () => {}
    ws.onclose = () => {
      setState('disconnected')
      if (closed) return
      retryTimer = setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, 5000)
    }
  }
  connect()

  return {
    async call(name: OperationName, request: unknown) {
      let response: Response
      try {
        response = await options.fetch(new URL(`${API_PREFIX}/call/${name}`, options.baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          credentials: options.credentials,
          body: JSON.stringify(request ?? {}),
        })
      } catch {
        throw new WeftError('INTERNAL', 'Cannot reach the Weft server. Is `weft serve` still running?')
      }
      let reply: CallReply
      try {
        reply = (await response.json()) as CallReply
      } catch {
        throw new WeftError('INTERNAL', `The Weft server answered ${response.status} without a JSON body`)
      }
      return unwrapReply(reply) as never
    },
    on: (event, listener) => hub.on(event, listener),
    connection: () => state,
    onConnection(listener) {
      connectionListeners.add(listener)
      return () => connectionListeners.delete(listener)
    },
    close() {
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      socket?.close()
    },
  }
}
