import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRef } from '../../common/refs'
import { initProject } from '../project/project'
import { createProviders } from '../providers/registry'
import { canonicalize } from '../store/formats'
import { openObjectStore, type ObjectStore } from '../store/store'
import { saveObject, setLabel } from '../store/writes'
import { httpTarget, promptTarget } from './targets'

let dir: string
let store: ObjectStore
let server: http.Server
let url: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-targets-'))
  await initProject(dir, 'targets')
  store = await openObjectStore({ dir, canonicalize })
  await saveObject(store, canonicalize, { kind: 'prompt', name: 'answer', content: 'Answer: {{question}}\n' })
  await saveObject(store, canonicalize, { kind: 'model', name: 'offline', content: 'provider: echo\nmodel: echo\n' })
  await setLabel(store, parseRef('prompt:answer@v1'), 'production')
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const row = JSON.parse(body) as { question: string }
      if (row.question === 'fail') return void res.writeHead(503).end('overloaded')
      if (row.question === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ answer: row.question.toUpperCase() }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/answer`
})
afterAll(async () => {
  store?.close()
  await new Promise((r) => server?.close(r))
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('evaluation targets', () => {
  it('runs a prompt version × model config with the row as variables, pinned to the versions at the start', async () => {
    const target = await promptTarget({ store, providers: createProviders({ secrets: async () => undefined, projectDir: dir }), prompt: 'answer@production', model: 'offline' })
    expect(target.pinned.prompt).toMatch(/^prompt:answer@[0-9a-f]{40}$/)
    // A new version after pinning does not change what the run uses.
    await saveObject(store, canonicalize, { kind: 'prompt', name: 'answer', content: 'Changed: {{question}}\n' })
    const answer = await target.call({ id: 'r1', question: 'Where is my parcel?', expected: 'x' }, new AbortController().signal)
    expect(String(answer.output)).toContain('Answer: Where is my parcel?')
    expect(answer.spans?.[0]).toMatchObject({ kind: 'llm', name: 'answer' })
    expect(answer.costUsd).toBe(0)
  })

  it('POSTs a row to an HTTP endpoint and takes its JSON; failures say why', async () => {
    const target = httpTarget({ url })
    const signal = new AbortController().signal
    expect((await target.call({ id: 'r1', question: 'hi' }, signal)).output).toEqual({ answer: 'HI' })
    await expect(target.call({ id: 'r2', question: 'fail' }, signal)).rejects.toThrow(/answered 503: overloaded/)
    await expect(target.call({ id: 'r3', question: 'html' }, signal)).rejects.toThrow(/did not answer JSON/)
  })
})
