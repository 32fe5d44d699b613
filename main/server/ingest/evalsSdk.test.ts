/**
 * The SDK's `evaluate()` end to end against the real ingest server and trace
 * database of a temp project: the run, its rows and each row's trace land
 * where `weft eval` and the `evals.*` API read them, with Weft's summary of
 * the stored rows. (Here rather than in sdk/, whose lint keeps it off main/.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentSpan, evaluate, getDataset, init, op, shutdown, type EvaluateProgress } from '../../../sdk/index'
import { startTestIngest, type TestIngest } from '../../../tests/node/ingestHarness'
import { runStore } from '../../evals/runStore'
import { summarize } from '../../evals/summary'
import type { SpanNode } from '../../traces/db'

let ingest: TestIngest
const warnings: string[] = []

beforeAll(async () => {
  ingest = await startTestIngest()
  init({ endpoint: ingest.url, token: ingest.token, flushIntervalMs: 10, warn: (m) => warnings.push(m) })
  const rows = [
    { id: 't1', question: 'refund', expected: 'answer: refund' },
    { id: 't2', question: 'crash', expected: 'answer: crash' },
    { id: 't3', question: 'explode', expected: 'never' },
  ]
  await ingest.workbench.call('objects.save', { kind: 'dataset', name: 'tickets', content: rows.map((r) => JSON.stringify(r)).join('\n') + '\n' })
  // A later version: the run must pin the version it was asked for, not the newest.
  await ingest.workbench.call('objects.save', { kind: 'dataset', name: 'tickets', content: '{"id":"other","question":"x"}\n' })
}, 60_000)
afterAll(async () => {
  await shutdown()
  await ingest?.close()
})

const lookup = op(async (query: string) => [`doc about ${query}`], { name: 'lookup', kind: 'retrieval' })

async function answerTicket(row: Record<string, unknown>): Promise<string> {
  if (row.id === 't3') throw new Error('model exploded')
  const docs = await lookup(String(row.question))
  currentSpan()?.addUsage('gpt-test', 10, 5)
  return `answer: ${String(row.question)}${docs.length > 1 ? '!' : ''}`
}

const exact = ({ output, expected }: { output: unknown; expected: unknown }) => output === expected
const names = (nodes: readonly SpanNode[]) => nodes.map((n) => n.name)

describe('evaluate() → ingest server → trace database', () => {
  it('records the run, its rows and their traces like an engine run, with source sdk', async () => {
    const progress: EvaluateProgress[] = []
    const result = await evaluate({
      name: 'tickets-triage',
      dataset: 'tickets@v1',
      model: answerTicket,
      scorers: [
        exact,
        { name: 'usedLookup', score: ({ spans }) => spans.some((s) => s.name === 'lookup' && s.kind === 'retrieval') },
        {
          name: 'picky',
          score: ({ row }) => {
            if (row.id === 't2') throw new Error('cannot judge')
            return { score: 0.5, pass: true, reason: 'half right' }
          },
        },
      ],
      trials: 2,
      concurrency: 3,
      onProgress: (p) => progress.push(p),
    })
    expect(warnings).toEqual([])
    expect(result.runId).toMatch(/^\d{4}-/)
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6])
    expect(progress.at(-1)).toMatchObject({ total: 6, errors: 4 })

    // What evaluate() returns: dataset order, then trial.
    expect(result.rows.map((r) => [r.rowId, r.trial])).toEqual([['t1', 0], ['t1', 1], ['t2', 0], ['t2', 1], ['t3', 0], ['t3', 1]])
    const [t1, , t2, , t3] = result.rows
    expect(t1).toMatchObject({ output: 'answer: refund', error: null, tokens: 15, costUsd: null, scores: { exact: { score: 1, pass: true }, usedLookup: { score: 1, pass: true }, picky: { score: 0.5, pass: true } } })
    expect(t1!.latencyMs).toBeGreaterThanOrEqual(0)
    expect(t2).toMatchObject({ error: 'scorer picky: cannot judge', scores: { exact: { score: 1, pass: true }, picky: { score: 0, pass: false } } })
    expect(t3).toMatchObject({ output: null, error: 'model exploded', latencyMs: null, scores: { exact: null, usedLookup: null, picky: null } })
    expect(new Set(result.rows.map((r) => r.traceId)).size).toBe(6)

    // The run as Weft stores it.
    const runs = runStore(ingest.traces.sqlite)
    const run = runs.get(result.runId!)!
    const dataset = await getDataset('tickets@v1')
    expect(run).toMatchObject({
      name: 'tickets-triage', source: 'sdk', status: 'finished', total: 6, gitCommit: null,
      pinned: { dataset: dataset.ref },
      definition: { dataset: dataset.ref, target: { sdk: 'answerTicket' }, scorers: [{ id: 'exact', type: 'sdk' }, { id: 'usedLookup', type: 'sdk' }, { id: 'picky', type: 'sdk' }], trials: 2, concurrency: 3 },
    })
    const stored = runs.rows(result.runId!)
    expect(stored).toEqual(result.rows)
    // A scorer's reason is kept with its score.
    expect(stored.flatMap((r) => (r.scores.picky?.reason ? [r.scores.picky.reason] : []))).toContain('half right')
    expect(run.summary).toEqual(summarize(stored))
    expect(result.summary).toEqual(run.summary)
    expect(run.summary).toMatchObject({ rows: 6, errors: 4, tokens: 60 })

    // A scored row's trace: root → model op → the user's nested op, then one span per scorer.
    const traceId = t1!.traceId!
    const found = ingest.traces.getTrace(traceId)!
    const span = (node: SpanNode) => ingest.traces.getSpan(traceId, node.id)!
    expect(found.roots).toHaveLength(1)
    const root = found.roots[0]!
    expect(root).toMatchObject({ name: 'evaluate.row', kind: 'evaluation', parentId: null })
    expect(span(root).attributes).toEqual({ 'weft.source': 'eval', 'weft.eval.run': result.runId, 'weft.eval.name': 'tickets-triage', 'weft.eval.row': 't1', 'weft.eval.trial': 0 })
    expect(names(root.children)).toEqual(['answerTicket', 'score exact', 'score usedLookup', 'score picky'])
    const [model, exactSpan, , pickySpan] = root.children
    expect(names(model!.children)).toEqual(['lookup'])
    expect(model!.children[0]!.kind).toBe('retrieval')
    expect(span(model!).attributes).toEqual({})
    expect(span(exactSpan!)).toMatchObject({ kind: 'evaluation', attributes: { 'weft.scorer': 'sdk', 'weft.scorer_id': 'exact' }, inputs: { output: 'answer: refund', expected: 'answer: refund' }, output: { score: 1, pass: true } })
    expect(span(pickySpan!)).toMatchObject({ output: { score: 0.5, pass: true, reason: 'half right' }, attributes: { 'weft.reason': 'half right' } })
    expect(found.trace).toMatchObject({ inputTokens: 10, outputTokens: 5 })

    // A row whose model threw: the model span failed and no scorer ran.
    const failed = ingest.traces.getTrace(t3!.traceId!)!.roots[0]!
    expect(names(failed.children)).toEqual(['answerTicket'])
    expect(failed.children[0]).toMatchObject({ status: 'error', error: { message: 'model exploded' } })
    // A row whose scorer threw: that scorer's span failed.
    const scorerFailed = ingest.traces.getTrace(t2!.traceId!)!.roots[0]!.children.find((c) => c.name === 'score picky')!
    expect(scorerFailed).toMatchObject({ status: 'error', error: { message: 'cannot judge' } })

    // The workbench API lists and shows it like any run.
    const wb = ingest.workbench
    const { runs: listed } = await wb.call('evals.runs', { name: 'tickets-triage' })
    expect(listed.map((r) => [r.id, r.source, r.status])).toEqual([[result.runId, 'sdk', 'finished']])
    const shown = await wb.call('evals.get', { runId: result.runId! })
    expect(shown.run).toMatchObject({ source: 'sdk', summary: run.summary, definition: { target: { sdk: 'answerTicket' } } })
    expect(shown.rows).toEqual(stored)
  })

  it('compares two SDK runs of inline rows through the workbench API', async () => {
    const rows = [{ id: 'a', expected: 1 }, { id: 'b', expected: 2 }]
    const before = await evaluate({ name: 'inline', dataset: rows, model: () => 1, scorers: [function matches({ output, expected }) { return output === expected }] })
    const after = await evaluate({ name: 'inline', dataset: rows, model: (row) => row.expected, scorers: [function matches({ output, expected }) { return output === expected }] })
    expect(warnings).toEqual([])
    const run = runStore(ingest.traces.sqlite).get(after.runId!)!
    expect(run).toMatchObject({ pinned: {}, definition: { dataset: null, target: { sdk: 'model' } }, summary: { rows: 2, scorers: { matches: { passRate: 1 } } } })
    const comparison = await ingest.workbench.call('evals.compare', { baseline: before.runId!, candidate: after.runId! })
    expect(comparison.improvements).toEqual([{ rowId: 'b', scorer: 'matches', from: 0, to: 1 }])
    expect(comparison.changedOutputs).toEqual(['b'])
  })
})
