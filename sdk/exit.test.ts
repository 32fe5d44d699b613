/**
 * Exit behaviour in real child processes running the built SDK (out/sdk):
 * spans still queued when the app's work is done are sent before it exits,
 * from ESM and CommonJS, and a Weft that is down delays exit only briefly.
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completion, startFakeOpenAI, type FakeOpenAI } from '../tests/node/fakeOpenAI'
import { startSink, type Sink } from './test/sink'

const root = path.resolve(import.meta.dirname, '..')
const esm = path.join(root, 'out', 'sdk', 'index.js')
const cjs = path.join(root, 'out', 'sdk', 'index.cjs')
let sink: Sink
let openaiFake: FakeOpenAI
let tmp: string

beforeAll(async () => {
  // The child runs what users run: the built bundle. npm test builds it first; build it here only when it
  // is missing, since rebuilding would replace files other test files are importing at the same time.
  if (!fs.existsSync(esm) || !fs.existsSync(cjs)) {
    execFileSync('flock', ['/tmp/weft-build.lock', path.join(root, 'node_modules', '.bin', 'vite'), 'build', '-c', 'sdk/vite.config.ts', '--logLevel', 'error'], { cwd: root, stdio: 'pipe' })
  }
  sink = await startSink()
  openaiFake = await startFakeOpenAI()
  // Inside the repo (test-results/ is ignored): an app's bare `import 'openai'` resolves from its own folder.
  fs.mkdirSync(path.join(root, 'test-results'), { recursive: true })
  tmp = fs.mkdtempSync(path.join(root, 'test-results', 'weft-sdk-exit-'))
}, 120_000)
afterAll(async () => {
  await sink?.close()
  await openaiFake?.close()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

function run(file: string, source: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const script = path.join(tmp, file)
  fs.writeFileSync(script, source)
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: tmp, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('exit', (code) => resolve({ code, stderr, ms: Date.now() - started }))
  })
}

describe('at process exit', () => {
  it('sends every queued span of an ESM app that just returns (no flush call)', async () => {
    const before = sink.spans.length
    const result = await run(
      'app.mjs',
      `import { op } from ${JSON.stringify(esm)}
const leaf = op(async (i) => i, { name: 'leaf' })
const mid = op(async (i) => leaf(i), { name: 'mid' })
const top = op(async (i) => mid(i), { name: 'top' })
for (let i = 0; i < 1000; i++) await top(i)
`,
      { WEFT_ENDPOINT: sink.url, WEFT_TOKEN: 'tok' },
    )
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const spans = sink.spans.slice(before)
    expect(spans).toHaveLength(3000)
    const tops = new Map(spans.filter((s) => s.name === 'top').map((s) => [s.id, s]))
    const mids = spans.filter((s) => s.name === 'mid')
    expect(mids.every((m) => tops.has(m.parentId!))).toBe(true)
  })

  it('works from CommonJS with init() options', async () => {
    const before = sink.spans.length
    const result = await run(
      'app.cjs',
      `const weft = require(${JSON.stringify(cjs)})
weft.init({ endpoint: ${JSON.stringify(sink.url)}, token: 'tok', project: 'demo' })
const add = weft.op((a, b) => a + b, { name: 'add', kind: 'tool' })
let total = 0
for (let i = 0; i < 500; i++) total = add(total, i)
if (total !== 124750) throw new Error('wrong total ' + total)
`,
      {},
    )
    expect(result.code).toBe(0)
    const spans = sink.spans.slice(before)
    expect(spans).toHaveLength(500)
    expect(spans[499]).toMatchObject({ name: 'add', kind: 'tool', inputs: { a: 124251, b: 499 }, output: 124750 })
  })

  it('exits promptly with one warning when Weft is down, never with an error code', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const result = await run(
      'down.mjs',
      `import { init, op } from ${JSON.stringify(esm)}
init({ endpoint: 'http://127.0.0.1:${port}', token: 'tok', exitFlushTimeoutMs: 700 })
const work = op(() => 'done')
for (let i = 0; i < 100; i++) work()
`,
      {},
    )
    expect(result.code).toBe(0)
    expect(result.ms).toBeLessThan(5000)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/Weft is unreachable/)
  })

  it('exits promptly when Weft accepts the connection but never answers', async () => {
    sink.always({ hang: true })
    try {
      const result = await run(
        'hang.mjs',
        `import { init, op } from ${JSON.stringify(esm)}
init({ endpoint: ${JSON.stringify(sink.url)}, token: 'tok', exitFlushTimeoutMs: 500 })
op(() => 'done')()
`,
        {},
      )
      expect(result.code).toBe(0)
      expect(result.ms).toBeLessThan(3000)
      expect(result.stderr).toMatch(/Weft is unreachable.*gave up at exit/)
    } finally {
      sink.always(undefined)
    }
  })

  it('instrument() traces the OpenAI client an app loads, from ESM (awaited) and CommonJS (not awaited)', async () => {
    const before = sink.spans.length
    const env = { WEFT_ENDPOINT: sink.url, WEFT_TOKEN: 'tok', FAKE_OPENAI_URL: openaiFake.baseUrl }
    openaiFake.enqueue({ kind: 'json', body: { ...(completion({ content: 'from esm' }) as object), model: 'gpt-esm-2025' } })
    openaiFake.enqueue({ kind: 'json', body: { ...(completion({ content: 'from cjs' }) as object), model: 'gpt-cjs-2025' } })
    const esmApp = await run(
      'openai-app.mjs',
      `import OpenAI from 'openai'
import { instrument } from ${JSON.stringify(esm)}
await instrument()
const client = new OpenAI({ apiKey: 'sk', baseURL: process.env.FAKE_OPENAI_URL, maxRetries: 0 })
const reply = await client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] })
if (reply.choices[0].message.content !== 'from esm') throw new Error('wrong reply')
`,
      env,
    )
    const cjsApp = await run(
      'openai-app.cjs',
      `const { instrument } = require(${JSON.stringify(cjs)})
const { OpenAI } = require('openai')
instrument()
const client = new OpenAI({ apiKey: 'sk', baseURL: process.env.FAKE_OPENAI_URL, maxRetries: 0 })
client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }).then((r) => console.error(r.choices[0].message.content === 'from cjs' ? '' : 'wrong reply'))
`,
      env,
    )
    expect([esmApp.code, cjsApp.code]).toEqual([0, 0])
    expect(esmApp.stderr + cjsApp.stderr.trim()).toBe('')
    const llm = sink.spans.slice(before).filter((s) => s.kind === 'llm')
    expect(llm.map((s) => Object.keys(s.usage as object)[0])).toEqual(['gpt-esm-2025', 'gpt-cjs-2025'])
  })
})
