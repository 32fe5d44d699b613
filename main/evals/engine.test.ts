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
import type { Provider } from '../providers/types'

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

const providers = () => (concurrency: Record<string, number>) => createProviders({ secrets: async () => undefined, projectDir: dir, concurrency })

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
    // The rubric and judge model are pinned like the target, in the run's definition too.
    expect(run.pinned['scorer.judge.rubric']).toMatch(/^prompt:judge@[0-9a-f]{40}$/)
    expect(run.pinned['scorer.judge.model']).toMatch(/^model:offline@[0-9a-f]{40}$/)
    expect(run.definition.scorers[0]!.params).toMatchObject({ rubric: run.pinned['scorer.judge.rubric'], model: run.pinned['scorer.judge.model'] })
    // A missing rubric is refused before any call, with the field.
    await saveObject(store, canonicalize, { kind: 'evaluation', name: 'misjudged', content: 'dataset: tickets\ntarget: {prompt: triage, model: offline}\nscorers:\n  - {id: judge, type: llm-judge, params: {rubric: prompt:nope, model: model:offline}}\n' })
    await expect(runEvaluation({ store, providers: providers(), traces, name: 'misjudged' })).rejects.toThrow(/evals\/misjudged\.yaml: scorers\.0\.params\.rubric: prompt:nope: /)
  })

  it('traces every row: the row root, the model call, then each scorer — an LLM judge’s call under its scorer', async () => {
    const { run } = await runEvaluation({ store, providers: providers(), traces, name: 'judged' })
    const rows = runStore(traces.sqlite).rows(run.id)
    expect(rows.every((r) => /^[0-9a-f]{32}$/.test(r.traceId ?? ''))).toBe(true)
    expect(new Set(rows.map((r) => r.traceId)).size).toBe(rows.length)
    const tree = traces.getTrace(rows[0]!.traceId!)!
    const shape: string[] = []
    const walk = (node: (typeof tree.roots)[number], parent: string) => {
      shape.push(`${parent} > ${node.kind} ${node.name}`)
      for (const child of node.children) walk(child, node.name)
    }
    for (const root of tree.roots) walk(root, '-')
    expect(shape).toEqual(['- > evaluation eval judged', 'eval judged > llm triage', 'eval judged > evaluation score judge', 'score judge > llm judge judge'])
    const root = traces.getSpan(rows[0]!.traceId!, tree.roots[0]!.id)!
    expect(root.attributes).toMatchObject({ 'weft.eval.run': run.id, 'weft.eval.row': rows[0]!.rowId, 'weft.eval.trial': 0 })
    // The judge's reason is kept with its score.
    expect(rows[0]!.scores.judge).toEqual({ score: 0.8, pass: true, reason: expect.stringContaining('mentions refund') })
  })

  it('maps columns: expected from another column, output from a field of a JSON answer', async () => {
    await saveObject(store, canonicalize, { kind: 'prompt', name: 'json-answer', content: '{"category": "{{ticket}}"}\n' })
    await saveObject(store, canonicalize, { kind: 'dataset', name: 'gold', content: '{"id":"a","ticket":"billing","gold":"billing"}\n{"id":"b","ticket":"bug","gold":"account"}\n' })
    await saveObject(store, canonicalize, {
      kind: 'evaluation', name: 'mapped',
      content: 'dataset: gold\ntarget: {prompt: json-answer, model: offline}\nscorers:\n  - {id: category, type: equals, columns: {expected: gold, output: output.category}}\n',
    })
    const { run, summary } = await runEvaluation({ store, providers: providers(), traces, name: 'mapped' })
    expect(summary.scorers.category).toMatchObject({ passRate: 0.5 })
    expect(runStore(traces.sqlite).rows(run.id).map((r) => r.scores.category?.pass)).toEqual([true, false])
  })

  it('holds each provider to its limit while rows run at the evaluation’s concurrency; --set overrides the definition', async () => {
    let inFlight = 0
    let peak = 0
    const slow: Provider = {
      id: 'slow',
      async call(request) {
        peak = Math.max(peak, ++inFlight)
        await new Promise((r) => setTimeout(r, 15))
        inFlight--
        return { output: String(request.messages.at(-1)?.content ?? ''), toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: null, latencyMs: 15, cached: false, error: null }
      },
      async *stream() {},
    }
    await saveObject(store, canonicalize, { kind: 'model', name: 'slow', content: 'provider: slow\nmodel: s\n' })
    await saveObject(store, canonicalize, {
      kind: 'evaluation', name: 'limited',
      content: 'dataset: tickets\ntarget: {prompt: triage, model: slow}\nscorers:\n  - {id: mentions, type: contains, params: {values: ["{{expected}}"]}}\nconcurrency: 8\nproviderConcurrency: {slow: 2}\n',
    })
    const limited = (concurrency: Record<string, number>) => createProviders({ secrets: async () => undefined, projectDir: dir, concurrency, cache: false, vendors: [slow] })
    await runEvaluation({ store, providers: limited, traces, name: 'limited' })
    expect(peak).toBe(2)
    peak = 0
    const { run } = await runEvaluation({ store, providers: limited, traces, name: 'limited', set: ['providerConcurrency.slow=6', 'scorers.0.params.values=[printer]'] })
    expect(peak).toBe(6)
    expect(run.summary!.scorers.mentions!.passRate).toBe(0.25)
    await expect(runEvaluation({ store, providers: limited, traces, name: 'limited', set: ['trials=0'] })).rejects.toThrow(/--set trials=0: trials: /)
  })

  it('ends the run as failed, with the reason, when its results cannot be stored', async () => {
    const full = Object.assign(Object.create(traces) as typeof traces, { insertSpans: () => { throw new Error('database or disk is full') } })
    await expect(runEvaluation({ store, providers: providers(), traces: full, name: 'triage' })).rejects.toThrow("Could not store the evaluation's results: database or disk is full")
    expect(runStore(traces.sqlite).list('triage')[0]).toMatchObject({ status: 'failed' })
  })

  it('refuses a definition with an unknown scorer before any call', async () => {
    await saveObject(store, canonicalize, { kind: 'evaluation', name: 'broken', content: 'dataset: tickets\ntarget: {prompt: triage, model: offline}\nscorers:\n  - {id: x, type: vibes}\n' })
    await expect(runEvaluation({ store, providers: providers(), traces, name: 'broken' })).rejects.toThrow('evals/broken.yaml: scorers.0.type: unknown scorer type "vibes"')
  })
})
