/**
 * A tiny stand-in for Weft's ingest server in SDK tests (127.0.0.1, port 0):
 * it records every span batch and can be told to answer 500/401/400/413,
 * to hang, or to serve the read endpoints (objects/get, prompts/render).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** A span as the SDK sent it (loosely typed: tests assert on fields). */
export type SentSpan = Record<string, unknown> & { id: string; traceId: string; name: string; parentId?: string }

/** One request the sink saw. */
export interface SinkRequest {
  path: string
  headers: http.IncomingHttpHeaders
  body: Record<string, unknown>
  bytes: number
}

/** A scripted answer: a status (with JSON body) or a request left hanging. */
export type SinkReply = { status: number; body?: unknown; headers?: Record<string, string> } | { hang: true }

/** A running sink. */
export interface Sink {
  url: string
  requests: SinkRequest[]
  /** Spans of the span batches answered 2xx, in arrival order. */
  spans: SentSpan[]
  /** Answers for the next span batches, in order; then 200. */
  reply(...replies: SinkReply[]): void
  /** Answers every span batch with this from now on (until `reply` queue is used up first). */
  always(reply: SinkReply | undefined): void
  /** Handler for the read endpoints. */
  onRead(handler: (path: string, body: Record<string, unknown>) => { status: number; body: unknown }): void
  /** Answers 413 for span batch bodies larger than this many bytes. */
  maxBytes: number
  close(): Promise<void>
}

/** Starts a sink on a free port. */
export async function startSink(): Promise<Sink> {
  const queue: SinkReply[] = []
  let fallback: SinkReply | undefined
  let readHandler: (path: string, body: Record<string, unknown>) => { status: number; body: unknown } = () => ({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'nothing here' } } })
  const hanging: http.ServerResponse[] = []
  const sink: Sink = {
    url: '',
    requests: [],
    spans: [],
    reply: (...replies) => void queue.push(...replies),
    always: (reply) => void (fallback = reply),
    onRead: (handler) => void (readHandler = handler),
    maxBytes: Infinity,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      let raw = Buffer.concat(chunks)
      const bytes = raw.length
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw)
      let body: Record<string, unknown>
      try {
        body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>
      } catch {
        return send(res, 400, { error: { code: 'INVALID_REQUEST', message: 'body is not JSON' } })
      }
      const path = req.url ?? ''
      sink.requests.push({ path, headers: req.headers, body, bytes })
      if (path !== '/weft/v1/spans') {
        const answer = readHandler(path, body)
        return send(res, answer.status, answer.body)
      }
      if (bytes > sink.maxBytes) return send(res, 413, { error: { code: 'TOO_LARGE', message: 'body too large' } })
      const reply = queue.shift() ?? fallback ?? { status: 200 }
      if ('hang' in reply) return void hanging.push(res)
      const spans = (body.spans ?? []) as SentSpan[]
      if (reply.status >= 200 && reply.status < 300) sink.spans.push(...spans)
      send(res, reply.status, reply.body ?? (reply.status < 300 ? { accepted: spans.length } : { error: { code: 'ERROR', message: `status ${reply.status}` } }), reply.headers)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return sink
}
