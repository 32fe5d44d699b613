/**
 * The contract suite: the same calls through the in-process workbench, web
 * mode's HTTP transport and the desktop's IPC handler give identical results —
 * identical error codes and messages for invalid input included.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkbenchClient } from '../../common/client'
import { OPERATION_NAMES, operations, type OperationName } from '../../common/contract'
import { WeftError } from '../../common/errors'
import type { HttpWorkbenchClient } from '../../common/httpClient'
import { unwrapReply } from '../../common/httpClient'
import { createIpcCallHandler } from '../../main/desktop/ipc'
import { connectWebServer } from '../../main/server/nodeClient'
import { startWebServer, type WebServer } from '../../main/server/webServer'
import { createWorkbench, type Workbench } from '../../main/workbench'

const FIXED_NOW = () => new Date('2026-01-02T03:04:05Z')

interface Side {
  root: string
  workbench: Workbench
  client: WorkbenchClient
}

/** One isolated world: its own temp root (projects + user data) and workbench. */
function makeWorkbench(root: string): Workbench {
  fs.mkdirSync(path.join(root, 'projects'), { recursive: true })
  return createWorkbench({ userDataDir: path.join(root, 'user'), host: 'web', cwd: path.join(root, 'projects'), now: FIXED_NOW, version: '9.9.9' })
}

/** Outcome of a call as plain data, with the side's temp root replaced so both sides compare. */
async function outcome(side: Side, name: OperationName, request: unknown): Promise<unknown> {
  let value: unknown
  try {
    value = { ok: await side.client.call(name, request as never) }
  } catch (error) {
    if (!(error instanceof WeftError)) throw error
    value = { error: error.toJSON() }
  }
  // Ingest tokens are random per project, like the temp roots.
  return JSON.parse(JSON.stringify(value).split(side.root).join('<root>').replace(/weft_[A-Za-z0-9_-]{32}/g, '<token>'))
}

let inProcess: Side
let overHttp: Side & { server: WebServer; http: HttpWorkbenchClient }
let overIpc: Side

/**
 * Electron IPC without Electron: the real main-side handler, with requests and
 * replies structured-cloned as Electron does.
 */
function ipcClient(workbench: Workbench): WorkbenchClient {
  const handler = createIpcCallHandler(workbench, (sender: string) => sender === 'weft-window')
  return {
    call: async (name, request) => unwrapReply(structuredClone(await handler('weft-window', structuredClone({ name, request })))) as never,
    on: (event, listener) => workbench.on(event, listener),
  }
}

beforeAll(async () => {
  const a = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-contract-a-'))
  const b = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-contract-b-'))
  const c = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-contract-c-'))
  const wbA = makeWorkbench(a)
  const wbB = makeWorkbench(b)
  const wbC = makeWorkbench(c)
  const server = await startWebServer({ workbench: wbB, port: 0 })
  const http = connectWebServer(`http://127.0.0.1:${server.port}`, server.token, { events: false })
  inProcess = { root: a, workbench: wbA, client: wbA }
  overHttp = { root: b, workbench: wbB, client: http, server, http }
  overIpc = { root: c, workbench: wbC, client: ipcClient(wbC) }
  // Same non-project folder on every side, and one regular file.
  for (const root of [a, b, c]) {
    fs.mkdirSync(path.join(root, 'projects', 'plain'), { recursive: true })
    fs.writeFileSync(path.join(root, 'projects', 'a-file.txt'), 'not a folder')
    fs.writeFileSync(path.join(root, 'projects', 'new.csv'), 'q,a\n"What is 2+2, really?",4\nCapital of France,Paris\n')
    fs.writeFileSync(path.join(root, 'projects', 'bad.jsonl'), '{"id":"1","q":"ok"}\n{"id":"2","q":\n')
  }
})

afterAll(async () => {
  overHttp.http.close()
  await overHttp.server.close()
  await inProcess.workbench.close()
  await overHttp.workbench.close()
  await overIpc.workbench.close()
  for (const side of [inProcess, overHttp, overIpc]) fs.rmSync(side.root, { recursive: true, force: true })
})

/** A realistic session: every operation, valid and invalid, in order. */
const SCENARIO: Array<[OperationName, unknown]> = [
  ['app.info', {}],
  ['app.pickDirectory', {}],
  ['app.pickFile', { extensions: ['csv', 'jsonl'] }],
  ['project.current', {}],
  ['objects.list', {}],
  ['project.recent', {}],
  ['project.open', { dir: 'missing-folder' }],
  ['project.open', { dir: 'a-file.txt' }],
  ['project.open', { dir: 'plain' }],
  ['objects.list', {}],
  ['project.init', { dir: 'plain', name: 'Plain project' }],
  ['project.init', { dir: 'plain' }],
  ['project.current', {}],
  ['objects.list', {}],
  ['project.init', { dir: 'fresh/nested' }],
  ['project.clone', { url: 'http://127.0.0.1:9/team/shared.git', dir: 'cloned' }],
  ['project.clone', { url: 'http://127.0.0.1:9/team/shared.git', dir: 'plain' }],
  ['project.openSample', {}],
  ['objects.list', {}],
  ['objects.list', { kind: 'prompt' }],
  ['objects.read', { kind: 'prompt', name: 'summarize' }],
  ['objects.read', { kind: 'dataset', name: 'tickets' }],
  ['objects.read', { kind: 'prompt', name: 'nope' }],
  ['project.recent', {}],
  ['project.forget', { dir: 'fresh/nested' }],
  ['project.recent', {}],
  // The object store, on the sample project.
  ['objects.save', { kind: 'prompt', name: 'hello', content: '---\nmodel: echo/echo\n---\nHello {{name}}!\n', message: 'First hello' }],
  ['objects.save', { kind: 'prompt', name: 'hello', content: 'Hello again', baseVersion: null }],
  ['objects.save', { kind: 'prompt', name: 'hello', content: '---\nmodel: echo/echo\n---\nHi {{name}}!\n' }],
  ['objects.save', { kind: 'model', name: 'leaky', content: 'provider: openai\nmodel: gpt-4o\napi_key: sk-proj-abcdefghijklmnopqrstuvwxyz0123456789\n' }],
  ['objects.versions', { kind: 'prompt', name: 'hello' }],
  ['objects.validate', { kind: 'prompt', name: 'hello', content: '---\nmodel: [broken\n---\nHi {{who}}\n' }],
  ['objects.validate', { kind: 'model', name: 'fast', content: 'provider: openai\nmodel: gpt-4o-mini\n' }],
  ['objects.get', { ref: 'prompt:hello@v1' }],
  ['objects.get', { ref: 'prompt:hello@v7' }],
  ['refs.resolve', { ref: 'weft://prompt/hello@latest' }],
  ['labels.set', { ref: 'prompt:hello@v1', label: 'production' }],
  ['labels.set', { ref: 'prompt:hello@v2', label: 'production' }],
  ['labels.history', { kind: 'prompt', name: 'hello' }],
  ['objects.restore', { ref: 'prompt:hello@production' }],
  ['objects.list', { kind: 'prompt' }],
  ['labels.remove', { kind: 'prompt', name: 'hello', label: 'production' }],
  ['objects.rename', { kind: 'prompt', from: 'hello', to: 'greeting' }],
  ['objects.delete', { kind: 'prompt', name: 'greeting' }],
  ['objects.get', { ref: 'prompt:greeting@v1' }],
  ['prompts.render', { ref: 'prompt:summarize', variables: { ticket: 'The export button is broken', colour: 'blue' } }],
  ['prompts.render', { content: '---\ninput:\n  schema:\n    who: string\n---\nHi {{who}}', variables: {} }],
  ['objects.diff', { from: 'prompt:summarize@v1', content: '---\nmodel: openai/gpt-4o\n---\nSummarise {{ticket}}\n' }],
  ['objects.diff', { from: 'dataset:tickets' }],
  ['objects.diff', { from: 'dataset:tickets', to: 'prompt:summarize' }],
  ['datasets.previewImport', { file: 'new.csv' }],
  ['datasets.import', { name: 'imported', file: 'new.csv', mapping: { question: 'q', 'expected.answer': 'a' } }],
  ['datasets.import', { name: 'broken', file: 'bad.jsonl' }],
  ['datasets.export', { ref: 'dataset:imported@v1', file: 'out.csv', format: 'csv' }],
  ['branches.list', {}],
  ['branches.create', { name: 'experiment' }],
  ['branches.switch', { name: 'experiment' }],
  ['branches.delete', { name: 'experiment' }],
  ['branches.switch', { name: 'main' }],
  ['branches.delete', { name: 'experiment' }],
  // Loopback with nothing listening: the refusal is tested without any traffic leaving the machine.
  ['remotes.add', { name: 'origin', url: 'http://weft:secret-token@127.0.0.1:9/team/project.git' }],
  ['remotes.list', {}],
  ['remotes.remove', { name: 'origin' }],
  ['sync.push', { remote: 'origin' }],
  ['sync.pull', { remote: 'origin' }],
  ['repo.maintain', { useGitCli: false }],
  // Runs whose outcome does not depend on timing (a successful run's latency would differ per side).
  ['models.run', { prompt: 'prompt:summarize', model: 'model:nope', variables: { ticket: 'x' } }],
  ['models.run', { prompt: 'prompt:summarize', model: 'model:offline', variables: {} }],
  ['models.cancel', { runId: 'not-running' }],
  ['runs.list', {}],
  ['secrets.status', { names: ['MY_KEY'] }],
  ['secrets.set', { name: 'MY_KEY', value: 'sk-never-stored' }],
  ['secrets.remove', { name: 'MY_KEY' }],
  // Traces: no spans have arrived, and no ingest server runs in these workbenches.
  ['ingest.info', {}],
  ['ingest.rotateToken', {}],
  ['traces.list', { status: 'error', limit: 10 }],
  ['traces.list', { cursor: 'not-a-cursor' }],
  ['traces.get', { traceId: '0123456789abcdef0123456789abcdef' }],
  ['spans.get', { traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef' }],
  ['traces.stats', { fromMs: 0, toMs: 1 }],
  ['feedback.add', { traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef', kind: 'thumbs', value: 1 }],
  ['feedback.add', { traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef', kind: 'score', name: 'correctness', value: 0.5, note: 'close' }],
  ['feedback.list', { traceId: '0123456789abcdef0123456789abcdef' }],
  ['feedback.list', { traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef' }],
  ['feedback.remove', { id: '019a0000-0000-7000-8000-000000000000' }],
  ['weave.datasets', {}],
  // Evaluations: refusals only (a run's latencies would differ per side).
  ['evals.runs', {}],
  ['evals.scorers', {}],
  ['evals.run', { name: 'nope' }],
  ['evals.get', { runId: 'no-such-run' }],
  ['evals.compare', { baseline: 'a', candidate: 'b' }],
  ['evals.cancel', { runId: 'no-such-run' }],
  ['evals.export', { runId: 'no-such-run', format: 'csv' }],
  ['evals.import', { content: 'not json' }],
  ['evals.import', { content: JSON.stringify({ weftRunBundle: 1, exportedMs: 0, run: { id: '../x' }, rows: [{ rowId: 'a', trial: 0, scores: { x: { score: 'high' } } }], objects: {}, spans: [] }) }],
  ['evals.import', { content: JSON.stringify({ weftRunBundle: 2 }) }],
  ['evals.pinned', { runId: 'no-such-run' }],
  ['evals.diff', { baseline: 'no-such-run', candidate: 'other', key: 'prompt' }],
  ['weave.importDataset', { name: 'tickets', as: 'weave-tickets' }],
  // Annotation: the sample's queue over the tickets, two annotators, one refused value, a resubmission, write-back.
  ['annotations.queues', {}],
  ['annotations.items', { queue: 'ticket-review', annotator: 'ana', filter: 'todo', limit: 2 }],
  ['annotations.submit', { annotations: [
    { ...annotation('ana-t-001', 'ana', 't-001'), values: { category: 'billing', urgent: true } },
    { ...annotation('bo--t-001', 'bo', 't-001'), values: { category: 'billing', urgent: false, clarity: 4 }, note: 'clear, "quoted"' },
    { ...annotation('ana-t-002', 'ana', 't-002'), values: { category: 'refund', urgent: true } },
  ] }],
  ['annotations.submit', { annotations: [{ ...annotation('ana-t-001', 'ana', 't-001'), values: { category: 'bug', urgent: true } }] }],
  ['annotations.items', { queue: 'ticket-review', annotator: 'ana', filter: 'done' }],
  ['annotations.list', { queue: 'ticket-review' }],
  ['annotations.agreement', { queue: 'ticket-review' }],
  ['annotations.export', { queue: 'ticket-review', format: 'csv' }],
  ['annotations.writeBack', { queue: 'ticket-review', resolve: { annotator: 'bo' } }],
  ['annotations.writeBack', { queue: 'ticket-review', resolve: { annotator: 'bo' } }],
  ['annotations.writeBack', { queue: 'nope' }],
]

/** The sample queue's version: the git blob id of its file (the sample is committed as shipped). */
function sampleQueueVersion(): string {
  const text = fs.readFileSync(path.resolve(import.meta.dirname, '../../resources/sample-project/queues/ticket-review.yaml'))
  return crypto.createHash('sha1').update(`blob ${text.length}\0`).update(text).digest('hex')
}

/** An annotation of the sample queue (values set by the caller). */
function annotation(id: string, annotator: string, itemId: string) {
  return { id, queue: 'ticket-review', queueVersion: sampleQueueVersion(), itemId, annotator, updatedMs: 1_700_000_000_000 }
}

/** One invalid request for every operation; the suite fails when an operation lacks one. */
const INVALID: Record<OperationName, { request: unknown; field: string }> = {
  'app.info': { request: { verbose: true }, field: '' },
  'app.pickDirectory': { request: { title: 42 }, field: 'title' },
  'app.pickFile': { request: { extensions: ['.csv'] }, field: 'extensions.0' },
  'project.current': { request: { dir: '/x' }, field: '' },
  'project.open': { request: { dir: '' }, field: 'dir' },
  'project.init': { request: { dir: 'x', name: 'two\nlines' }, field: 'name' },
  'project.openSample': { request: { force: true }, field: '' },
  'project.clone': { request: { url: 'https://x/y.git' }, field: 'dir' },
  'project.recent': { request: [], field: '' },
  'project.forget': { request: {}, field: 'dir' },
  'objects.list': { request: { kind: 'spreadsheet' }, field: 'kind' },
  'objects.read': { request: { kind: 'prompt', name: '../../etc/passwd' }, field: 'name' },
  'objects.get': { request: { ref: 'x' }, field: 'ref' },
  'objects.save': { request: { kind: 'prompt', name: '../x', content: '' }, field: 'name' },
  'objects.versions': { request: { kind: 'prompt' }, field: 'name' },
  'objects.validate': { request: { kind: 'prompt', name: 'x' }, field: 'content' },
  'objects.restore': { request: { ref: 5 }, field: 'ref' },
  'objects.rename': { request: { kind: 'prompt', from: 'a', to: 'a/b' }, field: 'to' },
  'objects.delete': { request: { kind: 'table', name: 'x' }, field: 'kind' },
  'refs.resolve': { request: {}, field: 'ref' },
  'labels.set': { request: { ref: 'prompt:a', label: '' }, field: 'label' },
  'labels.remove': { request: { kind: 'prompt', name: 'a' }, field: 'label' },
  'labels.history': { request: { kind: 'prompt', name: 'a', extra: 1 }, field: '' },
  'prompts.render': { request: { variables: {} }, field: 'ref' },
  'objects.diff': { request: { from: 'prompt:a', to: 'prompt:b', content: 'x' }, field: 'to' },
  'datasets.previewImport': { request: { file: '' }, field: 'file' },
  'datasets.import': { request: { name: 'x', file: 'a.csv', format: 'xlsx' }, field: 'format' },
  'datasets.export': { request: { ref: 'dataset:x', file: 'a.csv', format: 'parquet' }, field: 'format' },
  'branches.list': { request: { all: true }, field: '' },
  'branches.create': { request: { name: '' }, field: 'name' },
  'branches.switch': { request: { name: 7 }, field: 'name' },
  'branches.delete': { request: { name: 'x', force: 'yes' }, field: 'force' },
  'remotes.list': { request: { verbose: 1 }, field: '' },
  'remotes.add': { request: { name: 'origin' }, field: 'url' },
  'remotes.remove': { request: {}, field: 'name' },
  'sync.pull': { request: { remote: 3 }, field: 'remote' },
  'sync.push': { request: { force: true }, field: '' },
  'repo.maintain': { request: { useGitCli: 'no' }, field: 'useGitCli' },
  'models.run': { request: { model: 'model:x' }, field: 'prompt' },
  'models.cancel': { request: {}, field: 'runId' },
  'runs.list': { request: { limit: 0 }, field: 'limit' },
  'secrets.status': { request: { names: ['not a name'] }, field: 'names.0' },
  'secrets.set': { request: { name: 'MY_KEY' }, field: 'value' },
  'secrets.remove': { request: { name: 'sk-abc' }, field: 'name' },
  'ingest.info': { request: { port: 1 }, field: '' },
  'ingest.rotateToken': { request: { token: 'x' }, field: '' },
  'traces.list': { request: { limit: 5000 }, field: 'limit' },
  'traces.get': { request: { traceId: '' }, field: 'traceId' },
  'spans.get': { request: { traceId: 't' }, field: 'spanId' },
  'traces.stats': { request: { fromMs: 10, toMs: 5 }, field: 'toMs' },
  'feedback.add': { request: { traceId: 't', spanId: 's', kind: 'thumbs', value: 2 }, field: 'value' },
  'feedback.list': { request: { spanId: 's' }, field: 'traceId' },
  'feedback.remove': { request: { id: '' }, field: 'id' },
  'weave.datasets': { request: { name: 'x' }, field: '' },
  'evals.run': { request: { name: 'regression', concurrency: 0 }, field: 'concurrency' },
  'evals.cancel': { request: { runId: '../x' }, field: 'runId' },
  'evals.runs': { request: { limit: 0 }, field: 'limit' },
  'evals.scorers': { request: { type: 'x' }, field: '' },
  'evals.get': { request: {}, field: 'runId' },
  'evals.compare': { request: { baseline: 'a' }, field: 'candidate' },
  'evals.export': { request: { runId: 'x', format: 'xlsx' }, field: 'format' },
  'evals.import': { request: { content: '' }, field: 'content' },
  'evals.pinned': { request: {}, field: 'runId' },
  'evals.diff': { request: { baseline: 'a', candidate: 'b' }, field: 'key' },
  'weave.importDataset': { request: { name: 'tickets', as: '../escape' }, field: 'as' },
  'annotations.queues': { request: { name: 'x' }, field: '' },
  'annotations.items': { request: { queue: 'ticket-review', limit: 500 }, field: 'limit' },
  'annotations.submit': { request: { annotations: [] }, field: 'annotations' },
  'annotations.list': { request: {}, field: 'queue' },
  'annotations.agreement': { request: { queue: '../x' }, field: 'queue' },
  'annotations.writeBack': { request: { queue: 'ticket-review', resolve: 'vote' }, field: 'resolve' },
  'annotations.export': { request: { queue: 'ticket-review', format: 'xlsx' }, field: 'format' },
}

describe('contract: in-process, HTTP and IPC agree', () => {
  it('gives identical results for a whole session of calls', async () => {
    for (const [name, request] of SCENARIO) {
      const expected = await outcome(inProcess, name, request)
      const http = await outcome(overHttp, name, request)
      const ipc = await outcome(overIpc, name, request)
      expect({ name, request, result: http }).toEqual({ name, request, result: expected })
      expect({ name, request, result: ipc }).toEqual({ name, request, result: expected })
    }
    // ~90 calls on three transports, git commits among them: over 4 s already on two busy cores.
  }, 30_000)

  it('imports a run bundle and exports it again identically on every transport', async () => {
    // A bundle as another machine wrote it: the sample project's store has none of its pinned versions.
    const bundle = {
      weftRunBundle: 1, exportedMs: 1,
      run: {
        id: '2026-01-01T00-00-00-beef', name: 'elsewhere', definition: { scorers: [{ id: 'exact', type: 'equals' }], thresholds: { exact: 0.9 } },
        pinned: { prompt: `prompt:gone@${'a'.repeat(40)}` }, gitCommit: null, status: 'finished', source: 'weft', startedMs: 1, endedMs: 2, total: 1, summary: null,
      },
      rows: [{ rowId: 'r1', trial: 0, output: 'a, "quoted"\nanswer', error: null, latencyMs: 5, tokens: 3, costUsd: null, scores: { exact: { score: 0, pass: false, reason: 'no' } }, traceId: 'bundle-trace' }],
      objects: { [`prompt:gone@${'a'.repeat(40)}`]: 'Hello {{name}}\n' },
      spans: [{ id: 'root', traceId: 'bundle-trace', name: 'row r1', startMs: 1, endMs: 2 }],
    }
    const content = JSON.stringify(bundle)
    for (const name of ['evals.import', 'evals.import', 'evals.pinned', 'evals.export'] as const) {
      const request = name === 'evals.import' ? { content } : name === 'evals.pinned' ? { runId: bundle.run.id } : { runId: bundle.run.id, format: 'csv' }
      const mask = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/"importedMs":[0-9.]+/g, '"importedMs":0')) as unknown
      const expected = mask(await outcome(inProcess, name, request))
      expect(mask(await outcome(overHttp, name, request))).toEqual(expected)
      expect(mask(await outcome(overIpc, name, request))).toEqual(expected)
      expect(expected).toHaveProperty('ok')
    }
    const pinned = await inProcess.client.call('evals.pinned', { runId: bundle.run.id })
    expect(pinned.versions).toEqual([{ key: 'prompt', ref: bundle.run.pinned.prompt, content: 'Hello {{name}}\n', from: 'bundle' }])
    const conflict = await outcome(overHttp, 'evals.import', { content: JSON.stringify({ ...bundle, run: { ...bundle.run, name: 'other' } }) })
    expect(conflict).toMatchObject({ error: { code: 'CONFLICT', issues: [{ path: 'run.id' }] } })
  })

  it('covers every operation in the scenario', () => {
    const used = new Set(SCENARIO.map(([name]) => name))
    expect(OPERATION_NAMES.filter((n) => !used.has(n))).toEqual([])
  })

  it('has an invalid-request case for every operation', () => {
    expect(Object.keys(INVALID).sort()).toEqual([...OPERATION_NAMES].sort())
  })

  for (const name of OPERATION_NAMES) {
    it(`refuses an invalid ${name} request with the same clear error on every transport`, async () => {
      const { request, field } = INVALID[name]
      const a = (await outcome(inProcess, name, request)) as { error?: { code: string; message: string; issues?: Array<{ path: string }> } }
      expect(await outcome(overHttp, name, request)).toEqual(a)
      expect(await outcome(overIpc, name, request)).toEqual(a)
      expect(a.error?.code).toBe('INVALID_REQUEST')
      expect(a.error?.message).toContain(`Invalid request to ${name}`)
      expect(a.error?.issues?.map((i) => i.path)).toContain(field)
    })
  }

  it('validates every response against its schema', async () => {
    // Valid calls parse back through the response schema without change.
    for (const name of ['app.info', 'project.current', 'project.recent'] as const) {
      const result = await overHttp.client.call(name, {})
      expect(operations[name].response.parse(result)).toEqual(result)
    }
  })

  it('refuses an unknown operation with the same code', async () => {
    const a = await inProcess.workbench.callRaw('project.delete', {}).catch((e: WeftError) => e.toJSON())
    const b = await overHttp.http.call('project.delete' as OperationName, {} as never).catch((e: WeftError) => e.toJSON())
    expect(b).toEqual(a)
    expect(a).toMatchObject({ code: 'UNKNOWN_OPERATION' })
  })
})
