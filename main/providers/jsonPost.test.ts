import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpAbortError, HttpStatusError, postJson } from './jsonPost'

let server: http.Server
let base: string
const sockets = new Set<unknown>()
let lastHeaders: http.IncomingHttpHeaders = {}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    sockets.add(req.socket)
    lastHeaders = req.headers
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const path = req.url ?? ''
      if (path === '/echo') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: JSON.parse(body) }))
      if (path === '/limited') return void res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'slow down' } }))
      if (path === '/text-error') return void res.writeHead(502).end('bad gateway\n')
      if (path === '/empty-error') return void res.writeHead(500).end()
      if (path === '/html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>')
      if (path === '/slow') return void setTimeout(() => res.writeHead(200).end('{}'), 5000).unref()
      res.writeHead(404).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

describe('postJson', () => {
  it('sends JSON with the given headers and reads the JSON answer, on kept-alive connections', async () => {
    for (let i = 0; i < 5; i++) expect(await postJson(`${base}/echo`, { authorization: 'Bearer k' }, { n: i, text: 'héllo' })).toEqual({ got: { n: i, text: 'héllo' } })
    expect(lastHeaders).toMatchObject({ authorization: 'Bearer k', 'content-type': 'application/json' })
    expect(sockets.size).toBe(1)
  })

  it('turns a status of 400 or more into an error with the status, headers and the server’s message', async () => {
    const limited = await postJson(`${base}/limited`, {}, {}).catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(HttpStatusError)
    expect(limited).toMatchObject({ status: 429, message: '429 slow down', headers: { 'retry-after': '2' } })
    await expect(postJson(`${base}/text-error`, {}, {})).rejects.toThrow('502 bad gateway')
    await expect(postJson(`${base}/empty-error`, {}, {})).rejects.toThrow('500 status code (no body)')
  })

  it('rejects an answer that is not JSON, an abort, a refused connection and a non-HTTP URL', async () => {
    await expect(postJson(`${base}/html`, {}, {})).rejects.toBeInstanceOf(SyntaxError)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 30)
    await expect(postJson(`${base}/slow`, {}, {}, controller.signal)).rejects.toBeInstanceOf(HttpAbortError)
    await expect(postJson(`${base}/slow`, {}, {}, AbortSignal.abort())).rejects.toBeInstanceOf(HttpAbortError)
    await expect(postJson('http://127.0.0.1:1/x', {}, {})).rejects.toThrow(/ECONNREFUSED/)
    await expect(postJson('ftp://127.0.0.1/x', {}, {})).rejects.toThrow(/only http and https/)
  })
})
