/**
 * Wire shapes shared by the IPC and HTTP transports. Replies are envelopes, not
 * thrown errors, because neither Electron IPC nor contextBridge keeps an
 * error's own fields.
 */
import type { EventEnvelope, EventName, OperationName } from './contract'
import type { SerializedError } from './errors'

/** The reply to one call, on every wire. */
export type CallReply = { ok: true; result: unknown } | { ok: false; error: SerializedError }

/** HTTP path prefix of the API; `POST ${API_PREFIX}/call/<operation>`. */
export const API_PREFIX = '/api'

/** WebSocket path for pushed events. */
export const EVENTS_PATH = '/api/events'

/** IPC channel names (Electron). */
export const IPC_CHANNELS = { call: 'weft:call', event: 'weft:event' } as const

/** What the Electron preload exposes as `window.weft`: the contract and nothing else. */
export interface PreloadBridge {
  call(name: OperationName, request: unknown): Promise<CallReply>
  onEvent(listener: (envelope: EventEnvelope<EventName>) => void): () => void
  /** `process.platform` of the desktop host, for shortcut labels. */
  platform: string
}
