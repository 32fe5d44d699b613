/**
 * Evaluation runs in a worker thread (the built out/main/evalWorker.js, as
 * the desktop and web mode use it): the run, its rows and traces land in the
 * project's trace database; progress, the run id, new traces and API keys
 * cross between the threads; a cancel stops it and an error keeps its code.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EventOf } from '../../common/contract'
import { WeftError } from '../../common/errors'
import { packageRoot } from '../../main/paths'
import { createWorkbench, type Workbench } from '../../main/workbench'
import { startFakeOpenAI, type FakeOpenAI } from './fakeOpenAI'

const workerFile = path.join(packageRoot(), 'out', 'main', 'evalWorker.js')
let root: string
let wb: Workbench
let fake: FakeOpenAI
const asked: string[] = []

beforeAll(async () => {
  if (!fs.existsSync(workerFile)) throw new Error(`${workerFile} is missing: run npm run build first (npm test does)`)
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-evalworker-'))
  fake = await startFakeOpenAI()
  wb = createWorkbench({
    userDataDir: path.join(root, 'user'), host: 'web', cwd: root, evalWorker: workerFile,
    secrets: async (name) => (asked.push(name), name === 'FAKE_KEY' ? 'sk-worker-test-1234567890' : undefined),
  })
  await wb.call('project.init', { dir: 'p' })
  await wb.call('objects.save', { kind: 'prompt', name: 'triage', content: 'Triage: {{ticket}}\n' })
  await wb.call('objects.save', { kind: 'model', name: 'fake', content: `provider: openai-compatible\nmodel: fake\nbase_url: ${fake.baseUrl}\napi_key_env: FAKE_KEY\n` })
  const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `t${i}`, ticket: `refund ${i}`, expected: 'ok' })).join('\n')
  await wb.call('objects.save', { kind: 'dataset', name: 'tickets', content: `${rows}\n` })
  await wb.call('objects.save', { kind: 'evaluation', name: 'triage', content: 'dataset: tickets\ntarget: {prompt: triage, model: fake}\nscorers:\n  - {id: ok, type: equals}\nconcurrency: 4\n' })
})
afterAll(async () => {
  await wb?.close()
  await fake?.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('an evaluation run in a worker thread', () => {
  it('runs, stores rows with their traces, and relays progress, new traces and the API key', async () => {
    const progress: EventOf<'progress'>[] = []
    const structured: EventOf<'evals.progress'>[] = []
    const added: string[] = []
    const stopProgress = wb.on('progress', (p) => progress.push(p))
    const stopStructured = wb.on('evals.progress', (p) => structured.push(p))
    const stopAdded = wb.on('traces.added', (e) => added.push(...e.traceIds))
    const { run, summary } = await wb.call('evals.run', { name: 'triage', cache: false })
    stopProgress()
    stopStructured()
    expect(structured[0]).toMatchObject({ runId: run.id, name: 'triage', done: 0, state: 'running' })
    expect(structured.at(-2)).toMatchObject({ done: 30, total: 30, errors: 0, means: { ok: 1 }, state: 'running' })
    expect(structured.at(-1)).toMatchObject({ done: 30, total: 30, state: 'finished' })
    expect(structured.some((p) => p.etaMs !== null && p.etaMs > 0)).toBe(true)
    expect(run).toMatchObject({ status: 'finished', source: 'weft', total: 30 })
    expect(summary).toMatchObject({ rows: 30, errors: 0, scorers: { ok: { passRate: 1 } } })
    expect(progress[0]).toMatchObject({ taskId: `eval:${run.id}`, done: 0, message: `run ${run.id}` })
    expect(progress.at(-1)).toMatchObject({ state: 'finished', done: 30 })
    // The key came from the workbench's secret source, asked for by the worker, and reached the provider.
    expect(asked).toContain('FAKE_KEY')
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-worker-test-1234567890')
    const { rows } = await wb.call('evals.get', { runId: run.id })
    expect(rows).toHaveLength(30)
    // traces.added gathers arrivals for a moment before it is sent.
    await vi.waitFor(() => expect(new Set(added)).toEqual(new Set(rows.map((r) => r.traceId))))
    stopAdded()
    const trace = await wb.call('traces.get', { traceId: rows[0]!.traceId! })
    expect(trace.spans.map((s) => s.kind)).toEqual(['evaluation', 'llm', 'evaluation'])
  })

  it('cancels through the worker, keeps what finished, and resumes with the rest', async () => {
    fake.enqueue(...Array.from({ length: 30 }, () => ({ kind: 'json' as const, body: { id: 'x', object: 'chat.completion', created: 0, model: 'fake', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }, delayMs: 40 })))
    let runId = ''
    let cancelling = false
    const stop = wb.on('progress', (p) => {
      if (p.message?.startsWith('run ')) runId = p.taskId.slice(5)
      // Progress comes at most every 100 ms: cancel at the first report of 8 rows or more.
      if (p.done >= 8 && runId && !cancelling) {
        cancelling = true
        void wb.call('evals.cancel', { runId })
      }
    })
    const cancelled = await wb.call('evals.run', { name: 'triage', cache: false })
    stop()
    expect(cancelled.run.status).toBe('cancelled')
    const kept = (await wb.call('evals.get', { runId })).rows.length
    expect(kept).toBeGreaterThanOrEqual(8)
    expect(kept).toBeLessThan(30)
    const resumed = await wb.call('evals.run', { name: 'triage', resume: runId, cache: false })
    expect(resumed.run).toMatchObject({ id: runId, status: 'finished' })
    expect(resumed.summary.rows).toBe(30)
  })

  it('fails with the engine’s own error code and message', async () => {
    const error = await wb.call('evals.run', { name: 'nope' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WeftError)
    expect(error).toMatchObject({ code: 'NOT_FOUND' })
    const set = await wb.call('evals.run', { name: 'triage', set: ['trials=0'] }).catch((e: unknown) => e)
    expect((set as WeftError).message).toMatch(/--set trials=0: trials:/)
  })
})
