import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import { OnlineRuleInputSchema } from '../../common/schemas/online'
import { lookupScorer } from '../evals/scorers'
import { migrateDatabase, openDatabase } from '../sqlite'
import { openTraceDb } from '../traces/db'
import { registerMetricFunctions } from '../traces/metrics'
import { MIGRATIONS } from '../traces/schema'
import { LiveDiscovery, activeRules } from './discovery'
import { compileFilter, isSampled, listRules, resolveRule, saveRule } from './rules'

const span = (name: string, kind = 'llm', attributes: Record<string, unknown> = {}) => ({ name, kind, attributes: JSON.stringify(attributes) })

describe('rule filters', () => {
  it('matches names exactly or by glob, kinds, and attributes compared as text', () => {
    expect(compileFilter({ name: 'chat', attributes: {} })(span('chat'))).toBe(true)
    expect(compileFilter({ name: 'chat', attributes: {} })(span('chat.completions'))).toBe(false)
    const glob = compileFilter({ name: 'openai.*', attributes: {} })
    expect(glob(span('openai.chat'))).toBe(true)
    expect(glob(span('anthropic.chat'))).toBe(false)
    // Regex characters in a glob are literal.
    expect(compileFilter({ name: 'a.b?', attributes: {} })(span('axbc'))).toBe(false)
    expect(compileFilter({ name: 'a.b?', attributes: {} })(span('a.bc'))).toBe(true)
    expect(compileFilter({ kind: 'tool', attributes: {} })(span('x', 'llm'))).toBe(false)
    const attrs = compileFilter({ attributes: { env: 'production', status: 200 } })
    expect(attrs(span('x', 'llm', { env: 'production', status: 200 }))).toBe(true)
    expect(attrs(span('x', 'llm', { env: 'production', status: '200' }))).toBe(true)
    expect(attrs(span('x', 'llm', { env: 'staging', status: 200 }))).toBe(false)
    expect(attrs(span('x', 'llm', { env: 'production' }))).toBe(false)
    // An object attribute never equals a scalar, and `__proto__` is only an own key.
    expect(compileFilter({ attributes: { __proto__: '[object Object]' } as never })(span('x', 'llm', {}))).toBe(true)
    expect(compileFilter({ attributes: { env: '[object Object]' } })(span('x', 'llm', { env: {} }))).toBe(false)
  })

  it('samples by a hash of the span id: the same spans every time, about the rate', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `span-${i}-${(i * 2654435761) % 1000003}`)
    const first = ids.filter((id) => isSampled(id, 0.25))
    expect(ids.filter((id) => isSampled(id, 0.25))).toEqual(first)
    expect(first.length / ids.length).toBeGreaterThan(0.2)
    expect(first.length / ids.length).toBeLessThan(0.3)
    // A lower rate samples a subset of a higher one's spans (the same threshold on the same hash).
    expect(ids.filter((id) => isSampled(id, 0.1)).every((id) => first.includes(id))).toBe(true)
    expect(ids.every((id) => isSampled(id, 1))).toBe(true)
    expect(ids.some((id) => isSampled(id, 0))).toBe(false)
  })
})

describe('rule validation', () => {
  const reader = {
    resolve: async (ref: string) => {
      if (ref.includes('missing')) throw new WeftError('NOT_FOUND', `No ${ref}`)
      return { ref }
    },
    readScorer: async (ref: string) => {
      if (ref === 'scorer:tone') return { ref: 'scorer:tone@abc', content: 'type: regex\nparams:\n  pattern: "^(Dear|Hello)"\n', file: 'scorers/tone.yaml' }
      if (ref === 'scorer:broken') return { ref: 'scorer:broken@abc', content: 'type: regex\nparams: [x]\n', file: 'scorers/broken.yaml' }
      throw new WeftError('NOT_FOUND', `No scorer ${ref}`)
    },
  }
  const refusal = async (scorers: unknown[]) => {
    const rule = OnlineRuleInputSchema.parse({ name: 'r', sampleRate: 1, scorers })
    try {
      await resolveRule(rule, lookupScorer, reader)
    } catch (error) {
      expect(error).toBeInstanceOf(WeftError)
      return (error as WeftError).issues!.map((i) => `${i.path}: ${i.message}`)
    }
    throw new Error('expected the rule to be refused')
  }

  it('resolves scorer references and accepts what an evaluation would', async () => {
    const rule = OnlineRuleInputSchema.parse({ name: 'r', sampleRate: 0.5, scorers: [{ id: 'tone', type: 'scorer:tone' }, { id: 'json', type: 'json-valid' }, { id: 'fast', type: 'latency-max', params: { ms: 2000 } }] })
    const scorers = await resolveRule(rule, lookupScorer, reader)
    expect(scorers[0]).toEqual({ id: 'tone', type: 'regex', params: { pattern: '^(Dear|Hello)' } })
  })

  it('refuses unknown types, bad parameters, missing judges and scorers that need an expected answer, each by field', async () => {
    expect(await refusal([{ id: 'a', type: 'no-such-scorer' }])).toEqual(['scorers.0.type: unknown scorer type "no-such-scorer"'])
    expect((await refusal([{ id: 'a', type: 'latency-max', params: { ms: -1 } }]))[0]).toMatch(/^scorers\.0\.params\.ms: /)
    expect((await refusal([{ id: 'a', type: 'scorer:broken' }]))[0]).toMatch(/^scorers\.0\.type: scorer:broken: scorers\/broken\.yaml/)
    const judge = await refusal([{ id: 'j', type: 'llm-judge', params: { rubric: 'prompt:missing-rubric', model: 'model:missing-judge' } }])
    expect(judge).toEqual([expect.stringMatching(/^scorers\.0\.params\.rubric: prompt:missing-rubric/), expect.stringMatching(/^scorers\.0\.params\.model: model:missing-judge/)])
    expect((await refusal([{ id: 'j', type: 'llm-judge', params: { rubric: 'prompt:x' } }]))[0]).toMatch(/^scorers\.0\.params\.model: /)
    expect(await refusal([{ id: 'same', type: 'equals' }])).toEqual([expect.stringMatching(/^scorers\.0\.params\.expected: a production span has no expected answer/)])
    expect(await refusal([{ id: 'inner', type: 'step', params: { select: { kind: 'tool' }, scorer: { type: 'contains' } } }])).toEqual([expect.stringMatching(/^scorers\.0\.params\.scorer\.params\.values: /)])
    // With the parameter, or an expected answer mapped onto one of the span's inputs, they are fine.
    await resolveRule(OnlineRuleInputSchema.parse({ name: 'r', sampleRate: 1, scorers: [{ id: 'a', type: 'equals', params: { expected: 'yes' } }, { id: 'b', type: 'levenshtein', columns: { expected: 'reference' } }] }), lookupScorer, reader)
  })

  it('refuses duplicate scorer ids and rates outside 0–1 in the request schema', () => {
    const result = OnlineRuleInputSchema.safeParse({ name: 'r', sampleRate: 1.5, scorers: [{ id: 'a', type: 'json-valid' }, { id: 'a', type: 'json-valid' }] })
    expect(result.success).toBe(false)
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['sampleRate', 'scorers.1.id'])
    expect(OnlineRuleInputSchema.safeParse({ name: 'a/b', sampleRate: 1, scorers: [{ id: 'a', type: 'json-valid' }] }).success).toBe(false)
  })
})

describe("Weft's own traces", () => {
  let dir: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-online-own-'))
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('are left to rules that ask for them: evaluation rows and playground runs are not production traffic', () => {
    const db = openTraceDb(path.join(dir, 'traces.db'))
    try {
      const rule = (name: string, filter: Record<string, unknown>) => saveRule(db.sqlite, OnlineRuleInputSchema.parse({ name, filter, sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }] }), 10)
      rule('llm calls', { kind: 'llm' })
      rule('eval calls', { kind: 'llm', attributes: { 'weft.prompt': 'prompt:p@1' } })
      rule('eval rows', { kind: 'evaluation' })
      const discovery = new LiveDiscovery(db.sqlite)
      discovery.skipToEnd()
      db.insertSpans([
        // Production: an app's root and its LLM call.
        { id: 'a', traceId: 'app', name: 'answer', kind: 'chain', startMs: 1, endMs: 9 },
        { id: 'a1', traceId: 'app', parentId: 'a', name: 'chat', kind: 'llm', startMs: 2, endMs: 8 },
        // An evaluation row: its root, the target's LLM call (no weft.source of its own), a scorer.
        { id: 'e', traceId: 'row', name: 'eval triage', kind: 'evaluation', startMs: 1, endMs: 9, attributes: { 'weft.source': 'eval' } },
        { id: 'e1', traceId: 'row', parentId: 'e', name: 'openai.chat', kind: 'llm', startMs: 2, endMs: 8, attributes: { 'weft.prompt': 'prompt:p@1' } },
        // A playground run.
        { id: 'p', traceId: 'run', name: 'openai.chat', kind: 'llm', startMs: 1, endMs: 9, attributes: { 'weft.source': 'run', 'weft.prompt': 'prompt:p@1' } },
      ])
      discovery.discover(activeRules(listRules(db.sqlite)), 100)
      const matched = Object.fromEntries(listRules(db.sqlite).map((r) => [r.name, r.counters.matched]))
      // The app's call only. 'eval calls' names weft.prompt, not weft.source, so it stays on production traffic
      // (where no call has that prompt); a rule on the evaluation kind asks for evaluation rows and gets them.
      expect(matched).toEqual({ 'llm calls': 1, 'eval calls': 0, 'eval rows': 1 })
    } finally {
      db.close()
    }
  })
})

describe('the online migration', () => {
  let dir: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-online-migration-'))
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('upgrades a database of the previous version: its spans stay, and rules start after them', () => {
    const file = path.join(dir, 'traces.db')
    const index = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE online_rules'))
    expect(index).toBeGreaterThan(0)
    const previous = openDatabase(file)
    registerMetricFunctions(previous) // earlier migrations fill the metric rollups through them
    migrateDatabase(previous, MIGRATIONS.slice(0, index))
    previous.prepare(`INSERT INTO spans (trace_seq, id, trace_id, name, kind, start_ms, end_ms, status, attributes, usage) VALUES (1, 's1', 't1', 'chat', 'llm', 1, 2, 'ok', '{}', '{}')`).run()
    previous.prepare(`INSERT INTO traces (trace_id, seq, root_span_id, root_name, root_kind, start_ms, status, span_count, error_count, input_tokens,
      output_tokens, total_tokens, cost_usd, root_start_ms, running_count) VALUES ('t1', 1, 's1', 'chat', 'llm', 1, 'ok', 1, 0, 0, 0, 0, 0, 1, 0)`).run()
    previous.close()
    const db = openTraceDb(file)
    try {
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(db.getSpan('t1', 's1')).toMatchObject({ name: 'chat', endMs: 2 })
      saveRule(db.sqlite, OnlineRuleInputSchema.parse({ name: 'chats', sampleRate: 1, scorers: [{ id: 'json', type: 'json-valid' }] }), 10)
      const discovery = new LiveDiscovery(db.sqlite)
      // A rule made now scores what arrives from now on; the span stored before is for a backfill.
      discovery.skipToEnd()
      db.insertSpans([{ id: 's2', traceId: 't2', name: 'chat', kind: 'llm', startMs: 3, endMs: 4 }])
      expect(discovery.discover(activeRules(listRules(db.sqlite)), 100)).toMatchObject({ looked: 1 })
      expect(listRules(db.sqlite)[0]!.counters).toMatchObject({ matched: 1, sampled: 1, queued: 1 })
    } finally {
      db.close()
    }
  })
})
