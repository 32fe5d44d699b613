/**
 * A Node client of `weft serve` (tests, scripts): the shared HTTP client with
 * the token as a bearer header and `ws` for events.
 */
import WebSocket from 'ws'
import { createHttpClient, type HttpWorkbenchClient, type SocketLike } from '../../common/httpClient'

/** Connects to a running web server; `events: false` skips the event socket. */
export function connectWebServer(baseUrl: string, token: string, { events = true } = {}): HttpWorkbenchClient {
  const headers = { authorization: `Bearer ${token}` }
  return createHttpClient({
    baseUrl,
    fetch,
    headers,
    openSocket: events ? (url) => new WebSocket(url, { headers }) as unknown as SocketLike : undefined,
  })
}
