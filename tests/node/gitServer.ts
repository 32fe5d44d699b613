/**
 * A real git smart-HTTP server for tests: `git http-backend` (the CGI that
 * ships with git) behind a small Node http server on 127.0.0.1, optionally
 * asking for a token (Basic with the token as password, or Bearer) so the
 * credential path of sync is exercised end to end, never the network.
 */
import { spawn } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the server saw of one request; tests assert on auth and on URLs. */
export interface GitServerRequest {
  method: string
  /** The request target as received (so a test can check no token leaked into it). */
  url: string
  auth: 'none' | 'basic' | 'bearer'
  status: number
}

/** Options for {@link startGitServer}. */
export interface StartGitServerOptions {
  /** URL path name → bare repository directory; served at `${url}/${name}`. */
  repos: Record<string, string>
  /** When set, every request must carry it (Basic password or Bearer). */
  token?: string
}

/** A running server; `close` stops it and drops open connections. */
export interface GitServer {
  url: string
  requests: GitServerRequest[]
  close(): Promise<void>
}

/** Starts the server on a free port of 127.0.0.1. */
export async function startGitServer({ repos, token }: StartGitServerOptions): Promise<GitServer> {
  const requests: GitServerRequest[] = []
  const server = http.createServer((req, res) => {
    const record: GitServerRequest = { method: req.method ?? 'GET', url: req.url ?? '/', auth: authKind(req), status: 0 }
    requests.push(record)
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      record.status = status
      res.writeHead(status, { 'Content-Type': 'text/plain', ...headers })
      res.end(body)
    }
    const target = new URL(req.url ?? '/', 'http://127.0.0.1')
    const [, name = '', ...rest] = target.pathname.split('/')
    const repoDir = repos[decodeURIComponent(name)]
    if (!repoDir) return reply(404, `no repository ${name}\n`)
    if (token !== undefined && !authorized(req, token)) {
      return reply(401, 'token required\n', { 'WWW-Authenticate': 'Basic realm="weft-test"' })
    }
    runBackend(req, repoDir, `/${rest.join('/')}`, target.search.slice(1))
      .then(({ status, headers, body }) => {
        record.status = status
        res.writeHead(status, headers)
        res.end(body)
      })
      .catch((error: Error) => reply(500, `${error.message}\n`))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function authKind(req: http.IncomingMessage): GitServerRequest['auth'] {
  const header = req.headers.authorization ?? ''
  if (header.startsWith('Basic ')) return 'basic'
  if (header.startsWith('Bearer ')) return 'bearer'
  return 'none'
}

function authorized(req: http.IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? ''
  if (header === `Bearer ${token}`) return true
  if (!header.startsWith('Basic ')) return false
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8')
  return decoded.slice(decoded.indexOf(':') + 1) === token
}

/** Runs one CGI request; buffering the reply is fine for test-sized repositories. */
function runBackend(req: http.IncomingMessage, repoDir: string, pathInfo: string, query: string) {
  return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: repoDir, // keeps the developer's ~/.gitconfig out of the server
        GIT_PROJECT_ROOT: repoDir,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: pathInfo,
        QUERY_STRING: query,
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
        REMOTE_USER: 'weft', // http-backend enables receive-pack only for an authenticated user
      },
    })
    const chunks: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.on('error', reject)
    child.on('close', () => {
      const out = Buffer.concat(chunks)
      const split = out.indexOf('\r\n\r\n')
      if (split < 0) return reject(new Error('git http-backend wrote no headers'))
      const headers: Record<string, string> = {}
      let status = 200
      for (const line of out.subarray(0, split).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':')
        const key = line.slice(0, colon).trim()
        const value = line.slice(colon + 1).trim()
        if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10)
        else headers[key] = value
      }
      resolve({ status, headers, body: out.subarray(split + 4) })
    })
    req.pipe(child.stdin)
  })
}
