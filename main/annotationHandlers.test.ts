/**
 * The annotation operations on a real project: items from each source, submit
 * semantics, progress, write-back per source and strategy, export.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventOf } from '../common/contract'
import type { AnnotationInput } from '../common/schemas/annotation'
import { runStore } from './evals/runStore'
import type { EvaluationDefinition } from './evals/definition'
import { openTraceDb } from './traces/db'
import { TRACE_DB_FILE } from './traces/projects'
import { createWorkbench, type Workbench } from './workbench'

const NOW = Date.parse('2026-03-01T12:00:00Z')
let root: string
let dir: string
let wb: Workbench
const changes: Array<EventOf<'annotations.changed'>> = []

const TICKETS = [
  { id: 't1', ticket: 'Charged twice', expected: { category: 'billing' } },
  { id: 't2', ticket: 'Export broken', output: 'bug', expected: { category: 'bug' } },
  { id: 't3', ticket: 'Add an admin', expected: { category: 'account' } },
  { id: 't4', ticket: 'Dark mode', expected: 'feature' },
]
const jsonl = (rows: object[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('')

const save = (kind: 'dataset' | 'queue', name: string, content: string) => wb.call('objects.save', { kind, name, content })
const versionOf = async (queue: string) => (await wb.call('refs.resolve', { ref: `queue:${queue}` })).digest
const datasetRows = async (ref: string) => (await wb.call('objects.get', { ref })).content.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)

let ids = 0
async function annotate(queue: string, itemId: string, annotator: string, values: AnnotationInput['values'], extra: Partial<AnnotationInput> = {}) {
  const annotation: AnnotationInput = { id: `a-${String(++ids).padStart(8, '0')}`, queue, queueVersion: await versionOf(queue), itemId, annotator, values, updatedMs: 1000 + ids, ...extra }
  return { annotation, result: await wb.call('annotations.submit', { annotations: [annotation] }) }
}

const QUEUE_TICKETS = `source: {dataset: tickets}
fields:
  - {name: category, type: categorical, options: [billing, bug, account, feature, other]}
  - {name: urgent, type: binary}
  - {name: stars, type: numeric, min: 1, max: 5, step: 0.5, required: false}
  - {name: why, type: text, maxLength: 20, required: false}
writeBack:
  columns: {category: expected.category}
`

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-annotations-'))
  wb = createWorkbench({ userDataDir: path.join(root, 'user'), host: 'cli', cwd: root, now: () => new Date(NOW), autoMaintain: false })
  wb.on('annotations.changed', (e) => changes.push(e))
  dir = (await wb.call('project.init', { dir: 'proj' })).project.dir
  await save('dataset', 'tickets', jsonl(TICKETS))
  await save('queue', 'tickets-review', QUEUE_TICKETS)

  // Traces: three roots named "answer" (one an error, one old), one of another name.
  const traces = openTraceDb(path.join(dir, TRACE_DB_FILE))
  const rootSpan = (traceId: string, name: string, startMs: number, extra: object = {}) => ({
    id: `${traceId}-root`, traceId, name, startMs, endMs: startMs + 250, inputs: { question: `q ${traceId}`, id: 'dropped' }, output: `answer ${traceId}`,
    attributes: { env: 'prod' }, usage: { m: { inputTokens: 10, outputTokens: 5 } }, costUsd: 0.01, ...extra,
  })
  traces.insertSpans([
    rootSpan('tr-old', 'answer', NOW - 3 * 86_400_000),
    rootSpan('tr-1', 'answer', NOW - 3_600_000),
    rootSpan('tr-2', 'answer', NOW - 1_800_000, { status: 'error', error: { message: 'boom' } }),
    rootSpan('tr-3', 'answer', NOW - 600_000, { attributes: { env: 'dev' }, inputs: 'plain text question' }),
    rootSpan('tr-x', 'other', NOW - 60_000),
  ])
  // An evaluation run over the tickets: t1 passes, t2 fails, t3 errors; two trials of t1.
  const runs = runStore(traces.sqlite)
  const digest = (await wb.call('refs.resolve', { ref: 'dataset:tickets' })).digest
  const definition = { scorers: [{ id: 'exact', type: 'equals' }] } as unknown as EvaluationDefinition
  const older = runs.create('triage', definition, { dataset: `dataset:tickets@${digest}` }, null, 1, { now: NOW - 10_000, pid: null })
  runs.record(older, { rowId: 't1', trial: 0, output: 'old', error: null, latencyMs: 1, tokens: 1, costUsd: null, scores: {} })
  runs.finish(older, 'finished', null, NOW - 9_000)
  const run = runs.create('triage', definition, { dataset: `dataset:tickets@${digest}` }, null, 4, { now: NOW - 5_000, pid: null })
  runs.record(run, { rowId: 't2', trial: 0, output: 'billing', error: null, latencyMs: 12, tokens: 3, costUsd: 0.001, scores: { exact: { score: 0, pass: false } }, traceId: 'tr-1' })
  runs.record(run, { rowId: 't1', trial: 1, output: 'billing', error: null, latencyMs: 10, tokens: 3, costUsd: 0.001, scores: { exact: { score: 1, pass: true } } })
  runs.record(run, { rowId: 't1', trial: 0, output: 'billing', error: null, latencyMs: 11, tokens: 3, costUsd: 0.001, scores: { exact: { score: 1, pass: true } } })
  runs.record(run, { rowId: 't3', trial: 0, output: null, error: 'timeout', latencyMs: null, tokens: 0, costUsd: null, scores: { exact: null } })
  runs.finish(run, 'finished', null, NOW - 4_000)
  // A run still going: never "latest".
  runs.create('triage', definition, {}, null, 4, { now: NOW - 1_000 })
  traces.close()
})

afterAll(async () => {
  await wb.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('items from a dataset', () => {
  it('gives every row in file order: input without id, expected and output; output and expected from the row', async () => {
    const page = await wb.call('annotations.items', { queue: 'tickets-review' })
    expect(page.total).toBe(4)
    expect(page.queue).toMatchObject({ name: 'tickets-review', version: await versionOf('tickets-review') })
    expect(page.items.map((i) => i.id)).toEqual(['t1', 't2', 't3', 't4'])
    expect(page.items[1]).toEqual({ id: 't2', input: { ticket: 'Export broken' }, output: 'bug', expected: { category: 'bug' }, metadata: {}, traceId: null, annotations: [] })
    expect(page.items[0]).not.toHaveProperty('output')
    const second = await wb.call('annotations.items', { queue: 'tickets-review', offset: 2, limit: 1 })
    expect(second).toMatchObject({ total: 4, items: [{ id: 't3' }] })
  })

  it('reads a version given by selector', async () => {
    await save('queue', 'pinned', 'source: {dataset: "tickets@v1"}\nfields: [{name: ok, type: binary}]\n')
    expect((await wb.call('annotations.items', { queue: 'pinned' })).total).toBe(4)
  })
})

describe('items from traces', () => {
  it('filters root spans by name, status, attributes and age, newest first, with full input and output', async () => {
    await save('queue', 'answers', 'source: {traces: {name: answer, since: 1d}}\nfields: [{name: ok, type: binary}]\nwriteBack: {dataset: gold}\n')
    const page = await wb.call('annotations.items', { queue: 'answers' })
    expect(page.items.map((i) => i.id)).toEqual(['tr-3', 'tr-2', 'tr-1'])
    expect(page.items[2]).toMatchObject({ id: 'tr-1', traceId: 'tr-1', input: { question: 'q tr-1', id: 'dropped' }, output: 'answer tr-1', metadata: { name: 'answer', latencyMs: 250, tokens: 15, costUsd: 0.01 } })
    expect(page.items[1]!.metadata).toMatchObject({ status: 'error', error: { message: 'boom' } })

    await save('queue', 'answers-ok', 'source: {traces: {name: answer, status: ok, attributes: {env: prod}, limit: 1}}\nfields: [{name: ok, type: binary}]\n')
    expect((await wb.call('annotations.items', { queue: 'answers-ok' })).items.map((i) => i.id)).toEqual(['tr-1'])
  })
})

describe('items from an evaluation run', () => {
  it('takes the latest finished run, rows in dataset order then trial, with the dataset row input and expected, the output and scores', async () => {
    await save('queue', 'triage-review', 'source: {evaluation: {name: triage}}\nfields: [{name: ok, type: binary}]\n')
    const page = await wb.call('annotations.items', { queue: 'triage-review' })
    const run = (page.items[0]!.metadata as { run: string }).run
    expect(page.items.map((i) => i.id)).toEqual([`${run}:t1:0`, `${run}:t1:1`, `${run}:t2:0`, `${run}:t3:0`])
    expect(page.items[2]).toMatchObject({
      input: { ticket: 'Export broken' }, output: 'billing', expected: { category: 'bug' }, traceId: 'tr-1',
      metadata: { run, row: 't2', trial: 0, scores: { exact: { score: 0, pass: false } }, latencyMs: 12 },
    })
    expect(page.items[3]).toMatchObject({ traceId: null, metadata: { error: 'timeout' } })
    expect(page.items[3]).not.toHaveProperty('output')

    await save('queue', 'triage-failed', `source: {evaluation: {name: triage, run: "${run}", failedOnly: true}}\nfields: [{name: ok, type: binary}]\n`)
    expect((await wb.call('annotations.items', { queue: 'triage-failed' })).items.map((i) => i.id)).toEqual([`${run}:t2:0`, `${run}:t3:0`])
  })
})

describe('submit', () => {
  it('stores, is idempotent, keeps the newer edit, and refuses a bad value with its path while storing the rest', async () => {
    const version = await versionOf('tickets-review')
    const base = { queue: 'tickets-review', queueVersion: version, annotator: 'ana' }
    const good: AnnotationInput = { ...base, id: 'sub-ana-t1', itemId: 't1', values: { category: 'billing', urgent: false }, updatedMs: 10 }
    const bad: AnnotationInput = { ...base, id: 'sub-ana-t2', itemId: 't2', values: { category: 'bug', urgent: 'yes' }, updatedMs: 10 }
    const events = changes.length
    expect(await wb.call('annotations.submit', { annotations: [good, bad] })).toEqual({
      stored: ['sub-ana-t1'], stale: [], rejected: [{ id: 'sub-ana-t2', path: 'values.urgent', message: expect.stringContaining('true or false') }],
    })
    expect(changes.slice(events)).toEqual([{ queue: 'tickets-review', itemIds: ['t1'] }])
    // The same submission again, and an older edit under another id: stale, nothing changes.
    expect(await wb.call('annotations.submit', { annotations: [good] })).toEqual({ stored: [], stale: ['sub-ana-t1'], rejected: [] })
    expect(await wb.call('annotations.submit', { annotations: [{ ...good, id: 'other-window', values: { category: 'bug', urgent: true }, updatedMs: 5 }] })).toMatchObject({ stale: ['other-window'] })
    // A newer edit replaces it and keeps when it was first stored.
    const first = (await wb.call('annotations.list', { queue: 'tickets-review', annotator: 'ana' })).annotations
    expect(first).toEqual([{ ...good, storedMs: NOW, complete: true }])
    const newer = { ...good, values: { category: 'billing', urgent: true, stars: 4.5 }, note: 'sure', expected: { category: 'billing', vip: true }, updatedMs: 20 }
    expect(await wb.call('annotations.submit', { annotations: [newer] })).toMatchObject({ stored: ['sub-ana-t1'] })
    expect((await wb.call('annotations.list', { queue: 'tickets-review', annotator: 'ana' })).annotations).toEqual([{ ...newer, storedMs: NOW, complete: true }])
    expect(changes.length).toBe(events + 2)
  })

  it('names the field, option, range, step, length, queue and version that are wrong', async () => {
    const version = await versionOf('tickets-review')
    const make = (id: string, values: AnnotationInput['values'], extra: Partial<AnnotationInput> = {}): AnnotationInput => ({
      id: `bad-${id}-0000`, queue: 'tickets-review', queueVersion: version, itemId: 't3', annotator: 'bo', values, updatedMs: 1, ...extra,
    })
    const { rejected, stored } = await wb.call('annotations.submit', {
      annotations: [
        make('unknown', { colour: 'red' }),
        make('option', { category: 'refund' }),
        make('range', { stars: 6 }),
        make('step', { stars: 2.25 }),
        make('length', { why: 'x'.repeat(21) }),
        make('queue', {}, { queue: 'nope' }),
        make('version', {}, { queueVersion: 'b'.repeat(40) }),
        make('fine', { category: 'account', stars: 0.5 + 0.5, why: null }),
      ],
    })
    expect(stored).toEqual(['bad-fine-0000'])
    expect(Object.fromEntries(rejected.map((r) => [r.id.slice(4, -5), `${r.path}: ${r.message}`]))).toEqual({
      unknown: expect.stringMatching(/^values\.colour: "colour" is not a field .*category, urgent, stars, why/),
      option: expect.stringMatching(/^values\.category: category "refund" is not an option; the options are "billing"/),
      range: 'values.stars: stars 6 is out of range: must be from 1 to 5',
      step: 'values.stars: stars 2.25 is not on the field\'s step: must be 1 plus a multiple of 0.5',
      length: 'values.why: why is 21 characters long; the field takes at most 20',
      queue: expect.stringMatching(/^queue: No annotation queue named "nope"/),
      version: expect.stringMatching(/^queueVersion: bbbbbbb is not a version of queue tickets-review/),
    })
    // Stored, but not complete: urgent (required) has no value.
    expect((await wb.call('annotations.list', { queue: 'tickets-review', annotator: 'bo' })).annotations).toMatchObject([{ itemId: 't3', complete: false }])
  })

  it('checks each annotation against the version it names, not the current one', async () => {
    await save('queue', 'evolving', 'source: {dataset: tickets}\nfields: [{name: tone, type: categorical, options: [calm, angry]}]\n')
    const v1 = await versionOf('evolving')
    await save('queue', 'evolving', 'source: {dataset: tickets}\nfields: [{name: tone, type: categorical, options: [calm, rude]}]\n')
    const base = { queue: 'evolving', itemId: 't1', annotator: 'ana', updatedMs: 1 }
    const result = await wb.call('annotations.submit', { annotations: [
      { ...base, id: 'evolving-old', queueVersion: v1, values: { tone: 'angry' } },
      { ...base, id: 'evolving-new', itemId: 't2', queueVersion: await versionOf('evolving'), values: { tone: 'angry' } },
    ] })
    expect(result).toMatchObject({ stored: ['evolving-old'], rejected: [{ id: 'evolving-new', path: 'values.tone' }] })
  })
})

describe('a queue committed outside Weft that does not validate', () => {
  it('is left out of the list, and items and submit say where it is wrong', async () => {
    fs.mkdirSync(path.join(dir, 'queues'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'queues', 'broken.yaml'), 'source: {dataset: tickets}\nfields:\n  - {name: ok, type: yesno}\n')
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Outside', '-c', 'user.email=outside@example.com', ...args], { cwd: dir })
    git('add', 'queues/broken.yaml')
    git('commit', '-q', '-m', 'A queue written by hand')
    const version = execFileSync('git', ['rev-parse', 'HEAD:queues/broken.yaml'], { cwd: dir, encoding: 'utf8' }).trim()
    expect((await wb.call('annotations.queues', {})).queues.map((q) => q.name)).not.toContain('broken')
    await expect(wb.call('annotations.items', { queue: 'broken' })).rejects.toMatchObject({ code: 'INVALID_FILE', issues: [{ file: 'queues/broken.yaml', line: 3, path: 'fields.0.type' }] })
    const result = await wb.call('annotations.submit', { annotations: [{ id: 'broken-0001', queue: 'broken', queueVersion: version, itemId: 't1', annotator: 'ana', values: { ok: true }, updatedMs: 1 }] })
    expect(result.rejected).toEqual([{ id: 'broken-0001', path: 'queueVersion', message: expect.stringMatching(/^Queue broken version \w{7} is not a valid queue \(queues\/broken.yaml:3 fields.0.type: /) }])
  })
})

describe('progress, todo and done', () => {
  it('counts items with a complete annotation and complete annotations per annotator; todo/done per annotator', async () => {
    await save('queue', 'progress', 'source: {dataset: tickets}\nfields: [{name: ok, type: binary}, {name: why, type: text, required: false}]\n')
    await annotate('progress', 't1', 'ana', { ok: true })
    await annotate('progress', 't1', 'bo', { ok: false })
    await annotate('progress', 't2', 'bo', { ok: true, why: 'fine' })
    await annotate('progress', 't3', 'ana', { ok: null, why: 'unsure' })
    await annotate('progress', 'gone', 'ana', { ok: true }) // not (or no longer) in the source
    const { queues } = await wb.call('annotations.queues', {})
    expect(queues.find((q) => q.name === 'progress')).toMatchObject({ total: 4, done: 2, byAnnotator: { ana: 1, bo: 2 } })
    expect(queues.find((q) => q.name === 'progress')).not.toHaveProperty('problem')

    const todo = await wb.call('annotations.items', { queue: 'progress', annotator: 'ana', filter: 'todo' })
    expect(todo.items.map((i) => i.id)).toEqual(['t2', 't3', 't4'])
    expect(todo.items[1]!.annotations).toMatchObject([{ annotator: 'ana', complete: false }])
    const done = await wb.call('annotations.items', { queue: 'progress', annotator: 'ana', filter: 'done' })
    expect(done).toMatchObject({ total: 1, items: [{ id: 't1', annotations: [{ annotator: 'ana' }, { annotator: 'bo' }] }] })
    // Without an annotator: done by anyone.
    expect((await wb.call('annotations.items', { queue: 'progress', filter: 'done' })).items.map((i) => i.id)).toEqual(['t1', 't2'])
  })

  it('reports a source that cannot be read on its queue only', async () => {
    await save('queue', 'orphan', 'source: {dataset: missing}\nfields: [{name: ok, type: binary}]\n')
    await save('queue', 'no-runs', 'source: {evaluation: {name: never-run}}\nfields: [{name: ok, type: binary}]\n')
    const { queues } = await wb.call('annotations.queues', {})
    expect(queues.find((q) => q.name === 'orphan')).toMatchObject({ total: null, done: 0, problem: expect.stringContaining('missing') })
    expect(queues.find((q) => q.name === 'no-runs')).toMatchObject({ total: null, problem: expect.stringContaining('no finished run') })
    expect(queues.find((q) => q.name === 'tickets-review')).toMatchObject({ total: 4 })
    await expect(wb.call('annotations.items', { queue: 'orphan' })).rejects.toMatchObject({ code: 'NOT_FOUND', issues: [{ path: 'source.dataset' }] })
    await expect(wb.call('annotations.items', { queue: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND', issues: [{ path: 'queue' }] })
  })
})

describe('write-back', () => {
  it('puts resolved labels into the source dataset as one commit; rows keep order and ids; nothing to change, no commit', async () => {
    await save('queue', 'wb-data', QUEUE_TICKETS)
    await annotate('wb-data', 't1', 'ana', { category: 'account', urgent: false })
    await annotate('wb-data', 't1', 'bo', { category: 'billing', urgent: true, why: 'refund' })
    await annotate('wb-data', 't1', 'cy', { category: 'billing', urgent: false })
    await annotate('wb-data', 't3', 'ana', { category: 'account', urgent: true }, { expected: { category: 'account', team: 'admins' } })
    await annotate('wb-data', 't4', 'bo', { category: 'feature' }) // incomplete: not written
    const before = await wb.call('objects.versions', { kind: 'dataset', name: 'tickets' })

    const latest = await wb.call('annotations.writeBack', { queue: 'wb-data' })
    expect(latest).toMatchObject({ dataset: 'tickets', created: true, rows: { updated: 2, added: 0, unchanged: 0 }, version: { message: 'Labels from queue wb-data' } })
    // t1: cy's (newest) category is the one it had; urgent goes to labels. t3: the correction, then the category column.
    expect(await datasetRows('dataset:tickets')).toEqual([
      { ...TICKETS[0], labels: { urgent: false } },
      TICKETS[1],
      { id: 't3', ticket: 'Add an admin', expected: { category: 'account', team: 'admins' }, labels: { urgent: true } },
      TICKETS[3],
    ])
    const after = await wb.call('objects.versions', { kind: 'dataset', name: 'tickets' })
    expect(after.versions.length).toBe(before.versions.length + 1)

    const again = await wb.call('annotations.writeBack', { queue: 'wb-data' })
    expect(again).toMatchObject({ commit: null, created: false, rows: { updated: 0, added: 0, unchanged: 2 }, version: { digest: latest.version.digest } })

    // One annotator only, with a message of one's own.
    const bo = await wb.call('annotations.writeBack', { queue: 'wb-data', resolve: { annotator: 'bo' }, message: 'Bo says' })
    expect(bo).toMatchObject({ rows: { updated: 1, added: 0, unchanged: 0 }, version: { message: 'Bo says' } })
    expect((await datasetRows('dataset:tickets'))[0]).toEqual({ ...TICKETS[0], labels: { urgent: true, why: 'refund' } })

    // Majority: billing (bo, cy) over account; urgent false (ana, cy) over true.
    const majority = await wb.call('annotations.writeBack', { queue: 'wb-data', resolve: 'majority' })
    expect(majority.rows).toEqual({ updated: 1, added: 0, unchanged: 1 })
    expect((await datasetRows('dataset:tickets'))[0]).toEqual({ ...TICKETS[0], labels: { urgent: false, why: 'refund' } })

    // Into another dataset: the annotated rows whole, as the source has them now (input, output, expected, earlier labels), with these labels; the rest left out.
    expect(await wb.call('annotations.writeBack', { queue: 'wb-data', dataset: 'tickets-gold' })).toMatchObject({ dataset: 'tickets-gold', rows: { added: 2 } })
    expect(await datasetRows('dataset:tickets-gold')).toEqual([
      { ...TICKETS[0], labels: { urgent: false, why: 'refund' } },
      { id: 't3', ticket: 'Add an admin', expected: { category: 'account', team: 'admins' }, labels: { urgent: true } },
    ])
    await expect(wb.call('annotations.writeBack', { queue: 'wb-data', resolve: { annotator: 'nobody' }, dataset: 'fresh' })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('Nothing to write') })
  })

  it('majority ties go to the value given most recently, and expected comes from the newest correction', async () => {
    await save('queue', 'wb-tie', 'source: {dataset: tickets}\nfields: [{name: tone, type: categorical, options: [calm, angry]}]\n')
    await annotate('wb-tie', 't2', 'ana', { tone: 'calm' }, { expected: 'old fix' })
    await annotate('wb-tie', 't2', 'bo', { tone: 'angry' }, { expected: 'new fix' })
    await annotate('wb-tie', 't2', 'cy', { tone: 'angry' })
    await annotate('wb-tie', 't2', 'dee', { tone: 'calm' })
    const result = await wb.call('annotations.writeBack', { queue: 'wb-tie', resolve: 'majority' })
    expect(result.rows).toEqual({ updated: 1, added: 0, unchanged: 0 })
    expect((await datasetRows('dataset:tickets'))[1]).toMatchObject({ id: 't2', expected: 'new fix', labels: { tone: 'calm' } })
  })

  it('turns trace items into rows of the named dataset: input fields spread, expected the accepted output or the correction', async () => {
    const items = (await wb.call('annotations.items', { queue: 'answers' })).items
    await annotate('answers', 'tr-1', 'ana', { ok: true })
    await annotate('answers', 'tr-3', 'ana', { ok: false }, { expected: 'a better answer' })
    const first = await wb.call('annotations.writeBack', { queue: 'answers' })
    expect(first).toMatchObject({ dataset: 'gold', created: true, rows: { updated: 0, added: 2, unchanged: 0 }, version: { n: 1 } })
    // In the source's order (newest first); a text input becomes {input}.
    expect(await datasetRows('dataset:gold')).toEqual([
      { id: 'tr-3', input: 'plain text question', expected: 'a better answer', labels: { ok: false } },
      { id: 'tr-1', question: 'q tr-1', expected: 'answer tr-1', labels: { ok: true } },
    ])
    expect(items.length).toBe(3)
    // Changed mind: tr-1 is updated in place; another dataset is named for one call.
    await annotate('answers', 'tr-1', 'ana', { ok: false })
    expect((await wb.call('annotations.writeBack', { queue: 'answers' })).rows).toEqual({ updated: 1, added: 0, unchanged: 1 })
    expect((await datasetRows('dataset:gold'))[1]).toEqual({ id: 'tr-1', question: 'q tr-1', expected: 'answer tr-1', labels: { ok: false } })
    expect(await wb.call('annotations.writeBack', { queue: 'answers', dataset: 'gold-2' })).toMatchObject({ dataset: 'gold-2', rows: { added: 2 } })
  })

  it('turns evaluation items into rows (id RUN:ROW:TRIAL) and refuses without a target dataset', async () => {
    const [item] = (await wb.call('annotations.items', { queue: 'triage-review', limit: 1 })).items
    await annotate('triage-review', item!.id, 'ana', { ok: true })
    await expect(wb.call('annotations.writeBack', { queue: 'triage-review' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST', issues: [{ path: 'dataset' }], message: expect.stringContaining('an evaluation: say which dataset'),
    })
    const result = await wb.call('annotations.writeBack', { queue: 'triage-review', dataset: 'triage-gold' })
    expect(result.rows).toEqual({ updated: 0, added: 1, unchanged: 0 })
    expect(await datasetRows('dataset:triage-gold')).toEqual([{ id: item!.id, ticket: 'Charged twice', expected: 'billing', labels: { ok: true } }])
  })

  it('refuses a column path through a value that is not an object, leaving the dataset as it was', async () => {
    await save('queue', 'wb-bad-column', 'source: {dataset: tickets}\nfields: [{name: category, type: categorical, options: [a, b]}]\nwriteBack: {columns: {category: ticket.category}}\n')
    await annotate('wb-bad-column', 't1', 'ana', { category: 'a' })
    const before = await wb.call('refs.resolve', { ref: 'dataset:tickets' })
    await expect(wb.call('annotations.writeBack', { queue: 'wb-bad-column' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('Row t1: cannot write ticket.category') })
    expect((await wb.call('refs.resolve', { ref: 'dataset:tickets' })).digest).toBe(before.digest)
    await save('queue', 'wb-bad-column', 'source: {dataset: tickets}\nfields: [{name: category, type: categorical, options: [a, b]}]\nwriteBack: {columns: {category: id}}\n')
    await expect(wb.call('annotations.writeBack', { queue: 'wb-bad-column' })).rejects.toMatchObject({ code: 'INVALID_FILE', issues: [{ path: 'writeBack.columns.category' }] })
    expect((await wb.call('refs.resolve', { ref: 'dataset:tickets' })).digest).toBe(before.digest)
  })
})

describe('export', () => {
  it('writes JSONL (one stored annotation per line) and CSV (one column per field, RFC 4180 quoting)', async () => {
    await save('queue', 'exported', QUEUE_TICKETS)
    await annotate('exported', 't1', 'ana', { category: 'bug', urgent: true, why: 'a "b",\nc' }, { note: 'line1\nline2', expected: { category: 'bug' } })
    await annotate('exported', 't2', 'bo', { category: 'billing', urgent: false, stars: 3.5 })
    const stored = (await wb.call('annotations.list', { queue: 'exported' })).annotations
    const jsonlExport = await wb.call('annotations.export', { queue: 'exported', format: 'jsonl' })
    expect(jsonlExport).toMatchObject({ filename: 'exported-annotations.jsonl', count: 2 })
    expect(jsonlExport.content.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(stored)

    const csv = await wb.call('annotations.export', { queue: 'exported', format: 'csv' })
    expect(csv).toMatchObject({ filename: 'exported-annotations.csv', count: 2 })
    expect(csv.content).toBe(
      'itemId,annotator,category,urgent,stars,why,expected,note,updated\r\n' +
        `t1,ana,bug,true,,"a ""b"",\nc","{""category"":""bug""}","line1\nline2",${new Date(stored[0]!.updatedMs).toISOString()}\r\n` +
        `t2,bo,billing,false,3.5,,,,${new Date(stored[1]!.updatedMs).toISOString()}\r\n`,
    )
    expect(await wb.call('annotations.export', { queue: 'never-made', format: 'csv' })).toMatchObject({ count: 0, content: 'itemId,annotator,expected,note,updated\r\n' })
  })
})
