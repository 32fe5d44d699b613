/**
 * Online scoring end to end in Node: spans land in the trace database through
 * a second connection (as the ingest worker writes them) and are announced to
 * the workbench; the background scorer matches, samples and scores them, and
 * stores the scores as feedback on the spans.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventName, EventOf } from '../../common/contract'
import type { SpanInput } from '../../common/schemas/span'
import { openTraceDb, type TraceDb } from '../traces/db'
import { TRACE_DB_FILE } from '../traces/projects'
import { createWorkbench, type Workbench } from '../workbench'
import { completion, errorReply, startFakeOpenAI, type FakeOpenAI } from '../../tests/node/fakeOpenAI'
import { isSampled } from './rules'
import { OnlineScorer } from './onlineScorer'
import { canonicalize } from '../store/formats'
import { openObjectStore } from '../store/store'
import { createProviders } from '../providers/registry'

let root: string
let dir: string
let wb: Workbench
let ingest: TraceDb
let fake: FakeOpenAI
let events: Array<{ event: EventName; payload: unknown }>

const secrets = async (name: string) => (name === 'FAKE_KEY' ? 'sk-test-key' : undefined)

function open(): Workbench {
  const workbench = createWorkbench({ userDataDir: path.join(root, 'user'), host: 'web', cwd: root, secrets, providerOptions: { policy: { maxRetries: 0 }, cache: false } })
  workbench.onAny((event, payload) => events.push({ event, payload }))
  return workbench
}

/** Stores spans through the test's own connection and announces them, as the ingest worker does. */
function send(spans: SpanInput[]): void {
  ingest.insertSpans(spans)
  wb.ingest.spansArrived(dir, [...new Set(spans.map((s) => s.traceId))], spans.length)
}

const llmSpan = (id: string, overrides: Partial<SpanInput> = {}): SpanInput => ({
  id, traceId: `t-${id}`, name: 'chat.completion', kind: 'llm', startMs: 1_700_000_000_000, endMs: 1_700_000_000_420,
  inputs: { question: `question ${id}` }, output: `Hello, answer ${id}`, attributes: { env: 'production' }, ...overrides,
})

const rule = async (name: string) => (await wb.call('online.rules', {})).rules.find((r) => r.name === name)!
const feedbackRows = (spanId?: string) =>
  ingest.sqlite.prepare<unknown[], { span_id: string; name: string; value: string; payload: string; source: string }>(`SELECT span_id, name, value, payload, source FROM feedback WHERE source = 'online'${spanId ? ' AND span_id = ?' : ''} ORDER BY span_id, name`).all(...(spanId ? [spanId] : []))

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-online-'))
  events = []
  fake = await startFakeOpenAI()
  wb = open()
  await wb.call('project.init', { dir: 'app' })
  dir = path.join(root, 'app')
  await wb.call('objects.save', { kind: 'model', name: 'judge', content: `provider: openai-compatible\nmodel: gpt-4o-mini\nbase_url: ${fake.baseUrl}\napi_key_env: FAKE_KEY\n` })
  await wb.call('objects.save', { kind: 'prompt', name: 'helpful', content: 'Question: {{input.question}}\nAnswer: {{output}}\nRate how helpful the answer is. Reply JSON {"score": 0..1, "reason": "..."}.\n' })
  ingest = openTraceDb(path.join(dir, TRACE_DB_FILE))
})

afterEach(async () => {
  ingest.close()
  await wb.close()
  await fake.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('online scoring', () => {
  it('scores finished spans that match an active rule as they arrive, as feedback on each span', async () => {
    const { rule: saved } = await wb.call('online.save', {
      name: 'greetings', filter: { name: 'chat.*', kind: 'llm', attributes: { env: 'production' } }, sampleRate: 1,
      scorers: [{ id: 'json', type: 'json-valid' }, { id: 'greets', type: 'regex', params: { pattern: '^Hello' } }],
    })
    send([
      llmSpan('s1'),
      llmSpan('s2', { output: 'Goodbye' }),
      llmSpan('other-name', { name: 'embed' }),
      llmSpan('staging', { attributes: { env: 'staging' } }),
      llmSpan('a-tool', { kind: 'tool' }),
    ])
    await expect.poll(async () => (await rule('greetings')).counters, { timeout: 5000 }).toMatchObject({ matched: 2, sampled: 2, scored: 2, queued: 0, errors: 0 })
    const rows = feedbackRows('s1')
    expect(rows.map((r) => [r.name, JSON.parse(r.value)])).toEqual([['greetings/greets', 1], ['greetings/json', 0]])
    // The payload the monitoring dashboards read.
    expect(JSON.parse(rows[0]!.payload)).toEqual({ pass: true, reason: expect.stringContaining('matches'), ruleId: saved.id, spanStartMs: 1_700_000_000_000, costUsd: 0 })
    expect(feedbackRows('s2').find((r) => r.name === 'greetings/greets')).toMatchObject({ value: '0' })
    const { feedback } = await wb.call('feedback.list', { traceId: 't-s1', spanId: 's1' })
    expect(feedback).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'score', name: 'greetings/greets', value: 1, source: 'online', by: 'online rule greetings', reason: expect.any(String), pass: true })]))
    expect(events.some((e) => e.event === 'feedback.changed' && (e.payload as EventOf<'feedback.changed'>).spanId === 's1')).toBe(true)
    await expect.poll(() => events.some((e) => e.event === 'online.changed' && (e.payload as EventOf<'online.changed'>).ruleIds.includes(saved.id))).toBe(true)
    expect((await rule('greetings')).counters.lastScoredMs).toEqual(expect.any(Number))
  })

  it('picks up spans that were running once they finish, whether re-sent or updated in place', async () => {
    await wb.call('online.save', { name: 'any llm', filter: { kind: 'llm' }, sampleRate: 1, scorers: [{ id: 'greets', type: 'regex', params: { pattern: '^Hello' } }] })
    send([llmSpan('r1', { endMs: null, status: 'running', output: undefined })])
    await expect.poll(() => ingest.sqlite.prepare('SELECT span_id FROM online_waiting').all(), { timeout: 5000 }).toEqual([{ span_id: 'r1' }])
    expect((await rule('any llm')).counters.matched).toBe(0)
    // The end arrives as a re-sent span (the SDK, Weave).
    send([llmSpan('r1')])
    await expect.poll(async () => (await rule('any llm')).counters.scored, { timeout: 5000 }).toBe(1)
    // A span changed in place (no new row) is still found: it waits in online_waiting until it is finished.
    send([llmSpan('r2', { endMs: null, status: 'running', output: undefined })])
    await expect.poll(() => ingest.sqlite.prepare('SELECT span_id FROM online_waiting').all(), { timeout: 5000 }).toEqual([{ span_id: 'r2' }])
    ingest.sqlite.prepare(`UPDATE spans SET end_ms = start_ms + 10, status = 'ok', output = '"Hello again"' WHERE id = 'r2'`).run()
    wb.ingest.spansArrived(dir, ['t-r2'], 1)
    await expect.poll(async () => (await rule('any llm')).counters.scored, { timeout: 5000 }).toBe(2)
    expect(feedbackRows().map((r) => [r.span_id, r.value])).toEqual([['r1', '1'], ['r2', '1']])
    expect(ingest.sqlite.prepare('SELECT COUNT(*) AS n FROM online_waiting').get()).toEqual({ n: 0 })
  })

  it('never scores a span twice across live scoring, a backfill and a restart', async () => {
    const { rule: saved } = await wb.call('online.save', { name: 'once', sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }, { id: 'fast', type: 'latency-max', params: { ms: 1000 } }] })
    send(Array.from({ length: 20 }, (_, i) => llmSpan(`live-${i}`)))
    await expect.poll(async () => (await rule('once')).counters.scored, { timeout: 5000 }).toBe(20)
    const { jobId } = await wb.call('online.backfill', { id: saved.id, fromMs: 0, toMs: Date.now() + 3_600_000 })
    await expect.poll(() => events.some((e) => e.event === 'online.backfill' && (e.payload as EventOf<'online.backfill'>).jobId === jobId && (e.payload as EventOf<'online.backfill'>).state === 'finished'), { timeout: 5000 }).toBe(true)
    const last = events.filter((e) => e.event === 'online.backfill').at(-1)!.payload as EventOf<'online.backfill'>
    expect(last).toMatchObject({ tracesDone: 20, tracesTotal: 20, queued: 0, scored: 0 })
    expect(feedbackRows()).toHaveLength(40)

    // Spans that arrive while no Weft runs are scored when it starts again; the ones scored before are not.
    await wb.close()
    ingest.insertSpans(Array.from({ length: 5 }, (_, i) => llmSpan(`offline-${i}`)))
    wb = open()
    await wb.call('project.open', { dir })
    await expect.poll(async () => (await rule('once')).counters, { timeout: 5000 }).toMatchObject({ matched: 25, scored: 25, queued: 0 })
    expect(feedbackRows()).toHaveLength(50)
    const perSpan = ingest.sqlite.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM feedback WHERE source = 'online' GROUP BY span_id, name HAVING n > 1").all()
    expect(perSpan).toEqual([])
  })

  it('samples by span id: live scoring and a later backfill with the same rate choose the same spans', async () => {
    await wb.call('online.save', { name: 'live half', sampleRate: 0.5, scorers: [{ id: 'json', type: 'json-valid' }] })
    const ids = Array.from({ length: 60 }, (_, i) => `span-${i}`)
    send(ids.map((id) => llmSpan(id)))
    await expect.poll(async () => (await rule('live half')).counters.matched, { timeout: 5000 }).toBe(60)
    const expected = ids.filter((id) => isSampled(id, 0.5))
    expect(expected.length).toBeGreaterThan(10)
    await expect.poll(async () => (await rule('live half')).counters.scored, { timeout: 5000 }).toBe(expected.length)
    const { rule: later } = await wb.call('online.save', { name: 'later half', sampleRate: 0.5, scorers: [{ id: 'json', type: 'json-valid' }] })
    await wb.call('online.backfill', { id: later.id, fromMs: 0, toMs: Date.now() + 3_600_000 })
    await expect.poll(async () => (await rule('later half')).counters.scored, { timeout: 5000 }).toBe(expected.length)
    const scoredBy = (name: string) => feedbackRows().filter((r) => r.name === `${name}/json`).map((r) => r.span_id).sort()
    expect(scoredBy('live half')).toEqual([...expected].sort())
    expect(scoredBy('later half')).toEqual([...expected].sort())
    // The rate goes up: a backfill scores the spans skipped before, and only those.
    const live = await rule('live half')
    await wb.call('online.save', { id: live.id, name: 'live half', sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }] })
    await wb.call('online.backfill', { id: live.id, fromMs: 0, toMs: Date.now() + 3_600_000 })
    await expect.poll(async () => (await rule('live half')).counters, { timeout: 5000 }).toMatchObject({ matched: 60, sampled: 60, scored: 60, queued: 0 })
    expect(scoredBy('live half')).toEqual([...ids].sort())
  })

  it('judges with an LLM through the provider layer and adds its tokens and cost to the rule', async () => {
    fake.enqueue({ kind: 'json', body: completion({ content: '{"score": 0.8, "reason": "polite and on topic"}', usage: { prompt: 1000, completion: 200 } }) })
    const { rule: saved } = await wb.call('online.save', { name: 'helpfulness', sampleRate: 1, scorers: [{ id: 'judge', type: 'llm-judge', params: { rubric: 'prompt:helpful', model: 'model:judge', passScore: 0.7 } }] })
    send([llmSpan('j1')])
    await expect.poll(async () => (await rule('helpfulness')).counters.scored, { timeout: 5000 }).toBe(1)
    const counters = (await rule('helpfulness')).counters
    // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens.
    expect(counters).toMatchObject({ judgeTokens: 1200, errors: 0 })
    expect(counters.costUsd).toBeCloseTo(0.00027, 8)
    const [row] = feedbackRows('j1')
    expect(JSON.parse(row!.value)).toBe(0.8)
    expect(JSON.parse(row!.payload)).toEqual({ pass: true, reason: 'polite and on topic', ruleId: saved.id, spanStartMs: 1_700_000_000_000, costUsd: expect.closeTo(0.00027, 8) })
    // The rubric saw the span's inputs and output.
    expect(JSON.stringify(fake.requests[0]!.body)).toContain('question j1')
    expect(JSON.stringify(fake.requests[0]!.body)).toContain('Hello, answer j1')
  })

  it('pauses and resumes: spans arriving while paused are left to a backfill', async () => {
    const { rule: saved } = await wb.call('online.save', { name: 'pausable', sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }] })
    send([llmSpan('before')])
    await expect.poll(async () => (await rule('pausable')).counters.scored, { timeout: 5000 }).toBe(1)
    expect((await wb.call('online.pause', { id: saved.id, paused: true })).rule.paused).toBe(true)
    send([llmSpan('while-paused')])
    await new Promise((resolve) => setTimeout(resolve, 300))
    await expect(wb.call('online.backfill', { id: saved.id, fromMs: 0, toMs: Date.now() })).rejects.toMatchObject({ code: 'CONFLICT', issues: [{ path: 'id' }] })
    expect((await wb.call('online.pause', { id: saved.id, paused: false })).rule.paused).toBe(false)
    send([llmSpan('after')])
    await expect.poll(async () => (await rule('pausable')).counters.scored, { timeout: 5000 }).toBe(2)
    expect(feedbackRows().map((r) => r.span_id)).toEqual(['after', 'before'])
  })

  it('refuses a rule whose name another rule has, and keeps its scores when it is deleted', async () => {
    const { rule: saved } = await wb.call('online.save', { name: 'dup', sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }] })
    await expect(wb.call('online.save', { name: 'dup', sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }] })).rejects.toMatchObject({ code: 'ALREADY_EXISTS', issues: [{ path: 'name' }] })
    const renamed = await wb.call('online.save', { id: saved.id, name: 'renamed', sampleRate: 0.3, scorers: [{ id: 'json', type: 'json-valid' }] })
    expect(renamed.rule).toMatchObject({ id: saved.id, name: 'renamed', sampleRate: 0.3 })
    send([llmSpan('kept', { id: 'kept' })])
    await expect.poll(async () => (await rule('renamed')).counters.matched, { timeout: 5000 }).toBe(1)
    await wb.call('online.save', { id: saved.id, name: 'renamed', sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }] })
    send([llmSpan('kept2')])
    await expect.poll(async () => (await rule('renamed')).counters.scored, { timeout: 5000 }).toBe(1)
    expect(await wb.call('online.delete', { id: saved.id })).toEqual({ deleted: true })
    expect((await wb.call('online.rules', {})).rules).toEqual([])
    expect(feedbackRows().map((r) => r.name)).toEqual(['renamed/json'])
  })
})

describe('the scorer itself', () => {
  async function scorerFor(tuning: { backoffMs: number }, onFeedback: () => void = () => {}) {
    const store = await openObjectStore({ dir, canonicalize, now: () => new Date() })
    const progress: Array<EventOf<'online.backfill'>> = []
    const scorer: OnlineScorer = new OnlineScorer({
      traces: ingest, store: async () => store, providers: createProviders({ secrets, projectDir: dir, policy: { maxRetries: 0 }, cache: false }),
      feedbackChanged: () => onFeedback(), rulesChanged: () => {}, backfillProgress: (event) => progress.push(event), ...tuning, maxBackoffMs: 1000,
    })
    return { scorer, store, progress }
  }
  const rows = (state?: string) => ingest.sqlite.prepare<unknown[], { span_id: string; state: string; attempts: number }>(`SELECT span_id, state, attempts FROM online_spans${state ? ' WHERE state = ?' : ''}`).all(...(state ? [state] : []))

  it('counts a failing judge’s errors and backs off instead of spinning, then gives the span up', async () => {
    await wb.close() // this test drives its own scorer over the same database
    wb = open()
    for (let i = 0; i < 5; i++) fake.enqueue(errorReply(500, 'the judge is down'))
    const { scorer, store } = await scorerFor({ backoffMs: 150 })
    const { saveRule, listRules } = await import('./rules')
    const { OnlineRuleInputSchema } = await import('../../common/schemas/online')
    scorer.activating()
    saveRule(ingest.sqlite, OnlineRuleInputSchema.parse({ name: 'judged', sampleRate: 1, scorers: [{ id: 'judge', type: 'llm-judge', params: { rubric: 'prompt:helpful', model: 'model:judge' } }] }), Date.now())
    ingest.insertSpans([llmSpan('f1')])
    scorer.schedule(0)
    await scorer.idle()
    // One attempt, then the rule waits: idle returns while the span stays queued.
    expect(fake.requests).toHaveLength(1)
    expect(rows()).toEqual([{ span_id: 'f1', state: 'queued', attempts: 1 }])
    expect(listRules(ingest.sqlite)[0]!.counters).toMatchObject({ errors: 1, scored: 0, queued: 1, lastError: expect.stringContaining('judge') })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fake.requests).toHaveLength(1)
    // Backoff doubles: 150 ms, then 300 ms; the third failure gives the span up.
    await expect.poll(() => rows('failed'), { timeout: 3000 }).toEqual([{ span_id: 'f1', state: 'failed', attempts: 3 }])
    expect(fake.requests).toHaveLength(3)
    expect(listRules(ingest.sqlite)[0]!.counters).toMatchObject({ errors: 3, scored: 0, queued: 0 })
    await scorer.close()
    store.close()
  })

  it('steps aside while bulk ingest goes on, and keeps up with ordinary traffic', async () => {
    await wb.close()
    wb = open()
    const { scorer, store } = await scorerFor({ backoffMs: 100 })
    const { saveRule, listRules } = await import('./rules')
    const { OnlineRuleInputSchema } = await import('../../common/schemas/online')
    scorer.activating()
    saveRule(ingest.sqlite, OnlineRuleInputSchema.parse({ name: 'all', sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }] }), Date.now())
    const scored = () => listRules(ingest.sqlite)[0]!.counters.scored
    // Ordinary traffic: scored while spans keep arriving.
    ingest.insertSpans([llmSpan('steady-1'), llmSpan('steady-2')])
    scorer.arrived(2)
    await expect.poll(scored, { timeout: 2000, interval: 20 }).toBe(2)
    // Bulk: 6,000 spans in a second; nothing is scored while it lasts...
    ingest.insertSpans(Array.from({ length: 300 }, (_, i) => llmSpan(`bulk-${i}`)))
    const started = Date.now()
    scorer.arrived(6000)
    const pump = setInterval(() => Date.now() - started < 600 && scorer.arrived(100), 100)
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(scored()).toBe(2)
    // ...and all of it once it ends.
    await expect.poll(scored, { timeout: 5000, interval: 50 }).toBe(302)
    clearInterval(pump)
    await scorer.close()
    store.close()
  })

  it('backfills with progress events, and a cancelled backfill lets go of what it had not scored', async () => {
    await wb.close()
    wb = open()
    let cancel = () => {}
    const { scorer, store, progress } = await scorerFor({ backoffMs: 100 }, () => cancel())
    const { saveRule, listRules } = await import('./rules')
    const { OnlineRuleInputSchema } = await import('../../common/schemas/online')
    ingest.insertSpans(Array.from({ length: 300 }, (_, i) => llmSpan(`past-${i}`, { startMs: 1_600_000_000_000 + i, endMs: 1_600_000_000_100 + i })))
    // As online.save does: the cursor moves past what is stored before the first active rule exists.
    scorer.activating()
    const saved = saveRule(ingest.sqlite, OnlineRuleInputSchema.parse({ name: 'past', sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }] }), Date.now())
    // Cancelled once the first spans are scored: the rest of what it queued is let go.
    const first = scorer.backfill(saved, 0, 1_700_000_000_000)
    expect(first.traces).toBe(300)
    cancel = () => {
      cancel = () => {}
      expect(scorer.cancelBackfill(first.jobId)).toBe(true)
    }
    await scorer.idle()
    expect(progress.at(-1)).toMatchObject({ jobId: first.jobId, state: 'cancelled' })
    const afterCancel = listRules(ingest.sqlite)[0]!.counters
    expect(afterCancel.queued).toBe(0)
    expect(afterCancel.matched).toBe(rows().length)
    expect(afterCancel.scored).toBeLessThan(300)
    expect(feedbackRows()).toHaveLength(afterCancel.scored)
    // A second backfill takes the rest, each span once.
    const second = scorer.backfill(saved, 0, 1_700_000_000_000)
    await scorer.idle()
    const done = progress.filter((p) => p.jobId === second.jobId)
    expect(done.at(-1)).toMatchObject({ state: 'finished', tracesDone: 300, tracesTotal: 300, queued: 300 - afterCancel.scored, scored: 300 - afterCancel.scored })
    expect(listRules(ingest.sqlite)[0]!.counters).toMatchObject({ matched: 300, sampled: 300, scored: 300, queued: 0 })
    expect(feedbackRows()).toHaveLength(300)
    await scorer.close()
    store.close()
  })
})
