import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SpanInput } from '../../common/schemas/span'
import { WeftError } from '../../common/errors'
import { migrateDatabase, openDatabase } from '../sqlite'
import { openTraceDb, PAYLOAD_THRESHOLD, PREVIEW_CHARS, type TraceDb } from './db'
import { MIGRATIONS } from './schema'
import { findSpan } from '../../tests/node/findSpan'

let dir: string
let file: string
let db: TraceDb

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-traces-'))
  file = path.join(dir, 'traces.db')
  db = openTraceDb(file)
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const span = (over: Partial<SpanInput> & { id: string }): SpanInput => ({
  traceId: 't1', name: over.id, startMs: 1000, endMs: 2000, ...over,
})

function count(table: string): number {
  const raw = openDatabase(file)
  try {
    return (raw.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
  } finally {
    raw.close()
  }
}

describe('insertSpans', () => {
  it('is idempotent for identical replays', () => {
    const batch = [span({ id: 'a', inputs: { q: 'hi' }, output: 'yo', usage: { gpt: { inputTokens: 3, outputTokens: 4 } }, costUsd: 0.5 })]
    db.insertSpans(batch)
    db.insertSpans(batch)
    expect(count('spans')).toBe(1)
    const trace = db.getTrace('t1')!.trace
    expect(trace).toMatchObject({ spanCount: 1, totalTokens: 7, costUsd: 0.5, latencyMs: 1000, status: 'ok' })
    expect(findSpan(db, 'a')).toMatchObject({ inputs: { q: 'hi' }, output: 'yo', inputTokens: 3, outputTokens: 4 })
  })

  it('fills in the end when a span arrives start then end', () => {
    db.insertSpans([span({ id: 'a', endMs: null, status: 'running', inputs: 'in' })])
    expect(db.getTrace('t1')!.trace).toMatchObject({ status: 'running', latencyMs: null })
    db.insertSpans([span({ id: 'a', endMs: 3000, status: 'error', error: { message: 'boom' }, output: 'out', costUsd: 1, usage: { m: { inputTokens: 1, outputTokens: 1 } } })])
    expect(count('spans')).toBe(1)
    expect(findSpan(db, 'a')).toMatchObject({ endMs: 3000, status: 'error', error: { message: 'boom' }, inputs: 'in', output: 'out', costUsd: 1 })
    expect(db.getTrace('t1')!.trace).toMatchObject({ status: 'error', errorCount: 1, latencyMs: 2000, totalTokens: 2, costUsd: 1 })
    // A stale retry of the start does not undo the end.
    db.insertSpans([span({ id: 'a', endMs: null, status: 'running', inputs: 'in' })])
    expect(findSpan(db, 'a')).toMatchObject({ endMs: 3000, status: 'error' })
  })

  it('accepts children before parents and rolls up once the root arrives', () => {
    db.insertSpans([span({ id: 'c', parentId: 'p', name: 'child', startMs: 1100, endMs: 1500 })])
    expect(db.getTrace('t1')!.roots.map((n) => n.id)).toEqual(['c'])
    db.insertSpans([span({ id: 'p', name: 'root', kind: 'agent', inputs: 'question' })])
    const { trace, roots } = db.getTrace('t1')!
    expect(trace).toMatchObject({ rootName: 'root', rootKind: 'agent', rootSpanId: 'p', spanCount: 2, inputsPreview: '"question"' })
    expect(roots).toHaveLength(1)
    expect(roots[0]!.children.map((n) => n.id)).toEqual(['c'])
  })

  it('stores a big payload apart and keeps a preview in the row', () => {
    const big = { text: 'x'.repeat(PAYLOAD_THRESHOLD + 10) }
    db.insertSpans([span({ id: 'a', inputs: big, output: 'small' })])
    expect(count('payloads')).toBe(1)
    expect(findSpan(db, 'a')!.inputs).toEqual(big)
    const node = db.getTrace('t1')!.roots[0]!
    expect(node.inputsPreview).toHaveLength(PREVIEW_CHARS)
    expect(node.outputPreview).toBe('"small"')
  })

  it('stores a big output that arrives with the end apart', () => {
    const big = 'y'.repeat(PAYLOAD_THRESHOLD + 1)
    db.insertSpans([span({ id: 'a', endMs: null, status: 'running', inputs: 'in' })])
    db.insertSpans([span({ id: 'a', output: big })])
    db.insertSpans([span({ id: 'a', output: big })])
    expect(count('payloads')).toBe(1)
    expect(findSpan(db, 'a')).toMatchObject({ inputs: 'in', output: big, status: 'ok', endMs: 2000 })
    expect(db.getTrace('t1')!.trace.outputPreview).toHaveLength(PREVIEW_CHARS)
  })

  it('refuses a bad span naming index and field, inserting nothing of the batch', () => {
    const bad = [span({ id: 'ok' }), { ...span({ id: 'bad' }), kind: 'nonsense' } as unknown as SpanInput]
    let error: unknown
    try {
      db.insertSpans(bad)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(WeftError)
    expect((error as WeftError).code).toBe('INVALID_REQUEST')
    expect((error as WeftError).issues![0]!.path).toBe('1.kind')
    expect(count('spans')).toBe(0)
    expect(db.getTrace('t1')).toBeUndefined()
  })
})

describe('rollups', () => {
  it('rolls up the trace and each subtree', () => {
    db.insertSpans([
      span({ id: 'r', name: 'root', startMs: 0, endMs: 100 }),
      span({ id: 'a', parentId: 'r', startMs: 10, endMs: 50, usage: { m: { inputTokens: 5, outputTokens: 5 } }, costUsd: 0.1 }),
      span({ id: 'a1', parentId: 'a', startMs: 20, endMs: 70, status: 'error', usage: { m: { inputTokens: 1, outputTokens: 2 } }, costUsd: 0.2 }),
      span({ id: 'b', parentId: 'r', startMs: 5, endMs: 8 }),
    ])
    const { trace, roots } = db.getTrace('t1')!
    expect(trace).toMatchObject({ spanCount: 4, errorCount: 1, totalTokens: 13, latencyMs: 100, status: 'error' })
    expect(trace.costUsd).toBeCloseTo(0.3)
    const root = roots[0]!
    expect(root.children.map((n) => n.id)).toEqual(['b', 'a'])
    const a = root.children[1]!
    expect(a).toMatchObject({ subtreeLatencyMs: 60, subtreeTokens: 13, subtreeErrorCount: 1 })
    expect(a.subtreeCostUsd).toBeCloseTo(0.3)
    expect(root).toMatchObject({ subtreeLatencyMs: 100, subtreeTokens: 13, subtreeErrorCount: 1 })
  })

  it('keeps the incremental rollup equal to a one-batch insert however spans arrive', () => {
    const full: SpanInput[] = []
    for (let i = 0; i < 60; i++) {
      full.push(span({
        id: `s${i}`, parentId: i === 0 ? null : `s${Math.floor((i - 1) / 3)}`, startMs: i * 10, endMs: i * 10 + 100 - i,
        status: i % 11 === 5 ? 'error' : 'ok', usage: { m: { inputTokens: i, outputTokens: 1 } }, costUsd: i % 4 ? 0.01 : null,
        output: `out${i}`, sessionId: i === 7 ? 'sess' : null,
      }))
    }
    // Each span arrives as a bare start and later its end, in a scrambled order, some replayed.
    let seed = 42
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const arrivals = full.flatMap((s) => [{ ...s, endMs: null, status: 'running' as const, output: undefined, usage: {}, costUsd: null }, s])
    const starts = arrivals.filter((_, i) => i % 2 === 0).sort(() => random() - 0.5)
    const ends = arrivals.filter((_, i) => i % 2 === 1).sort(() => random() - 0.5)
    const ordered = [...starts.slice(0, 30), ...ends.slice(0, 20), ...starts.slice(30), ...ends.slice(20), ...ends.slice(0, 5)]
    for (let i = 0; i < ordered.length; i += 7) db.insertSpans(ordered.slice(i, i + 7))
    const other = openTraceDb(path.join(dir, 'other.db'))
    other.insertSpans(full)
    expect(db.getTrace('t1')!.trace).toEqual(other.getTrace('t1')!.trace)
    expect(db.getTrace('t1')!.trace).toMatchObject({ rootSpanId: 's0', spanCount: 60, errorCount: 5, sessionId: 'sess', status: 'error' })
    other.close()
  })

  it('builds a 10,000-span tree (wide and deep) correctly', () => {
    const spans: SpanInput[] = [span({ id: 's0', startMs: 0, endMs: 20_000 })]
    // A 5,000-deep chain plus 4,999 leaves under the root, inserted leaves first.
    for (let i = 1; i < 5000; i++) spans.push(span({ id: `s${i}`, parentId: `s${i - 1}`, startMs: i, endMs: i + 1, usage: { m: { inputTokens: 1, outputTokens: 0 } } }))
    for (let i = 0; i < 5000; i++) spans.push(span({ id: `l${i}`, parentId: 's0', startMs: 10_000 - i, endMs: 10_001, costUsd: 0.001 }))
    db.insertSpans(spans.reverse())
    const { trace, roots } = db.getTrace('t1')!
    expect(trace.spanCount).toBe(10_000)
    const root = roots[0]!
    expect(roots).toHaveLength(1)
    expect(root.children).toHaveLength(5001)
    expect(root.children[0]!.id).toBe('s1')
    expect(root.children[1]!.startMs).toBeLessThan(root.children[2]!.startMs)
    expect(root.subtreeTokens).toBe(4999)
    expect(root.subtreeCostUsd).toBeCloseTo(5)
    expect(root.children[0]!.subtreeLatencyMs).toBe(4999)
  })
})

describe('listTraces and stats', () => {
  beforeEach(() => {
    const spans: SpanInput[] = []
    for (let i = 0; i < 25; i++) {
      spans.push(span({
        id: `r${i}`, traceId: `t${String(i).padStart(2, '0')}`, name: i % 2 ? 'odd' : 'even', kind: i % 5 ? 'chain' : 'agent',
        startMs: 1000 + (i % 10) * 100, endMs: 1000 + (i % 10) * 100 + i, status: i % 7 === 0 ? 'error' : 'ok',
        inputs: { question: `q${i} 100%_` }, costUsd: i / 100, usage: { m: { inputTokens: i, outputTokens: 0 } },
      }))
    }
    db.insertSpans(spans)
  })

  it('pages by (start, trace id) desc without gaps or repeats', () => {
    const seen: string[] = []
    let cursor: string | undefined
    for (;;) {
      const page = db.listTraces({ limit: 7, cursor })
      seen.push(...page.traces.map((t) => t.traceId))
      if (!page.nextCursor) break
      cursor = page.nextCursor
    }
    expect(seen).toHaveLength(25)
    expect(new Set(seen).size).toBe(25)
    const all = db.listTraces({ limit: 100 }).traces
    expect(all.map((t) => t.traceId)).toEqual(seen)
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!]
      expect(a.startMs > b.startMs || (a.startMs === b.startMs && a.traceId > b.traceId)).toBe(true)
    }
  })

  it('filters by name, kind, status, time, latency, cost and text', () => {
    const ids = (q: Parameters<TraceDb['listTraces']>[0]) => db.listTraces(q).traces.map((t) => t.traceId).sort()
    expect(ids({ limit: 100, name: 'odd' })).toHaveLength(12)
    expect(ids({ limit: 100, kind: 'agent' })).toEqual(['t00', 't05', 't10', 't15', 't20'])
    expect(ids({ limit: 100, status: 'error' })).toEqual(['t00', 't07', 't14', 't21'])
    expect(ids({ limit: 100, fromMs: 1800, toMs: 1900 })).toEqual(['t08', 't18'])
    expect(ids({ limit: 100, minLatencyMs: 23 })).toEqual(['t23', 't24'])
    expect(ids({ limit: 100, minCostUsd: 0.235 })).toEqual(['t24'])
    expect(ids({ limit: 100, text: 'q13 ' })).toEqual(['t13'])
    expect(ids({ limit: 100, text: '%_' })).toHaveLength(25)
    expect(ids({ limit: 100, text: 'q1', name: 'odd' })).toEqual(['t01', 't11', 't13', 't15', 't17', 't19'])
  })

  it('refuses a forged cursor', () => {
    expect(() => db.listTraces({ limit: 5, cursor: 'nope' })).toThrow(WeftError)
  })

  it('computes stats over a window', () => {
    const stats = db.stats({ fromMs: 0, toMs: 10_000 })
    expect(stats).toMatchObject({ count: 25, errors: 4, p50LatencyMs: 12, p95LatencyMs: 23, totalTokens: 300 })
    expect(stats.costUsd).toBeCloseTo(3)
    expect(db.stats({ fromMs: 5000, toMs: 6000 })).toMatchObject({ count: 0, p50LatencyMs: null })
  })
})

describe('opening', () => {
  it('creates at the latest version and reopens with data intact', () => {
    db.insertSpans([span({ id: 'a' })])
    db.close()
    db = openTraceDb(file)
    expect(findSpan(db, 'a')).toBeDefined()
    const raw = openDatabase(file)
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    raw.close()
  })

  it('sets a damaged file aside and starts afresh', () => {
    db.close()
    fs.writeFileSync(file, 'this is not a database, just garbage bytes '.repeat(200))
    db = openTraceDb(file)
    db.insertSpans([span({ id: 'a' })])
    expect(fs.readdirSync(dir).some((name) => name.startsWith('traces.db.damaged-'))).toBe(true)
  })
})

describe('corrections from later arrivals', () => {
  it("takes a later, better kind over 'other', and renames a span and its trace", () => {
    db.insertSpans([span({ id: 'root', kind: 'other', endMs: null, status: 'running' })])
    db.insertSpans([span({ id: 'root', kind: 'llm' })])
    expect(findSpan(db, 'root')?.kind).toBe('llm')
    expect(db.getTrace('t1')?.trace.rootKind).toBe('llm')
    db.insertSpans([span({ id: 'root', kind: 'tool' })])
    expect(findSpan(db, 'root')?.kind).toBe('llm')
    expect(db.renameSpan('t1', 'root', 'Renamed')).toBe(true)
    expect(db.getTrace('t1')?.trace.rootName).toBe('Renamed')
    expect(db.renameSpan('t1', 'nope', 'x')).toBe(false)
  })
})

describe('span identity', () => {
  it('keys spans by trace: the same span id in two traces is two spans', () => {
    db.insertSpans([span({ id: 'same', traceId: 'ta', output: 'a' }), span({ id: 'same', traceId: 'tb', output: 'b' })])
    expect(db.getSpan('ta', 'same')?.output).toBe('a')
    expect(db.getSpan('tb', 'same')?.output).toBe('b')
    expect(db.getSpan('tc', 'same')).toBeUndefined()
    expect(db.count()).toBe(2)
  })

  it('numbers traces in arrival order and keeps numbering after a reopen', () => {
    db.insertSpans([span({ id: 'a', traceId: 'first' })])
    db.close()
    db = openTraceDb(file)
    db.insertSpans([span({ id: 'b', traceId: 'second' })])
    const seqs = db.sqlite.prepare<[], { trace_id: string; seq: number }>('SELECT trace_id, seq FROM traces ORDER BY seq').all()
    expect(seqs.map((r) => r.trace_id)).toEqual(['first', 'second'])
    expect(new Set(seqs.map((r) => r.seq)).size).toBe(2)
  })
})

describe('text search', () => {
  const texts = (query: string) => db.listTraces({ text: query, limit: 100 }).traces.map((t) => t.traceId).sort()

  it('finds text in names and previews before and after indexing, and after a trace changes', () => {
    db.insertSpans([
      span({ id: 'a', traceId: 'ta', name: 'answer', inputs: { question: 'Where is order 7000?' } }),
      span({ id: 'b', traceId: 'tb', name: 'lookup', output: 'Parcel 12 left the depot' }),
      span({ id: 'c', traceId: 'tc', name: 'Refund flow', inputs: 'nothing here' }),
    ])
    const check = () => {
      expect(texts('ORDER 7000')).toEqual(['ta'])
      expect(texts('depot')).toEqual(['tb'])
      expect(texts('refund')).toEqual(['tc'])
      expect(texts('12')).toEqual(['tb'])
      expect(texts('100%')).toEqual([])
    }
    check()
    expect(db.indexText(1000)).toBe(3)
    expect(db.indexText(1000)).toBe(0)
    check()
    // The root of tb arrives later and renames what the trace shows: re-indexed, old text gone.
    db.insertSpans([span({ id: 'root', traceId: 'tb', name: 'courier update', startMs: 500, inputs: 'status please' })])
    expect(texts('courier')).toEqual(['tb'])
    expect(db.indexText(1000)).toBe(1)
    expect(texts('courier')).toEqual(['tb'])
    expect(texts('status please')).toEqual(['tb'])
  })

  it('scans in list order when a text matches very many traces', () => {
    const many = Array.from({ length: 5200 }, (_, i) => span({ id: `s${i}`, traceId: `t${i}`, startMs: 1000 + i, name: 'common op' }))
    db.insertSpans(many)
    while (db.indexText(2000) > 0);
    const page = db.listTraces({ text: 'common', limit: 10 })
    expect(page.traces.map((t) => t.traceId)).toEqual(Array.from({ length: 10 }, (_, i) => `t${5199 - i}`))
  })
})

describe('two writers on one file (the CLI beside weft serve, two processes)', () => {
  it('number traces without collisions and index text while the other inserts', () => {
    const other = openTraceDb(file)
    try {
      for (let i = 0; i < 20; i++) {
        const writer = i % 2 ? other : db
        writer.insertSpans([span({ id: `s${i}`, traceId: `t${i}`, name: `op ${i}` })])
        if (i % 5 === 0) (i % 2 ? db : other).indexText(100)
      }
      expect(db.count()).toBe(20)
      expect(other.listTraces({ text: 'op 13', limit: 10 }).traces.map((t) => t.traceId)).toEqual(['t13'])
      const seqs = db.sqlite.prepare<[], { seq: number }>('SELECT seq FROM traces').all().map((r) => r.seq)
      expect(new Set(seqs).size).toBe(20)
    } finally {
      other.close()
    }
  })
})

describe('migration 3 (text index)', () => {
  it('upgrades a version-2 database: its traces become searchable once indexed', () => {
    db.close()
    fs.rmSync(file, { force: true })
    const v2 = openDatabase(file)
    migrateDatabase(v2, MIGRATIONS.slice(0, 2))
    v2.prepare(`INSERT INTO spans (trace_seq, id, trace_id, name, kind, start_ms, status, attributes, usage) VALUES (1, 's1', 't1', 'refund request', 'other', 1, 'ok', '{}', '{}')`).run()
    v2.prepare(`INSERT INTO traces (trace_id, seq, root_span_id, root_name, root_kind, start_ms, status, span_count, error_count, input_tokens,
      output_tokens, total_tokens, cost_usd, root_start_ms, running_count) VALUES ('t1', 1, 's1', 'refund request', 'other', 1, 'ok', 1, 0, 0, 0, 0, 0, 1, 0)`).run()
    v2.close()
    db = openTraceDb(file)
    expect(db.sqlite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(db.listTraces({ text: 'refund', limit: 10 }).traces.map((t) => t.traceId)).toEqual(['t1'])
    expect(db.indexText(100)).toBe(1)
    expect(db.listTraces({ text: 'refund', limit: 10 }).traces.map((t) => t.traceId)).toEqual(['t1'])
    db.insertSpans([span({ id: 's2', traceId: 't2', name: 'refund again' })])
    expect(db.listTraces({ text: 'refund', limit: 10 }).traces.map((t) => t.traceId).sort()).toEqual(['t1', 't2'])
  })
})

describe('attribute filter', () => {
  const ids = (attributes: Record<string, string | number | boolean>) => db.listTraces({ attributes, limit: 100 }).traces.map((t) => t.traceId).sort()

  it('finds root-span attribute values before and after indexing, typed, and follows a root that changes', () => {
    db.insertSpans([
      span({ id: 'a', traceId: 'ta', attributes: { 'user.id': 'u1', beta: true, n: 3, nested: { x: 1 } } }),
      span({ id: 'b', traceId: 'tb', attributes: { 'user.id': 'u2', beta: false, n: 4 } }),
      span({ id: 'c', traceId: 'tb', parentId: 'b', attributes: { 'user.id': 'u1' } }),
    ])
    const check = () => {
      expect(ids({ 'user.id': 'u1' })).toEqual(['ta'])
      expect(ids({ beta: true })).toEqual(['ta'])
      expect(ids({ beta: false, n: 4 })).toEqual(['tb'])
      expect(ids({ n: 3 })).toEqual(['ta'])
      expect(ids({ 'user.id': 'nobody' })).toEqual([])
    }
    check()
    while (db.indexText(100) > 0);
    check()
    // A new, earlier root for tb names the trace now: its attributes are what the filter sees.
    db.insertSpans([span({ id: 'r', traceId: 'tb', startMs: 500, attributes: { 'user.id': 'u9' } })])
    expect(ids({ 'user.id': 'u9' })).toEqual(['tb'])
    while (db.indexText(100) > 0);
    expect(ids({ 'user.id': 'u9' })).toEqual(['tb'])
    expect(ids({ 'user.id': 'u2' })).toEqual([])
  })

  it('scans in list order when a value is very common', () => {
    db.insertSpans(Array.from({ length: 5200 }, (_, i) => span({ id: `s${i}`, traceId: `t${i}`, startMs: 1000 + i, attributes: { env: 'prod' } })))
    while (db.indexText(2000) > 0);
    expect(db.listTraces({ attributes: { env: 'prod' }, limit: 3 }).traces.map((t) => t.traceId)).toEqual(['t5199', 't5198', 't5197'])
  })
})
