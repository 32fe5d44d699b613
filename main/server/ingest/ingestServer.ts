/**
 * The ingest server: where traced apps send spans (Weft SDK, OpenTelemetry
 * exporters, the unmodified Weave SDK). Loopback only; every request carries a
 * project's ingest token, which also picks the project. This file owns
 * sockets, authentication, size limits and decompression; the doors own their
 * wire formats.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { allowedHosts, hostAllowed } from '../security'
import type { IngestProject, IngestReply, IngestRoute } from './types'

// Off the event loop: a 64 MB batch must not stall the app (or the desktop window) while it inflates.
const gunzip = promisify<zlib.InputType, zlib.ZlibOptions, Buffer>(zlib.gunzip)
const inflateRaw = promisify<zlib.InputType, zlib.ZlibOptions, Buffer>(zlib.inflate)
const brotli = promisify<zlib.InputType, zlib.BrotliOptions, Buffer>(zlib.brotliDecompress)

/** The port apps send to unless told otherwise (OTLP's own is 4318; this sits beside it). */
export const DEFAULT_INGEST_PORT = 4319

/** Largest body accepted, compressed or not: a batch with a 10 MB output fits many times over. */
export const MAX_INGEST_BODY_BYTES = 64 * 1024 * 1024

/** Options for {@link startIngestServer}. */
export interface IngestServerOptions {
  /** Finds the project a token unlocks. */
  resolveToken(token: string): Promise<IngestProject | null>
  routes: readonly IngestRoute[]
  /** 0 picks a free port. */
  port: number
  host?: string
  maxBodyBytes?: number
}

/** A running ingest server. */
export interface IngestServer {
  url: string
  port: number
  close(): Promise<void>
}

/** A request the server refuses before any door sees it. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/**
 * The token a request presents, in any form the three kinds of client send:
 * `Authorization: Bearer T` (Weft SDK, OTLP headers), `Authorization: Basic
 * base64(api:T)` (Weave and every W&B client), or `x-weft-token: T`.
 */
export function ingestToken(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const auth = req.headers.authorization?.trim()
  if (auth) {
    const [scheme, value = ''] = auth.split(/\s+/, 2)
    if (scheme?.toLowerCase() === 'bearer') return value
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      return colon === -1 ? decoded : decoded.slice(colon + 1)
    }
  }
  const header = req.headers['x-weft-token']
  return typeof header === 'string' ? header.trim() : undefined
}

/** Reads the body within the limit, refusing early when Content-Length already says it is too big. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (declared > limit) throw new Refusal(413, `Request body is ${declared} bytes; the limit is ${limit}`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new Refusal(413, `Request body is larger than the limit of ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  const raw = Buffer.concat(chunks)
  const encoding = (req.headers['content-encoding'] ?? 'identity').toString().trim().toLowerCase()
  if (encoding === 'identity' || encoding === '') return raw
  const inflate = encoding === 'gzip' ? gunzip : encoding === 'deflate' ? inflateRaw : encoding === 'br' ? brotli : null
  if (!inflate) throw new Refusal(415, `Unsupported content-encoding "${encoding}"; send identity, gzip, deflate or br`)
  try {
    // maxOutputLength stops a small compressed bomb from filling memory.
    return await inflate(raw, { maxOutputLength: limit })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new Refusal(413, `Decompressed body is larger than the limit of ${limit} bytes`)
    throw new Refusal(400, `Body is not valid ${encoding}: ${(error as Error).message}`)
  }
}

function send(res: ServerResponse, reply: IngestReply): void {
  let body: Buffer
  let type: string
  if (reply.bytes !== undefined) {
    body = reply.bytes
    type = reply.contentType ?? 'application/octet-stream'
  } else if (reply.text !== undefined) {
    body = Buffer.from(reply.text)
    type = reply.contentType ?? 'text/plain; charset=utf-8'
  } else {
    body = Buffer.from(JSON.stringify(reply.json ?? {}))
    type = reply.contentType ?? 'application/json'
  }
  res.writeHead(reply.status, { 'content-type': type, 'content-length': String(body.length), 'cache-control': 'no-store' })
  res.end(body)
}

/** An error body every client can read: Weft's shape, plus `reason` (Weave) and `message` (OTLP Status). */
export function errorReply(status: number, message: string, issues?: unknown): IngestReply {
  return { status, json: { error: { code: status, message, ...(issues ? { issues } : {}) }, reason: message, message } }
}

/** Starts the ingest server; rejects with a clear message when the port is taken. */
export async function startIngestServer(options: IngestServerOptions): Promise<IngestServer> {
  const host = options.host ?? '127.0.0.1'
  const limit = options.maxBodyBytes ?? MAX_INGEST_BODY_BYTES
  let hosts = new Set<string>()
  const routes = new Map(options.routes.map((route) => [`${route.method} ${route.path}`, route]))

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // A web page may POST to loopback, but DNS rebinding names another Host; browsers get no CORS either.
    if (!hostAllowed(req, hosts)) return send(res, errorReply(403, `Host "${req.headers.host ?? ''}" is not this server`))
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET')
    const route = routes.get(`${method} ${url.pathname}`)
    if (!route) {
      const other = [...routes.values()].find((r) => r.path === url.pathname)
      req.resume()
      if (other) {
        res.setHeader('allow', other.method)
        return send(res, errorReply(405, `Use ${other.method} for ${url.pathname}`))
      }
      return send(res, errorReply(404, `No ingest route ${url.pathname}`))
    }
    const token = ingestToken(req)
    const project = token ? await options.resolveToken(token) : null
    if (!project) {
      req.resume()
      const why = token ? 'is not the ingest token of any project this Weft knows' : 'is missing'
      return send(res, errorReply(401, `The ingest token ${why}. Run \`weft token\` in the project, or copy it from the Traces section of the app.`))
    }
    const body = await readBody(req, limit)
    const reply = await route.handle({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body, project })
    send(res, reply)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof Refusal) {
        // Stop reading a refused upload, but let the reply reach the client first.
        res.setHeader('connection', 'close')
        send(res, errorReply(error.status, error.message))
        return
      }
      console.error('weft: ingest request failed:', error)
      if (!res.headersSent) send(res, errorReply(500, `Weft could not store this request: ${(error as Error).message}`))
      else res.destroy()
    })
  })
  // Exporters keep connections open between batches.
  server.keepAliveTimeout = 30_000

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Port ${options.port} on ${host} is already in use, so traces cannot be received there. Stop what uses it, or choose another port (--ingest-port or WEFT_INGEST_PORT).`))
      } else reject(error)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(options.port, host)
  })
  const port = (server.address() as AddressInfo).port
  hosts = allowedHosts(host, port)
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
