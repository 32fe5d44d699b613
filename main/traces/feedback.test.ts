import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SpanInput } from '../../common/schemas/span'
import { WeftError } from '../../common/errors'
import { createWorkbench, type Workbench } from '../workbench'
import { openTraceDb, type TraceDb } from './db'
import { addFeedback, addSpanFeedback, feedbackFilterSql, listTraceFeedback, removeFeedback, SUMMARY_SQL, summarizeFeedback, toFeedbackItem } from './feedback'
import { TRACE_DB_FILE } from './projects'

let dir: string
let db: TraceDb

const span = (over: Partial<SpanInput> & { id: string }): SpanInput => ({ traceId: 't1', name: over.id, startMs: 1000, endMs: 2000, ...over })

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-feedback-'))
  db = openTraceDb(path.join(dir, 'traces.db'))
  db.insertSpans([
    span({ id: 'a' }),
    span({ id: 'a2', parentId: 'a' }),
    span({ id: 'b', traceId: 't2', startMs: 3000, endMs: 4000 }),
    span({ id: 'c', traceId: 't3', startMs: 5000, endMs: 6000 }),
  ])
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('the feedback store', () => {
  it('stores thumbs, notes and scores and lists them per span or per trace, oldest first', () => {
    const up = addSpanFeedback(db.sqlite, { traceId: 't1', spanId: 'a', kind: 'thumbs', value: 1, by: 'ann' }, 10)
    expect(up).toEqual({ id: up.id, traceId: 't1', spanId: 'a', kind: 'thumbs', name: 'thumbs', value: 1, by: 'ann', createdMs: 10, source: 'ui' })
    addSpanFeedback(db.sqlite, { traceId: 't1', spanId: 'a2', kind: 'note', note: 'cites the wrong page' }, 20)
    addSpanFeedback(db.sqlite, { traceId: 't1', spanId: 'a2', kind: 'score', name: 'tone', value: 'friendly', note: 'mostly' }, 30)
    expect(listTraceFeedback(db.sqlite, 't1').map(toFeedbackItem)).toEqual([
      up,
      expect.objectContaining({ kind: 'note', name: 'note', value: null, note: 'cites the wrong page', by: null }),
      expect.objectContaining({ kind: 'score', name: 'tone', value: 'friendly', note: 'mostly' }),
    ])
    expect(listTraceFeedback(db.sqlite, 't1', 'a').map((f) => f.id)).toEqual([up.id])
    // The same span id in another trace is another span.
    expect(listTraceFeedback(db.sqlite, 't2', 'a')).toEqual([])
    expect(removeFeedback(db.sqlite, up.id)?.spanId).toBe('a')
    expect(removeFeedback(db.sqlite, up.id)).toBeUndefined()
    expect(listTraceFeedback(db.sqlite, 't1', 'a')).toEqual([])
  })

  it('maps Weave feedback onto thumbs, notes and scores', () => {
    const weave = (type: string, payload: Record<string, unknown>, name: string | null = null, value: unknown = null) =>
      toFeedbackItem(addFeedback(db.sqlite, { traceId: 't1', spanId: 'a', type, name, value, payload, source: 'weave', creator: null }))
    expect(weave('wandb.runnable.exactMatch', { output: true }, 'exactMatch', true)).toMatchObject({ kind: 'score', name: 'exactMatch', value: true, source: 'weave' })
    expect(weave('wandb.runnable.judge', { output: { verdict: 'ok' } }, 'judge', { verdict: 'ok' })).toMatchObject({ kind: 'score', name: 'judge', value: null })
    expect(weave('wandb.reaction.1', { emoji: '👍' }, 'reaction', '👍')).toMatchObject({ kind: 'thumbs', name: 'thumbs', value: 1 })
    expect(weave('wandb.reaction.1', { emoji: '👎' }, 'reaction', '👎')).toMatchObject({ kind: 'thumbs', value: -1 })
    expect(weave('wandb.reaction.1', { emoji: '🎉' }, 'reaction', '🎉')).toMatchObject({ kind: 'note', name: 'reaction', note: '🎉' })
    expect(weave('wandb.note.1', { note: 'looks off' }, 'note', 'looks off')).toMatchObject({ kind: 'note', note: 'looks off', value: null })
    expect(weave('wandb.annotation.quality', { value: 4 }, 'quality', 4)).toMatchObject({ kind: 'score', name: 'quality', value: 4 })
    expect(weave('custom', { value: 'x' })).toMatchObject({ kind: 'score', name: 'custom', value: null })
  })
})

describe('feedback summaries', () => {
  it('counts thumbs and averages numeric scores by name, booleans as 1 and 0', () => {
    const add = (traceId: string, spanId: string, kind: 'thumbs' | 'score', value: number | string, name?: string) =>
      addSpanFeedback(db.sqlite, kind === 'thumbs' ? { traceId, spanId, kind, value: value as 1 | -1 } : { traceId, spanId, kind, value, name })
    add('t1', 'a', 'thumbs', 1)
    add('t1', 'a2', 'thumbs', 1)
    add('t1', 'a2', 'thumbs', -1)
    add('t1', 'a', 'score', 0.5, 'correctness')
    add('t1', 'a2', 'score', 1, 'correctness')
    add('t1', 'a2', 'score', 'friendly', 'tone')
    addFeedback(db.sqlite, { traceId: 't1', spanId: 'a', type: 'wandb.runnable.exactMatch', name: 'exactMatch', value: true, source: 'weave' })
    addFeedback(db.sqlite, { traceId: 't1', spanId: 'a', type: 'wandb.runnable.exactMatch', name: 'exactMatch', value: false, source: 'weave' })
    addFeedback(db.sqlite, { traceId: 't1', spanId: 'a', type: 'wandb.reaction.1', name: 'reaction', value: '👎', payload: { emoji: '👎' }, source: 'weave' })
    add('t2', 'b', 'thumbs', -1)
    add('t2', 'b', 'score', 3, '__proto__')
    const summaries = summarizeFeedback(db.sqlite, ['t1', 't2', 't3'])
    expect(summaries.get('t1')).toEqual({ count: 9, up: 2, down: 2, scores: { correctness: 0.75, exactMatch: 0.5 } })
    expect(summaries.get('t2')).toEqual({ count: 2, up: 0, down: 1, scores: JSON.parse('{"__proto__":3}') })
    expect(summaries.has('t3')).toBe(false)
  })

  it('reads only the page\'s traces through the trace-id index', () => {
    const plan = db.sqlite
      .prepare<[string], { detail: string }>(`EXPLAIN QUERY PLAN ${SUMMARY_SQL}`)
      .all('["t1"]')
      .map((r) => r.detail)
      .join('\n')
    expect(plan).toMatch(/SEARCH f USING INDEX feedback_by_trace \(trace_id=\?\)/)
    expect(plan).not.toMatch(/SCAN f\b/)
    for (const filter of ['any', 'up', 'down', 'none'] as const) {
      const filterPlan = db.sqlite.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN SELECT trace_id FROM traces WHERE ${feedbackFilterSql(filter)}`).all()
      expect(filterPlan.map((r) => r.detail).join('\n')).toMatch(/SEARCH f (EXISTS )?USING (COVERING )?INDEX feedback_by_trace \(trace_id=\?\)/)
    }
  })

  it('rides on trace list rows and filters the list', () => {
    addSpanFeedback(db.sqlite, { traceId: 't1', spanId: 'a2', kind: 'thumbs', value: 1 })
    addSpanFeedback(db.sqlite, { traceId: 't2', spanId: 'b', kind: 'thumbs', value: -1 })
    addSpanFeedback(db.sqlite, { traceId: 't2', spanId: 'b', kind: 'score', name: 'correctness', value: 0.25 })
    const { traces } = db.listTraces({})
    expect(traces.map((t) => [t.traceId, t.feedback])).toEqual([
      ['t3', { count: 0, up: 0, down: 0, scores: {} }],
      ['t2', { count: 2, up: 0, down: 1, scores: { correctness: 0.25 } }],
      ['t1', { count: 1, up: 1, down: 0, scores: {} }],
    ])
    const ids = (feedback: 'any' | 'up' | 'down' | 'none') => db.listTraces({ feedback }).traces.map((t) => t.traceId)
    expect(ids('any')).toEqual(['t2', 't1'])
    expect(ids('up')).toEqual(['t1'])
    expect(ids('down')).toEqual(['t2'])
    expect(ids('none')).toEqual(['t3'])
  })
})

describe('feedback operations', () => {
  let wb: Workbench
  let projectDir: string

  beforeEach(async () => {
    projectDir = path.join(dir, 'proj')
    wb = createWorkbench({ userDataDir: path.join(dir, 'user'), host: 'cli', cwd: dir })
    await wb.call('project.init', { dir: projectDir })
    const traces = openTraceDb(path.join(projectDir, TRACE_DB_FILE))
    traces.insertSpans([span({ id: 'root' }), span({ id: 'llm', parentId: 'root' })])
    traces.close()
  })
  afterEach(async () => {
    await wb.close()
  })

  const refused = (promise: Promise<unknown>) => promise.then(() => expect.unreachable(), (error: WeftError) => error.toJSON())

  it('adds, lists and removes feedback, announcing each change', async () => {
    const changes: unknown[] = []
    wb.on('feedback.changed', (event) => changes.push(event))
    const item = await wb.call('feedback.add', { traceId: 't1', spanId: 'llm', kind: 'score', name: ' correctness ', value: 0.9, by: 'ann' })
    expect(item).toMatchObject({ traceId: 't1', spanId: 'llm', kind: 'score', name: 'correctness', value: 0.9, by: 'ann', source: 'ui' })
    await wb.call('feedback.add', { traceId: 't1', spanId: 'root', kind: 'thumbs', value: -1, note: 'wrong answer' })
    expect((await wb.call('feedback.list', { traceId: 't1' })).feedback.map((f) => f.kind)).toEqual(['score', 'thumbs'])
    expect((await wb.call('feedback.list', { traceId: 't1', spanId: 'llm' })).feedback).toEqual([item])
    expect((await wb.call('traces.get', { traceId: 't1' })).trace.feedback).toEqual({ count: 2, up: 0, down: 1, scores: { correctness: 0.9 } })
    expect((await wb.call('traces.list', { feedback: 'down' })).traces.map((t) => t.traceId)).toEqual(['t1'])
    expect(await wb.call('feedback.remove', { id: item.id })).toEqual({ removed: true })
    expect(await wb.call('feedback.remove', { id: item.id })).toEqual({ removed: false })
    expect(changes).toEqual([
      { traceId: 't1', spanId: 'llm' },
      { traceId: 't1', spanId: 'root' },
      { traceId: 't1', spanId: 'llm' },
    ])
  })

  it('refuses feedback on an unknown span, naming the field', async () => {
    expect(await refused(wb.call('feedback.add', { traceId: 't1', spanId: 'nope', kind: 'thumbs', value: 1 }))).toMatchObject({
      code: 'NOT_FOUND', issues: [{ path: 'spanId' }],
    })
    expect(await refused(wb.call('feedback.add', { traceId: 'other', spanId: 'llm', kind: 'thumbs', value: 1 }))).toMatchObject({
      code: 'NOT_FOUND', message: 'No trace other in this project', issues: [{ path: 'traceId' }],
    })
    expect((await wb.call('feedback.list', { traceId: 't1' })).feedback).toEqual([])
  })

  it.each([
    [{ kind: 'stars', value: 5 }, 'kind'],
    [{ value: 1 }, 'kind'],
    [{ kind: 'thumbs', value: 0 }, 'value'],
    [{ kind: 'thumbs' }, 'value'],
    [{ kind: 'score', value: 'x'.repeat(201) }, 'value'],
    [{ kind: 'score', value: { a: 1 } }, 'value'],
    [{ kind: 'score', value: Number.POSITIVE_INFINITY }, 'value'],
    [{ kind: 'note', note: 'x'.repeat(10_001) }, 'note'],
    [{ kind: 'note', note: '   ' }, 'note'],
    [{ kind: 'note', note: 'hi', value: 1 }, ''],
    [{ kind: 'score', value: 1, name: 'two\nlines' }, 'name'],
    [{ kind: 'score', value: 1, by: 'x'.repeat(101) }, 'by'],
    [{ kind: 'thumbs', value: 1, spanId: '' }, 'spanId'],
  ])('refuses invalid feedback #%#, naming the field', async (fields, field) => {
    const error = await refused(wb.callRaw('feedback.add', { traceId: 't1', spanId: 'llm', ...fields }))
    expect(error).toMatchObject({ code: 'INVALID_REQUEST' })
    expect((error as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toContain(field)
  })
})
