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
import { startRowTrace } from './rowTrace'
import { httpTarget, promptTarget } from './targets'

let dir: string
let store: ObjectStore
let server: http.Server
let url: string
let lastTraceparent: string | undefined

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
      lastTraceparent = req.headers.traceparent as string | undefined
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
    const trace = startRowTrace()
    const answer = await target.call({ id: 'r1', question: 'Where is my parcel?', expected: 'x' }, new AbortController().signal, trace)
    expect(String(answer.output)).toContain('Answer: Where is my parcel?')
    // The call is a span of the row's trace, with the rendered messages and the pinned versions.
    expect(trace.spans).toHaveLength(1)
    expect(trace.spans[0]).toMatchObject({ kind: 'llm', name: 'answer', parentId: trace.rootId, status: 'ok', attributes: { 'weft.prompt': target.pinned.prompt } })
    expect(JSON.stringify(trace.spans[0]!.inputs)).toContain('Where is my parcel?')
    expect(answer.costUsd).toBe(0)
  })

  it('POSTs a row to an HTTP endpoint and takes its JSON; failures say why', async () => {
    const target = httpTarget({ url })
    const signal = new AbortController().signal
    const trace = startRowTrace()
    expect((await target.call({ id: 'r1', question: 'hi' }, signal, trace)).output).toEqual({ answer: 'HI' })
    // The app can join the row's trace: the request carries a W3C traceparent naming the call's span.
    expect(lastTraceparent).toBe(`00-${trace.traceId}-${trace.spans[0]!.id}-01`)
    expect(trace.spans[0]).toMatchObject({ kind: 'chain', name: 'POST /answer', status: 'ok', attributes: { 'http.status_code': 200 } })
    await expect(target.call({ id: 'r2', question: 'fail' }, signal, trace)).rejects.toThrow(/answered 503: overloaded/)
    expect(trace.spans[1]).toMatchObject({ status: 'error', error: { message: expect.stringMatching(/503/) } })
    await expect(target.call({ id: 'r3', question: 'html' }, signal, startRowTrace())).rejects.toThrow(/did not answer JSON/)
  })

  it('waits for the app’s spans until its entry span is in, or gives up after waitMs', async () => {
    const signal = new AbortController().signal
    const span = (id: string, parentId: string | null) => ({ id, parentId, name: id, kind: 'tool', status: 'ok', startMs: 0, endMs: 1, attributes: {} })
    // Children arrive first, the app's entry span (child of the call span the traceparent names) 150 ms later.
    const callSpan = () => /-([0-9a-f]{16})-01$/.exec(lastTraceparent ?? '')![1]!
    const started = performance.now()
    const staggered = httpTarget({
      url,
      appSpans: { waitMs: 2000, read: () => (performance.now() - started < 150 ? [span('child', 'entry')] : [span('child', 'entry'), span('entry', callSpan())]) },
    })
    expect((await staggered.call({ id: 'r1', question: 'hi' }, signal, startRowTrace())).spans?.map((s) => s.id)).toEqual(['child', 'entry'])
    // It stopped once the entry span was in and nothing new came, well before waitMs.
    expect(performance.now() - started).toBeLessThan(1000)
    // An app that sends nothing: an empty list after waitMs.
    const t0 = performance.now()
    const silent = await httpTarget({ url, appSpans: { waitMs: 120, read: () => [] } }).call({ id: 'r2', question: 'hi' }, signal, startRowTrace())
    expect(silent.spans).toEqual([])
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100)
  })
})
