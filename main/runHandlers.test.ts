/**
 * models.run end to end: the offline echo model on the sample project, and a
 * streamed run against the local fake OpenAI server through web mode's HTTP
 * transport (deltas arrive as run.delta events), cached on the second run,
 * cancelled mid-stream.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectWebServer } from './server/nodeClient'
import { startWebServer, type WebServer } from './server/webServer'
import { createWorkbench, type Workbench } from './workbench'
import { startFakeOpenAI, streamChunks, type FakeOpenAI } from '../tests/node/fakeOpenAI'
import { runCli } from './cli/index'

let root: string
let fake: FakeOpenAI
let wb: Workbench
let server: WebServer

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-run-'))
  fake = await startFakeOpenAI()
  wb = createWorkbench({ userDataDir: path.join(root, 'user'), host: 'web', cwd: root, secrets: async (name) => (name === 'FAKE_KEY' ? 'sk-test-key' : undefined) })
  const { project } = await wb.call('project.openSample', {})
  await wb.call('objects.save', {
    kind: 'model',
    name: 'local',
    content: `provider: openai-compatible\nmodel: fake-model\nbase_url: ${fake.baseUrl}\napi_key_env: FAKE_KEY\nparameters:\n  temperature: 0\n`,
  })
  server = await startWebServer({ workbench: wb, port: 0 })
  expect(project.status).toBe('ready')
})

afterAll(async () => {
  await server?.close()
  await wb?.close()
  await fake?.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('models.run', () => {
  it('runs a prompt on the offline echo model, with no key and no network', async () => {
    const result = await wb.call('models.run', { prompt: 'prompt:summarize', model: 'model:offline', variables: { ticket: 'The export button is broken' } })
    expect(result.response.error).toBeNull()
    expect(result.response.output).toContain('The export button is broken')
    expect(result.response.costUsd).toBe(0)
    expect(result.prompt.ref).toBe('prompt:summarize@latest')
    expect(result.rendered.messages.map((m) => m.role)).toEqual(['system', 'user'])
    // Every run is also a trace: one llm span with the messages, output, usage and the pinned versions.
    const { traces } = await wb.call('traces.list', { name: 'summarize' })
    const { spans } = await wb.call('traces.get', { traceId: traces[0]!.traceId })
    const { span } = await wb.call('spans.get', { traceId: traces[0]!.traceId, spanId: spans[0]!.id })
    expect(span).toMatchObject({ kind: 'llm', status: 'ok', output: { text: result.response.output, finishReason: result.response.finishReason } })
    expect(span.attributes).toMatchObject({ 'weft.run_id': result.runId, 'weft.prompt': 'prompt:summarize@latest', 'weft.model': result.model.ref })
    expect(JSON.stringify(span.inputs)).toContain('The export button is broken')
  })

  it('streams over HTTP as run.delta events, sends the key from the secret source, and caches', async () => {
    fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: ['Export ', 'is ', 'broken.'] }) })
    const client = connectWebServer(`http://127.0.0.1:${server.port}`, server.token)
    try {
      await new Promise<void>((resolve) => (client.connection() === 'connected' ? resolve() : client.onConnection((s) => s === 'connected' && resolve())))
      const deltas: string[] = []
      client.on('run.delta', (d) => d.runId === 'r1' && deltas.push(d.text))
      const run = { prompt: 'prompt:summarize', model: 'model:local', variables: { ticket: 'The export button is broken' }, stream: true }
      const first = await client.call('models.run', { ...run, runId: 'r1' })
      expect(first.response).toMatchObject({ output: 'Export is broken.', cached: false, error: null, usage: { inputTokens: 5, outputTokens: 2 } })
      await expect.poll(() => deltas.join('')).toBe('Export is broken.')
      expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-test-key')
      // The prompt's own config (temperature 0.2, maxOutputTokens 200) wins over the model config's parameters.
      expect(fake.requests.at(-1)?.body).toMatchObject({ model: 'fake-model', temperature: 0.2, max_tokens: 200, stream: true })
      expect(JSON.stringify(first)).not.toContain('sk-test-key')

      const second = await client.call('models.run', { ...run, stream: false, runId: 'r2' })
      expect(second.response).toMatchObject({ output: 'Export is broken.', cached: true })
      expect(fake.requests).toHaveLength(1)
    } finally {
      client.close()
    }
  })

  it('cancels a run in flight', async () => {
    fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: ['a', 'b', 'c', 'd'] }), chunkDelayMs: 300 })
    const running = wb.call('models.run', { prompt: 'prompt:summarize', model: 'model:local', variables: { ticket: 'slow' }, stream: true, cache: false, runId: 'slow' })
    await new Promise((r) => setTimeout(r, 400))
    expect(await wb.call('models.cancel', { runId: 'slow' })).toEqual({ cancelled: true })
    const result = await running
    expect(result.response.finishReason).toBe('cancelled')
  })

  it('records every run, newest first', async () => {
    const { runs } = await wb.call('runs.list', { limit: 10 })
    expect(runs.length).toBeGreaterThanOrEqual(3)
    expect(runs[0]).toMatchObject({ runId: 'slow', response: { finishReason: 'cancelled' } })
    expect(runs.map((r) => r.runId)).toContain('r1')
    expect(JSON.stringify(runs)).not.toContain('sk-test-key')
  })

  it('weft run prints the output and usage', async () => {
    let out = ''
    let err = ''
    const code = await runCli(['run', 'prompt:summarize', '--model', 'model:offline', '--var', 'ticket=Checkout is down', '--project', path.join(root, 'user', 'Sample Project')], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      cwd: root,
      env: { WEFT_HOME: path.join(root, 'user') },
    })
    expect(code).toBe(0)
    expect(out).toContain('Checkout is down')
    expect(err).toMatch(/\d+ in \/ \d+ out tokens · \$0\.000000 · \d+ ms/)
  })
})
