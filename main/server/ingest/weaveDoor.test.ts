import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTraceDb, type TraceDb } from '../../traces/db'
import { bytesDigest, tableDigest } from '../../traces/weave/digest'
import type { WeaveCall } from '../../traces/weave/callRead'
import { listFeedback } from '../../traces/weave/feedback'
import type { WeaveObject } from '../../traces/weave/objects'
import type { TableRow } from '../../traces/weave/tables'
import { listWeaveDatasets, readWeaveDatasetRows } from '../../traces/weave/datasets'
import type { IngestProject, IngestReply } from './types'
import { weaveRoutes } from './weaveDoor'
import { findSpan } from '../../../tests/node/findSpan'

let dir: string
let traces: TraceDb
let added: Array<{ traceIds: readonly string[]; count: number }>
const routes = weaveRoutes()
const P = 'ent/proj'
const opRef = (name: string) => `weave:///${P}/op/${name}:d1`

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-weave-'))
  traces = openTraceDb(path.join(dir, 'traces.db'))
  added = []
})
afterEach(() => {
  traces.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function send(route: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<IngestReply> {
  const handler = routes.find((r) => r.path === route && r.method === method)
  if (!handler) throw new Error(`no route ${route}`)
  const project: IngestProject = {
    dir, traces, read: () => Promise.reject(new Error('unused')),
    spansAdded: (traceIds, count) => added.push({ traceIds, count }),
  }
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
  return handler.handle({ method, path: route, query: new URLSearchParams(), headers: { 'content-type': 'application/json', ...headers }, body: raw, project })
}
/** The fields tests read from JSON replies, across routes. */
interface Reply {
  res: Array<Record<string, string>>
  call: WeaveCall & { summary: { weave: Record<string, unknown> & { feedback?: unknown[] } } }
  digest: string
  object_id: string
  version_index: number
  row_digests: string[]
  obj: WeaveObject
  objs: WeaveObject[]
  rows: TableRow[]
  vals: unknown[]
  result: Array<Record<string, unknown>>
  id: string
  count: number
}
async function post(route: string, body: unknown): Promise<Reply> {
  const reply = await send(route, body)
  expect(reply.status, JSON.stringify(reply.json)).toBe(200)
  return reply.json as Reply
}

const start = (id: string, over: Record<string, unknown> = {}) => ({
  mode: 'start',
  req: { start: { project_id: P, id, op_name: opRef(id.replace(/\d+$/, '')), trace_id: 'T1', started_at: '2026-01-01T00:00:00.000Z', attributes: { weave: { source: 'js-sdk' } }, inputs: { arg0: id }, ...over } },
})
const end = (id: string, over: Record<string, unknown> = {}) => ({
  mode: 'end',
  req: { end: { project_id: P, id, ended_at: '2026-01-01T00:00:01.500Z', output: `${id}!`, summary: {}, ...over } },
})

describe('calls', () => {
  it('maps a nested batch to spans with parents, names, statuses and outputs', async () => {
    const reply = await post('/call/upsert_batch', {
      batch: [start('greet'), start('shout', { parent_id: 'greet' }), start('boom', { parent_id: 'greet' }),
        end('boom', { output: null, exception: 'kaboom 1' }), end('shout'), end('greet')],
    })
    expect(reply.res[0]).toEqual({ id: 'greet', trace_id: 'T1' })
    expect(added).toEqual([{ traceIds: ['T1'], count: 3 }])
    const { trace, roots } = traces.getTrace('T1')!
    expect(trace.spanCount).toBe(3)
    expect(roots.map((r) => r.name)).toEqual(['greet'])
    const greet = findSpan(traces, 'greet')!
    expect(greet).toMatchObject({ name: 'greet', status: 'ok', startMs: Date.parse('2026-01-01T00:00:00Z'), endMs: Date.parse('2026-01-01T00:00:01.5Z'), inputs: { arg0: 'greet' }, output: 'greet!' })
    expect(greet.attributes).toMatchObject({ 'weave.op_name': opRef('greet'), weave: { source: 'js-sdk' } })
    expect(findSpan(traces, 'boom')).toMatchObject({ parentId: 'greet', status: 'error', error: { message: 'kaboom 1' }, output: null })
    const call = (await post('/call/read', { project_id: P, id: 'boom' })).call
    expect(call).toMatchObject({ id: 'boom', op_name: opRef('boom'), parent_id: 'greet', exception: 'kaboom 1', attributes: { weave: { source: 'js-sdk' } } })
    expect(call.summary.weave).toMatchObject({ status: 'error', trace_name: 'boom', latency_ms: 1500 })
  })

  it('keeps children before parents and ends before starts until everything arrives', async () => {
    await post('/call/upsert_batch', { batch: [end('child', { output: 42 })] })
    expect(findSpan(traces, 'child')).toBeUndefined()
    expect((await send('/calls/stream_query', { project_id: P })).text).toBe('')
    await post('/call/upsert_batch', { batch: [start('child', { parent_id: 'root' })] })
    expect(findSpan(traces, 'child')).toMatchObject({ status: 'ok', output: 42, parentId: 'root' })
    await post('/call/upsert_batch', { batch: [start('root')] })
    expect(findSpan(traces, 'root')).toMatchObject({ status: 'running', endMs: null })
    await post('/call/end', { end: end('root').req.end })
    expect(findSpan(traces, 'root')).toMatchObject({ status: 'ok', output: 'root!' })
    expect(traces.getTrace('T1')!.trace).toMatchObject({ spanCount: 2, status: 'ok', rootName: 'root' })
    // An end before its start in one batch is the same as the other way round.
    await post('/call/upsert_batch', { batch: [end('late', { output: 'done' }), start('late', { parent_id: 'root' })] })
    expect(findSpan(traces, 'late')).toMatchObject({ status: 'ok', output: 'done', parentId: 'root' })
    // Replays change nothing.
    await post('/call/upsert_batch', { batch: [start('child', { parent_id: 'root' }), end('child', { output: 'other' })] })
    expect(findSpan(traces, 'child')!.output).toBe(42)
  })

  it('keeps only its own usage on each span and infers kinds', async () => {
    const usage = (n: number) => ({ usage: { 'gpt-4o-mini': { requests: n, prompt_tokens: 9 * n, completion_tokens: 3 * n, total_tokens: 12 * n } } })
    await post('/call/upsert_batch', {
      batch: [start('app'), start('openai.chat.completions.create', { id: 'llm', parent_id: 'app', op_name: opRef('openai.chat.completions.create') }),
        end('llm', { summary: usage(1) }), end('app', { summary: usage(1) })],
    })
    expect(findSpan(traces, 'llm')).toMatchObject({ kind: 'llm', usage: { 'gpt-4o-mini': { inputTokens: 9, outputTokens: 3 } } })
    expect(findSpan(traces, 'app')).toMatchObject({ kind: 'other', usage: {} })
    expect(traces.getTrace('T1')!.trace.totalTokens).toBe(12)
    await post('/call/upsert_batch', {
      batch: [start('ev', { id: 'ev', op_name: opRef('Evaluation.evaluate'), display_name: 'tiny-eval_adder' }), end('ev'),
        start('ps', { id: 'ps', op_name: opRef('Evaluation.predictAndScore'), trace_id: 'T2' })],
    })
    expect(findSpan(traces, 'ev')).toMatchObject({ kind: 'evaluation', name: 'tiny-eval_adder' })
    expect(findSpan(traces, 'ps')).toMatchObject({ kind: 'evaluation', status: 'running' })
  })

  it('reads what the Python client sends: microsecond offsets, JSON exceptions, items without mode', async () => {
    const exception = JSON.stringify({ type: 'ValueError', message: 'bad input', traceback: 'Traceback …' })
    await post('/call/upsert_batch', {
      batch: [
        { req: { start: { ...start('py').req.start, started_at: '2026-01-01T01:00:00.000250+01:00', wb_user_id: 'u1' } } },
        { req: { end: { ...end('py').req.end, ended_at: '2026-01-01T00:00:00.500500', output: null, exception } } },
      ],
    })
    const span = findSpan(traces, 'py')!
    expect(span.startMs).toBeCloseTo(Date.parse('2026-01-01T00:00:00Z') + 0.25, 6)
    expect(span.endMs).toBeCloseTo(Date.parse('2026-01-01T00:00:00Z') + 500.5, 6)
    expect(span.error).toEqual({ type: 'ValueError', message: 'bad input', stack: 'Traceback …' })
    const call = (await post('/call/read', { project_id: P, id: 'py' })).call
    expect(call).toMatchObject({ exception, wb_user_id: 'u1' })
    expect((await post('/call/read', { project_id: P, id: 'nope' })).call).toBeNull()
  })

  it('answers 400 with the field path for malformed batches, storing nothing', async () => {
    const bad = await send('/call/upsert_batch', { batch: [start('a'), start('b', { started_at: 'yesterday' })] })
    expect(bad.status).toBe(400)
    expect((bad.json as { reason: string }).reason).toMatch(/^batch\.1\.req\.start\.started_at: not a date/)
    expect(findSpan(traces, 'a')).toBeUndefined()
    for (const body of ['{', { batch: 'x' }, { batch: [{ mode: 'middle', req: {} }] }, { batch: [end('x', { id: '' })] }]) {
      const reply = await send('/call/upsert_batch', body)
      expect(reply.status).toBe(400)
      expect((reply.json as { reason: string }).reason).toBeTruthy()
    }
    expect((await send('/call/upsert_batch', Buffer.from([0xff, 0xfe]))).status).toBe(400)
  })

  it('queries calls as JSONL with filters, wildcards, $expr and renames', async () => {
    await post('/call/upsert_batch', { batch: [start('greet'), start('shout', { parent_id: 'greet' }), end('shout'), end('greet')] })
    const lines = async (body: Record<string, unknown>) => {
      const reply = await send('/calls/stream_query', { project_id: P, ...body })
      expect(reply.contentType).toBe('application/jsonl')
      return reply.text!.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; display_name: string | null })
    }
    expect((await lines({})).map((c) => c.id)).toEqual(['greet', 'shout'])
    expect((await lines({ filter: { trace_roots_only: true } })).map((c) => c.id)).toEqual(['greet'])
    expect((await lines({ filter: { op_names: [`weave:///${P}/op/shout:*`] } })).map((c) => c.id)).toEqual(['shout'])
    expect((await lines({ filter: { call_ids: ['shout'] }, limit: 1 })).map((c) => c.id)).toEqual(['shout'])
    expect((await lines({ query: { $expr: { $eq: [{ $getField: 'inputs.arg0' }, { $literal: 'greet' }] } } })).map((c) => c.id)).toEqual(['greet'])
    expect((await lines({ sort_by: [{ field: 'id', direction: 'desc' }] })).map((c) => c.id)).toEqual(['shout', 'greet'])
    expect(await lines({ project_id: 'other/proj' })).toEqual([])
    await post('/call/update', { project_id: P, call_id: 'shout', display_name: 'Loud' })
    expect((await lines({ filter: { call_ids: ['shout'] } }))[0]!.display_name).toBe('Loud')
    // The span is renamed too, so the trace viewer shows what Weave shows.
    expect(findSpan(traces, 'shout')?.name).toBe('Loud')
    expect(await post('/calls/query_stats', { project_id: P })).toEqual({ count: 2 })
    const bad = await send('/calls/stream_query', { project_id: P, query: { $expr: { $regex: [] } } })
    expect(bad.status).toBe(400)
    expect((bad.json as { reason: string }).reason).toMatch(/query\.\$expr: unsupported operator \$regex/)
  })
})

describe('objects, tables, files and refs', () => {
  const opVal = { _type: 'CustomWeaveType', weave_type: { type: 'Op' }, files: { 'obj.py': 'abc' }, load_op: 'NO_LOAD_OP' }

  it('creates objects with Weave digests and versions, and reads them back', async () => {
    const created = await post('/obj/create', { obj: { project_id: P, object_id: 'greet', val: opVal } })
    // Digest from CPython's json.dumps(sort_keys=True) (see digest.test.ts).
    expect(created).toEqual({ digest: 'fGL9xGXmfrXUSH57Z86NmzKAmSKd2EdCKR15Dyykq6A', object_id: 'greet', version_index: 0 })
    expect(await post('/obj/create', { obj: { project_id: P, object_id: 'greet', val: opVal } })).toEqual(created)
    const v1 = await post('/obj/create', { obj: { project_id: P, object_id: 'greet', val: { ...opVal, files: { 'obj.py': 'def' } } } })
    expect(v1.version_index).toBe(1)
    const read = async (digest: string) => (await post('/obj/read', { project_id: P, object_id: 'greet', digest })).obj
    expect(await read('latest')).toMatchObject({ digest: v1.digest, is_latest: 1, kind: 'op', version_index: 1 })
    expect(await read('v0')).toMatchObject({ digest: created.digest, is_latest: 0, val: opVal })
    expect((await send('/obj/read', { project_id: P, object_id: 'nope', digest: 'latest' })).status).toBe(404)
    // Floats keep Python's typing: 1.0 and 1 are different objects.
    const a = await post('/obj/create', { obj: { project_id: P, object_id: 'n', val: 1 } })
    const b = await post('/obj/create', { obj: { project_id: P, object_id: 'n', val: 1.0 } })
    const c = await send('/obj/create', `{"obj":{"project_id":"${P}","object_id":"n","val":1.0}}`)
    expect(a.digest).toBe(b.digest)
    expect((c.json as { digest: string }).digest).not.toBe(a.digest)
    const model = { _type: 'Scorer', _class_name: 'exact', _bases: ['Scorer', 'Object', 'BaseModel'], name: 'exact' }
    await post('/obj/create', { obj: { project_id: P, object_id: 'exact', val: model } })
    const objs = (await post('/objs/query', { project_id: P, filter: { base_object_classes: ['Scorer'] } })).objs
    expect(objs).toEqual([expect.objectContaining({ object_id: 'exact', base_object_class: 'Scorer', leaf_object_class: 'exact', kind: 'object' })])
    expect((await post('/objs/query', { project_id: P, filter: { is_op: true, latest_only: true } })).objs.map((o: { version_index: number }) => o.version_index)).toEqual([1])
  })

  it('stores datasets as tables the SDK can ref row by row, and lists them for import', async () => {
    const rows = [{ a: 1 }, { a: 2 }]
    const table = await post('/table/create', { table: { project_id: P, rows } })
    expect(table).toEqual({ digest: '1c95cdc46a75d6e7e971986a80adfcd676dd22f2222a3405c7743f3db8df6785', row_digests: ['XdhgKMbg1k4iUYb5astpM4ssWXZN95FiEH9cS7NNExA', '5anVsDAOD1DTcuWp3fokIIqsmpQM6aNvJHOHIhriBf4'] })
    const queried = await post('/table/query', { project_id: P, digest: table.digest })
    expect(queried.rows).toEqual([{ digest: table.row_digests[0], val: { a: 1 }, original_index: 0 }, { digest: table.row_digests[1], val: { a: 2 }, original_index: 1 }])
    const ds = await post('/obj/create', { obj: { project_id: P, object_id: 'tiny-ds', val: { _type: 'Dataset', _class_name: 'Dataset', _bases: ['Object', 'BaseModel'], name: 'tiny-ds', rows: `weave:///${P}/table/${table.digest}` } } })
    expect(listWeaveDatasets(traces)).toEqual([expect.objectContaining({ name: 'tiny-ds', digest: ds.digest, versionIndex: 0, rowCount: 2 })])
    expect(readWeaveDatasetRows(traces, 'tiny-ds')).toEqual(rows)
    expect(readWeaveDatasetRows(traces, 'tiny-ds', ds.digest)).toEqual(rows)
    expect(readWeaveDatasetRows(traces, 'missing')).toBeUndefined()
    const refs = [`weave:///${P}/object/tiny-ds:${ds.digest}/attr/rows/id/${table.row_digests[1]}`, `weave:///${P}/table/${table.digest}/id/${table.row_digests[0]}`,
      `weave:///${P}/object/tiny-ds:latest/attr/name`, `weave:///${P}/object/nope:latest`, 'not a ref']
    expect((await post('/refs/read_batch', { refs })).vals).toEqual([{ a: 2 }, { a: 1 }, 'tiny-ds', null, null])
    const updated = await post('/table/update', { project_id: P, base_digest: table.digest, updates: [{ append: { row: { a: 3 } } }, { pop: { index: 0 } }, { insert: { index: 0, row: { a: 0 } } }] })
    const after = (await post('/table/query', { project_id: P, digest: updated.digest })).rows.map((r: { val: unknown }) => r.val)
    expect(after).toEqual([{ a: 0 }, { a: 2 }, { a: 3 }])
    expect(updated.digest).toBe(tableDigest((await post('/table/query', { project_id: P, digest: updated.digest })).rows.map((r: { digest: string }) => r.digest)))
    expect((await send('/table/update', { project_id: P, base_digest: table.digest, updates: [{ pop: { index: 9 } }] })).status).toBe(400)
    const reversed = await post('/table/create_from_digests', { project_id: P, row_digests: [...table.row_digests].reverse() })
    expect((await post('/table/query', { project_id: P, digest: reversed.digest })).rows.map((r) => r.val)).toEqual([{ a: 2 }, { a: 1 }])
    expect((await send('/table/create_from_digests', { project_id: P, row_digests: ['nope'] })).status).toBe(400)
    expect((await send('/table/query', { project_id: P, digest: 'nope' })).status).toBe(404)
    const badRows = await send('/table/create', { table: { project_id: P, rows: [{ a: 1 }, 5] } })
    expect((badRows.json as { reason: string }).reason).toMatch(/^table\.rows\.1: must be an object/)
  })

  it('stores multipart files by their bytes digest on /file and /files', async () => {
    for (const route of ['/file/create', '/files/create']) {
      const form = new FormData()
      form.append('project_id', P)
      form.append('file', new Blob(['function greet() {}']), 'blob')
      const response = new Response(form)
      const body = Buffer.from(await response.arrayBuffer())
      const reply = await send(route, body, { 'content-type': response.headers.get('content-type')! })
      expect(reply.json).toEqual({ digest: bytesDigest('function greet() {}') })
    }
    const content = await send('/file/content', { project_id: P, digest: bytesDigest('function greet() {}') })
    expect(content.bytes?.toString()).toBe('function greet() {}')
    expect((await send('/files/content', { project_id: P, digest: 'nope' })).status).toBe(404)
    expect((await send('/file/create', Buffer.from('x'), { 'content-type': 'text/plain' })).status).toBe(400)
  })
})

describe('feedback', () => {
  it('lands Weave scorer feedback on the span it is about', async () => {
    await post('/call/upsert_batch', { batch: [start('predict'), end('predict')] })
    const created = await post('/feedback/create', {
      project_id: P, weave_ref: `weave:///${P}/call/predict`, feedback_type: 'wandb.runnable.exactMatch', payload: { output: true },
      runnable_ref: `weave:///${P}/object/exactMatch:abc`, call_ref: `weave:///${P}/call/score1`,
    })
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(listFeedback(traces.sqlite, 'predict')).toEqual([expect.objectContaining({
      spanId: 'predict', traceId: 'T1', type: 'wandb.runnable.exactMatch', name: 'exactMatch', value: true, source: 'weave',
      extra: { runnable_ref: `weave:///${P}/object/exactMatch:abc`, call_ref: `weave:///${P}/call/score1` },
    })])
    const batch = await post('/feedback/batch/create', { batch: [{ project_id: P, weave_ref: `weave:///${P}/call/predict`, feedback_type: 'wandb.reaction.1', payload: { emoji: '👍' } }] })
    expect(batch.res).toHaveLength(1)
    const all = (await post('/feedback/query', { project_id: P })).result
    expect(all.map((f) => f.feedback_type)).toEqual(['wandb.runnable.exactMatch', 'wandb.reaction.1'])
    const some = await post('/feedback/query', { project_id: P, query: { $expr: { $eq: [{ $getField: 'feedback_type' }, { $literal: 'wandb.reaction.1' }] } }, fields: ['payload'] })
    expect(some.result).toEqual([{ payload: { emoji: '👍' } }])
    const call = (await post('/call/read', { project_id: P, id: 'predict', include_feedback: true })).call
    expect(call.summary.weave.feedback).toHaveLength(2)
    expect((await send('/feedback/create', { project_id: P, feedback_type: 'x', payload: {} })).status).toBe(400)
  })
})

describe('service routes', () => {
  it('answers health and server_info', async () => {
    expect((await send('/health', '', {}, 'GET')).status).toBe(200)
    expect((await send('/server_info', '', {}, 'GET')).json).toMatchObject({ min_required_weave_python_version: expect.any(String) })
  })
})
