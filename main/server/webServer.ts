/**
 * Web mode: the workbench API over HTTP (`POST /api/call/<op>`) and a
 * WebSocket of events (`/api/events`), plus the built renderer, on loopback.
 * Every request must present the session token and name this server in its
 * Host header.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { WeftError, toWeftError, type SerializedError } from '../../common/errors'
import { API_PREFIX, EVENTS_PATH, type CallReply } from '../../common/transport'
import type { Workbench } from '../workbench'
import {
  SECURITY_HEADERS,
  TOKEN_COOKIE,
  allowedHosts,
  hostAllowed,
  newToken,
  originAllowed,
  presentedToken,
  tokenMatches,
} from './security'
import { sendStatic } from './static'
import { HTTP_STATUS } from './statusCodes'

/**
 * Largest request body accepted, in bytes: a whole dataset version is saved in
 * one call (the contract allows 256 MB of content), so this is generous; the
 * server only ever listens on loopback behind the session token.
 */
export const MAX_BODY_BYTES = 300 * 1024 * 1024

/** Options for {@link startWebServer}. */
export interface WebServerOptions {
  workbench: Workbench
  /** Folder of the built renderer (out/renderer); without it only the API is served. */
  rendererDir?: string
  /** 0 picks a free port. */
  port: number
  host?: string
  /** A fixed token (tests); a random one by default. */
  token?: string
  /** Where `POST /api/upload` puts files (browsers cannot hand the server a path); off when absent. */
  uploadDir?: string
}

/** A running web server. */
export interface WebServer {
  url: string
  /** The URL to open first: it carries the token. */
  loginUrl: string
  port: number
  token: string
  close(): Promise<void>
}

const CALL_PATH = `${API_PREFIX}/call/`
const UPLOAD_PATH = `${API_PREFIX}/upload`

/** Largest upload accepted (a dataset file to import). */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024

/** Uploads older than this are deleted when a server starts. */
const UPLOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000

/**
 * Streams a request body to a new file in `dir` (never into memory) and
 * returns its path; the name keeps the original's extension so the importer
 * can tell CSV from JSONL.
 */
async function receiveUpload(req: IncomingMessage, dir: string, originalName: string): Promise<{ file: string; bytes: number }> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  // Only fetch() can send this type, and cross-site fetches never get past the Origin check: no CSRF by form.
  if (type !== 'application/octet-stream') throw new WeftError('INVALID_REQUEST', 'Uploads must be sent as application/octet-stream')
  const safe = path.basename(originalName).replace(/[^A-Za-z0-9._-]/g, '_').slice(-80) || 'upload'
  await fs.promises.mkdir(dir, { recursive: true })
  const file = path.join(dir, `${Date.now()}-${crypto.randomBytes(6).toString('hex')}-${safe}`)
  let bytes = 0
  const out = fs.createWriteStream(file, { flags: 'wx' })
  try {
    for await (const chunk of req) {
      bytes += (chunk as Buffer).length
      if (bytes > MAX_UPLOAD_BYTES) throw new WeftError('INVALID_REQUEST', `Upload is larger than ${MAX_UPLOAD_BYTES} bytes`)
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
    return { file, bytes }
  } catch (error) {
    out.destroy()
    await fs.promises.rm(file, { force: true })
    throw error
  }
}

/** Deletes uploads left from earlier runs (imports read them once). */
async function sweepUploads(dir: string): Promise<void> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    const file = path.join(dir, name)
    const stat = await fs.promises.stat(file).catch(() => null)
    if (stat && Date.now() - stat.mtimeMs > UPLOAD_MAX_AGE_MS) await fs.promises.rm(file, { force: true })
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  })
  res.end(text)
}

function sendError(res: ServerResponse, error: WeftError): void {
  const reply: CallReply = { ok: false, error: error.toJSON() as SerializedError }
  sendJson(res, HTTP_STATUS[error.code], reply)
}

function sendPage(res: ServerResponse, status: number, title: string, text: string): void {
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font:15px system-ui;margin:3em;max-width:40em"><h1 style="font-size:1.3em">${title}</h1><p>${text}</p>`
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  res.end(html)
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  // Requiring JSON also stops cross-site HTML forms, which cannot send it.
  if (type !== 'application/json') {
    throw new WeftError('INVALID_REQUEST', 'Request body must be JSON (content-type: application/json)')
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new WeftError('INVALID_REQUEST', `Request body is larger than ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new WeftError('INVALID_REQUEST', `Request body is not valid JSON: ${(error as Error).message}`)
  }
}

/** Starts web mode; rejects with a clear message when the port is taken. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? newToken()
  const { workbench } = options
  let hosts = new Set<string>()
  const sockets = new Set<WebSocket>()

  const authorised = (req: IncomingMessage) => tokenMatches(presentedToken(req), token)

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req, hosts)) {
      return sendError(res, new WeftError('FORBIDDEN', `Host "${req.headers.host ?? ''}" is not this server; use ${[...hosts][0]}`))
    }
    if (!originAllowed(req, hosts)) {
      return sendError(res, new WeftError('FORBIDDEN', `Cross-origin requests are refused (Origin ${req.headers.origin})`))
    }
    const url = new URL(req.url ?? '/', 'http://localhost')

    // First visit: trade the token in the URL for a cookie, then drop it from the address bar.
    const queryToken = url.searchParams.get('token')
    if (req.method === 'GET' && queryToken !== null) {
      if (!tokenMatches(queryToken, token)) return sendPage(res, 401, 'Wrong token', 'This link carries an old or wrong token. Open the link that <code>weft serve</code> printed most recently.')
      url.searchParams.delete('token')
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`,
        location: `${url.pathname}${url.search}`,
        'cache-control': 'no-store',
      })
      return res.end()
    }

    if (url.pathname.startsWith(API_PREFIX)) {
      if (!authorised(req)) return sendError(res, new WeftError('UNAUTHORIZED', 'Missing or wrong session token'))
      if (url.pathname === UPLOAD_PATH && req.method === 'POST') {
        if (!options.uploadDir) return sendError(res, new WeftError('UNSUPPORTED', 'This server does not accept uploads'))
        try {
          const result = await receiveUpload(req, options.uploadDir, url.searchParams.get('name') ?? 'upload')
          return sendJson(res, 200, { ok: true, result } satisfies CallReply)
        } catch (error) {
          return sendError(res, toWeftError(error))
        }
      }
      if (!url.pathname.startsWith(CALL_PATH)) return sendError(res, new WeftError('NOT_FOUND', `No API route ${url.pathname}`))
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST')
        return sendError(res, new WeftError('INVALID_REQUEST', `Use POST for ${url.pathname}`))
      }
      const name = decodeURIComponent(url.pathname.slice(CALL_PATH.length))
      try {
        const result = await workbench.callRaw(name, await readJsonBody(req))
        const reply: CallReply = { ok: true, result }
        return sendJson(res, 200, reply)
      } catch (error) {
        return sendError(res, toWeftError(error))
      }
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, new WeftError('INVALID_REQUEST', `Method ${req.method} not allowed`))
    if (!authorised(req)) {
      return sendPage(res, 401, 'Weft needs its session token', 'Open the link that <code>weft serve</code> printed in your terminal; it ends with <code>?token=…</code>. Run <code>weft serve</code> again to see it.')
    }
    if (!options.rendererDir || !(await sendStatic(options.rendererDir, url.pathname, res, SECURITY_HEADERS))) {
      if (!options.rendererDir) return sendPage(res, 404, 'No renderer build', 'Run <code>npm run build</code> first.')
      return sendError(res, new WeftError('NOT_FOUND', `Not found: ${url.pathname}`))
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendError(res, toWeftError(error))
      else res.destroy()
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (url.pathname !== EVENTS_PATH) return refuse(404, 'Not Found')
    if (!hostAllowed(req, hosts) || !originAllowed(req, hosts)) return refuse(403, 'Forbidden')
    if (!authorised(req)) return refuse(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      ws.on('error', () => sockets.delete(ws))
    })
  })

  const stopForwarding = workbench.onAny((event, payload) => {
    const frame = JSON.stringify({ event, payload })
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame)
  })

  if (options.uploadDir) await sweepUploads(options.uploadDir)

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      stopForwarding()
      if (error.code === 'EADDRINUSE') {
        reject(new WeftError('UNSUPPORTED', `Port ${options.port} on ${host} is already in use — is another Weft running? Choose another with --port N (or --port 0 for any free port).`))
      } else if (error.code === 'EACCES') {
        reject(new WeftError('UNSUPPORTED', `Not allowed to listen on ${host}:${options.port}; choose a port above 1023 with --port N.`))
      } else if (error.code === 'EADDRNOTAVAIL') {
        reject(new WeftError('UNSUPPORTED', `Cannot listen on ${host}: no such address on this machine.`))
      } else reject(error)
    }
    server.once('error', onError)
    server.listen(options.port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })

  const port = (server.address() as AddressInfo).port
  hosts = allowedHosts(host, port)
  const shownHost = host.includes(':') ? `[${host}]` : host
  const base = `http://${shownHost}:${port}`
  return {
    url: `${base}/`,
    loginUrl: `${base}/?token=${token}`,
    port,
    token,
    async close() {
      stopForwarding()
      for (const ws of sockets) ws.terminate()
      await new Promise<void>((resolve) => {
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
