import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initProject } from '../project/project'
import { createProviders } from '../providers/registry'
import { canonicalize } from '../store/formats'
import { openObjectStore, type ObjectStore } from '../store/store'
import { saveObject } from '../store/writes'
import { openTraceDb, type TraceDb } from '../traces/db'
import { runEvaluation } from './engine'
import { runStore } from './runStore'

let dir: string
let store: ObjectStore
let traces: TraceDb

const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `t${i}`, ticket: i % 4 === 0 ? 'printer on fire' : `refund for order ${i}`, expected: 'refund' })).join('\n') + '\n'
const evaluation = `description: Echo answers mention refunds
dataset: dataset:tickets
target: {prompt: prompt:triage@latest, model: model:offline}
scorers:
  - {id: mentions, type: contains, params: {values: ["{{expected}}"]}}
  - {id: fast, type: latency-max, params: {ms: 60000}}
concurrency: 3
thresholds: {mentions: 0.5}
`

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-engine-'))
  await initProject(dir, 'engine')
  store = await openObjectStore({ dir, canonicalize })
  await saveObject(store, canonicalize, { kind: 'prompt', name: 'triage', content: 'Triage: {{ticket}}\n' })
  await saveObject(store, canonicalize, { kind: 'model', name: 'offline', content: 'provider: echo\nmodel: echo\n' })
  await saveObject(store, canonicalize, { kind: 'dataset', name: 'tickets', content: rows })
  await saveObject(store, canonicalize, { kind: 'evaluation', name: 'triage', content: evaluation })
  // The offline echo model answers the rubric's own text: a verdict the judge scorer parses.
  await saveObject(store, canonicalize, { kind: 'prompt', name: 'judge', content: '{"score": 0.8, "reason": "mentions {{expected}}"}\n' })
  await saveObject(store, canonicalize, { kind: 'evaluation', name: 'judged', content: 'dataset: tickets\ntarget: {prompt: triage, model: offline}\nscorers:\n  - {id: judge, type: llm-judge, params: {rubric: prompt:judge, model: model:offline, passScore: 0.7}}\n' })
  traces = openTraceDb(path.join(dir, '.weft', 'traces.db'))
})
afterAll(() => {
  traces?.close()
  store?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const providers = () => createProviders({ secrets: async () => undefined, projectDir: dir })

describe('running a saved evaluation', () => {
  it('pins its versions, stores every row and summarises', async () => {
    const progress: number[] = []
    const { run, summary } = await runEvaluation({ store, providers: providers(), traces, name: 'triage', onProgress: (p) => progress.push(p.done) })
    expect(run).toMatchObject({ name: 'triage', status: 'finished', total: 12 })
    expect(Object.keys(run.pinned).sort()).toEqual(['dataset', 'evaluation', 'model', 'prompt'])
    expect(run.pinned.prompt).toMatch(/^prompt:triage@[0-9a-f]{40}$/)
    expect(run.gitCommit).toMatch(/^[0-9a-f]{40}$/)
    expect(summary).toMatchObject({ rows: 12, errors: 0, scorers: { mentions: { passRate: 0.75 }, fast: { passRate: 1 } } })
    expect(progress.at(-1)).toBe(12)
    expect(runStore(traces.sqlite).rows(run.id)).toHaveLength(12)
  })

  it('resumes a cancelled run with exactly the missing rows; the summary equals an uninterrupted run', async () => {
    const controller = new AbortController()
    const first = await runEvaluation({ store, providers: providers(), traces, name: 'triage', signal: controller.signal, onProgress: (p) => p.done === 5 && controller.abort() })
    expect(first.run.status).toBe('cancelled')
    const stored = runStore(traces.sqlite).rows(first.run.id).length
    expect(stored).toBeGreaterThanOrEqual(5)
    expect(stored).toBeLessThan(12)
    let ran = 0
    const resumed = await runEvaluation({ store, providers: providers(), traces, name: 'triage', resume: first.run.id, onProgress: () => ran++ })
    expect(ran).toBe(12 - stored)
    expect(resumed.run).toMatchObject({ id: first.run.id, status: 'finished' })
    const full = runStore(traces.sqlite).list('triage').find((r) => r.status === 'finished' && r.id !== first.run.id)!
    expect(resumed.summary.scorers).toEqual(full.summary!.scorers)
  })

  it('scores with an LLM judge: a versioned rubric prompt on a judge model', async () => {
    const { summary, run } = await runEvaluation({ store, providers: providers(), traces, name: 'judged' })
    expect(summary.scorers.judge).toMatchObject({ mean: 0.8, passRate: 1 })
    expect(run.status).toBe('finished')
  })

  it('refuses a definition with an unknown scorer before any call', async () => {
    await saveObject(store, canonicalize, { kind: 'evaluation', name: 'broken', content: 'dataset: tickets\ntarget: {prompt: triage, model: offline}\nscorers:\n  - {id: x, type: vibes}\n' })
    await expect(runEvaluation({ store, providers: providers(), traces, name: 'broken' })).rejects.toThrow('evals/broken.yaml: scorers.0.type: unknown scorer type "vibes"')
  })
})
