import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorkbench, type Workbench } from '../workbench'
import { connectWebServer } from './nodeClient'
import { startWebServer, type WebServer } from './webServer'

let root: string
let workbench: Workbench
let server: WebServer
let rendererDir: string

/** A raw request, so tests can send headers fetch would refuse to forge (Host). */
function request(
  pathname: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, method, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const auth = () => ({ authorization: `Bearer ${server.token}` })
const json = { 'content-type': 'application/json' }

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-server-'))
  rendererDir = path.join(root, 'renderer')
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Weft</title>')
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app-123.js'), 'console.log(1)')
  fs.writeFileSync(path.join(root, 'secret.txt'), 'top secret')
  workbench = createWorkbench({ userDataDir: path.join(root, 'user'), host: 'web', cwd: root })
  server = await startWebServer({ workbench, port: 0, rendererDir, token: 'test-token-123' })
})

afterAll(async () => {
  await server.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('web server', () => {
  it('binds loopback and prints a token URL', () => {
    expect(server.loginUrl).toBe(`http://127.0.0.1:${server.port}/?token=test-token-123`)
  })

  it('trades the URL token for an HttpOnly SameSite cookie and drops it from the address', async () => {
    const res = await request('/?token=test-token-123')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/')
    expect(res.headers['set-cookie']?.[0]).toMatch(/^weft_token=test-token-123; Path=\/; HttpOnly; SameSite=Strict/)
    const page = await request('/', { headers: { cookie: 'weft_token=test-token-123' } })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Weft</title>')
    expect(page.headers['content-security-policy']).toContain("default-src 'self'")
  })

  it('refuses a wrong URL token', async () => {
    expect((await request('/?token=guess')).status).toBe(401)
  })

  it('asks for the token instead of serving the app without it', async () => {
    const res = await request('/')
    expect(res.status).toBe(401)
    expect(res.body).toContain('session token')
  })

  it('refuses API calls without the token', async () => {
    const res = await request('/api/call/app.info', { method: 'POST', headers: json, body: '{}' })
    expect(res.status).toBe(401)
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('refuses a foreign Host header (DNS rebinding), even with the token', async () => {
    const res = await request('/api/call/app.info', { method: 'POST', headers: { ...auth(), ...json, host: 'evil.example:80' }, body: '{}' })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body).error.code).toBe('FORBIDDEN')
  })

  it('refuses cross-origin requests and sends no CORS headers', async () => {
    const res = await request('/api/call/app.info', { method: 'POST', headers: { ...auth(), ...json, origin: 'http://evil.example' }, body: '{}' })
    expect(res.status).toBe(403)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    const same = await request('/api/call/app.info', { method: 'POST', headers: { ...auth(), ...json, origin: `http://localhost:${server.port}` }, body: '{}' })
    expect(same.status).toBe(200)
    expect(same.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('requires a JSON body and says what is wrong with it', async () => {
    const form = await request('/api/call/project.open', { method: 'POST', headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }, body: 'dir=/' })
    expect(form.status).toBe(400)
    expect(JSON.parse(form.body).error.message).toContain('content-type: application/json')
    const broken = await request('/api/call/project.open', { method: 'POST', headers: { ...auth(), ...json }, body: '{"dir": ' })
    expect(broken.status).toBe(400)
    expect(JSON.parse(broken.body).error.message).toContain('not valid JSON')
  })

  it('answers GET on an operation with a clear error', async () => {
    const res = await request('/api/call/app.info', { headers: auth() })
    expect(res.status).toBe(400)
    expect(res.headers.allow).toBe('POST')
  })

  it('maps error codes onto HTTP statuses', async () => {
    const unknown = await request('/api/call/nope', { method: 'POST', headers: { ...auth(), ...json }, body: '{}' })
    expect(unknown.status).toBe(404)
    const invalid = await request('/api/call/project.open', { method: 'POST', headers: { ...auth(), ...json }, body: '{"dir": 7}' })
    expect(invalid.status).toBe(400)
    expect(JSON.parse(invalid.body).error.issues[0].path).toBe('dir')
    const noProject = await request('/api/call/objects.list', { method: 'POST', headers: { ...auth(), ...json }, body: '{}' })
    expect(noProject.status).toBe(409)
  })

  it('serves the app for client-side routes and never files outside the renderer', async () => {
    const route = await request('/traces/abc', { headers: auth() })
    expect(route.status).toBe(200)
    expect(route.body).toContain('<title>Weft</title>')
    const asset = await request('/assets/app-123.js', { headers: auth() })
    expect(asset.headers['cache-control']).toContain('immutable')
    for (const evil of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await request(evil, { headers: auth() })
      expect(res.body).not.toContain('top secret')
    }
    expect((await request('/missing.js', { headers: auth() })).status).toBe(404)
  })

  it('pushes events over the WebSocket, with the token only', async () => {
    const client = connectWebServer(`http://127.0.0.1:${server.port}`, server.token)
    const seen = new Promise((resolve) => client.on('project.changed', resolve))
    await new Promise<void>((resolve) => {
      if (client.connection() === 'connected') resolve()
      const off = client.onConnection((s) => s === 'connected' && (off(), resolve()))
    })
    fs.mkdirSync(path.join(root, 'p'), { recursive: true })
    await client.call('project.init', { dir: path.join(root, 'p') })
    await expect(seen).resolves.toMatchObject({ project: { name: 'p', status: 'ready' } })
    client.close()

    const refused = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`)
    const status = await new Promise((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode)))
    expect(status).toBe(401)
    const rebinding = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers: { ...auth(), host: 'evil.example' } })
    expect(await new Promise((resolve) => rebinding.on('unexpected-response', (_req, res) => resolve(res.statusCode)))).toBe(403)
  })

  it('says clearly when the port is taken', async () => {
    await expect(startWebServer({ workbench, port: server.port })).rejects.toThrow(/already in use.*--port/)
  })
})

describe('uploads', () => {
  it('streams a file into the upload folder, refuses other content types, and needs the token', async () => {
    const uploadDir = path.join(root, 'uploads')
    const up = await startWebServer({ workbench, port: 0, uploadDir, token: 'up-token' })
    try {
      const send = (headers: Record<string, string>, body: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port: up.port, path: '/api/upload?name=../../evil%20name.csv', method: 'POST', headers: { host: `127.0.0.1:${up.port}`, ...headers } }, (res) => {
            let text = ''
            res.on('data', (c) => (text += c))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
          })
          req.on('error', reject)
          req.end(body)
        })
      const ok = await send({ authorization: 'Bearer up-token', 'content-type': 'application/octet-stream' }, 'id,q\n1,hi\n')
      expect(ok.status).toBe(200)
      const { result } = JSON.parse(ok.body) as { result: { file: string; bytes: number } }
      expect(path.dirname(result.file)).toBe(uploadDir)
      expect(path.basename(result.file)).toMatch(/-evil_name\.csv$/)
      expect(fs.readFileSync(result.file, 'utf8')).toBe('id,q\n1,hi\n')
      expect((await send({ authorization: 'Bearer up-token', 'content-type': 'text/plain' }, 'x')).status).toBe(400)
      expect((await send({ 'content-type': 'application/octet-stream' }, 'x')).status).toBe(401)
    } finally {
      await up.close()
    }
  })
})
