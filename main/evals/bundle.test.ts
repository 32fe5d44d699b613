import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Papa from 'papaparse'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import { migrateDatabase, openDatabase } from '../sqlite'
import { openTraceDb, type TraceDb } from '../traces/db'
import { MIGRATIONS } from '../traces/schema'
import { exportRun, importBundle, parseBundle, runCsv, runJunit, traceSpans } from './bundle'
import type { EvaluationDefinition } from './definition'
import { runStore } from './runStore'
import { summarize, type RowResult } from './summary'

let dir: string
let source: TraceDb
let target: TraceDb

const definition = { dataset: 'tickets', target: { prompt: 'p', model: 'm' }, scorers: [{ id: 'exact', type: 'equals' }, { id: 'tone', type: 'judge' }], thresholds: { exact: 0.9 } } as unknown as EvaluationDefinition
const PROMPT = `prompt:p@${'1'.repeat(40)}`
const MODEL = `model:m@${'2'.repeat(40)}`

const rows: RowResult[] = [
  { rowId: 'a', trial: 0, output: 'yes, "quoted"\nline two', error: null, latencyMs: 12, tokens: 7, costUsd: 0.001, scores: { exact: { score: 1, pass: true }, tone: { score: 0.5, reason: 'flat, "meh"' } }, traceId: 'trace-a' },
  { rowId: 'b', trial: 0, output: { structured: [1, 2] }, error: null, latencyMs: 20, tokens: 9, costUsd: null, scores: { exact: { score: 0, pass: false }, tone: null }, traceId: 'trace-b' },
  { rowId: 'c', trial: 0, output: null, error: 'timeout', latencyMs: null, tokens: 0, costUsd: null, scores: { exact: null, tone: null } },
]

/** A finished run with traced rows in `db`. */
function seedRun(db: TraceDb): string {
  const runs = runStore(db.sqlite)
  const id = runs.create('team/triage', definition, { prompt: PROMPT, model: MODEL, dataset: `dataset:tickets@${'3'.repeat(40)}` }, 'abc', 3, { now: Date.UTC(2026, 0, 1), pid: null })
  for (const row of rows) runs.record(id, row)
  db.insertSpans([
    { id: 'root-a', traceId: 'trace-a', name: 'row a', kind: 'evaluation', startMs: 1, endMs: 3, inputs: { ticket: 'x' }, output: 'yes' },
    { id: 'llm-a', traceId: 'trace-a', parentId: 'root-a', name: 'call', kind: 'llm', startMs: 1.5, endMs: 2.5, usage: { m: { inputTokens: 3, outputTokens: 4 } }, costUsd: 0.001, inputs: { big: 'x'.repeat(70_000) } },
    { id: 'root-b', traceId: 'trace-b', name: 'row b', startMs: 4, endMs: 5 },
    { id: 'other', traceId: 'unrelated', name: 'not in the run', startMs: 4, endMs: 5 },
  ])
  runs.finish(id, 'finished', summarize(rows), Date.UTC(2026, 0, 1, 0, 5))
  return id
}

const readObject = async (ref: string) => (ref === PROMPT ? 'Answer {{ticket}}\n' : ref === MODEL ? 'provider: echo\nmodel: echo\n' : undefined)

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bundle-'))
  source = openTraceDb(path.join(dir, 'a.sqlite'))
  target = openTraceDb(path.join(dir, 'b.sqlite'))
})
afterEach(() => {
  source.close()
  target.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('run bundles', () => {
  it('carry the run, rows, pinned contents and only the rows\' spans to another database', async () => {
    const id = seedRun(source)
    const file = await exportRun({ traces: source, runId: id, format: 'bundle', readObject, now: () => 42 })
    expect(file).toMatchObject({ filename: `team-triage-${id}.weft-run.json`, mediaType: 'application/json' })
    const bundle = parseBundle(file.content)
    expect(bundle).toMatchObject({ weftRunBundle: 1, exportedMs: 42, objects: { [PROMPT]: 'Answer {{ticket}}\n', [MODEL]: 'provider: echo\nmodel: echo\n' } })
    expect(bundle.spans.map((s) => s.id).sort()).toEqual(['llm-a', 'root-a', 'root-b'])

    const result = importBundle(target, bundle, 1234)
    expect(result).toMatchObject({ imported: true, rows: 3, spans: 3, objects: 2 })
    const runs = runStore(target.sqlite)
    const { importedMs, ...run } = runs.get(id)!
    expect(importedMs).toBe(1234)
    expect(run).toEqual(runStore(source.sqlite).get(id))
    expect(runs.rows(id)).toEqual(runStore(source.sqlite).rows(id))
    expect(runs.keptObject(PROMPT)).toBe('Answer {{ticket}}\n')
    // Spans arrive whole: a payload past the inline threshold, usage and cost included.
    expect(target.getSpan('trace-a', 'llm-a')).toEqual(source.getSpan('trace-a', 'llm-a'))
    expect(traceSpans(target, 'trace-a')).toEqual(traceSpans(source, 'trace-a'))
    expect(target.getTrace('unrelated')).toBeUndefined()
    expect(runs.list().map((r) => r.id)).toEqual([id])
  })

  it('leave spans out on request', async () => {
    const id = seedRun(source)
    const file = await exportRun({ traces: source, runId: id, format: 'bundle', withSpans: false })
    expect(parseBundle(file.content)).toMatchObject({ spans: [], objects: {} })
  })

  it('import the same bundle twice as a no-op and refuse another run under the same id', async () => {
    const id = seedRun(source)
    const bundle = parseBundle((await exportRun({ traces: source, runId: id, format: 'bundle', readObject })).content)
    importBundle(target, bundle, 1)
    expect(importBundle(target, bundle, 2)).toMatchObject({ imported: false, run: { importedMs: 1 } })
    // Back into the project it came from: identical, so nothing happens either.
    expect(importBundle(source, bundle).imported).toBe(false)
    const changed = { ...bundle, rows: bundle.rows.map((r, i) => (i === 0 ? { ...r, output: 'different' } : r)) }
    const error = (() => {
      try {
        importBundle(target, changed)
      } catch (e) {
        return e as WeftError
      }
    })()
    expect(error).toMatchObject({ code: 'CONFLICT', issues: [{ path: 'run.id' }] })
    expect(runStore(target.sqlite).rows(id)[0]!.output).toBe(rows[0]!.output)
  })

  it('import nothing when a span is refused', async () => {
    const id = seedRun(source)
    const bundle = parseBundle((await exportRun({ traces: source, runId: id, format: 'bundle' })).content)
    // Past parseBundle (skipped here), the trace database still refuses a span: a 2,000-character name.
    const broken = { ...bundle, spans: [...bundle.spans, { ...bundle.spans[0]!, id: 'bad', name: 'x'.repeat(2000) }] }
    expect(() => importBundle(target, broken as never)).toThrow()
    expect(runStore(target.sqlite).get(id)).toBeUndefined()
    expect(runStore(target.sqlite).keptObject(PROMPT)).toBeUndefined()
  })

  it('are not written for a run still running', async () => {
    const runs = runStore(source.sqlite)
    const id = runs.create('triage', definition, {}, null, 1)
    await expect(exportRun({ traces: source, runId: id, format: 'bundle' })).rejects.toMatchObject({ code: 'CONFLICT' })
    await expect(exportRun({ traces: source, runId: 'nope', format: 'csv' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('parseBundle', () => {
  const valid = () => ({
    weftRunBundle: 1, exportedMs: 1,
    run: { id: 'r1', name: 'x', definition: {}, pinned: {}, gitCommit: null, status: 'finished', source: 'sdk', startedMs: 1, endedMs: 2, total: 1, summary: null },
    rows: [{ rowId: 'a', trial: 0, output: 1, error: null, latencyMs: 1, tokens: 0, costUsd: null, scores: { x: { score: 1 } } }],
    objects: {}, spans: [],
  })
  const refusal = (value: unknown): WeftError => {
    try {
      parseBundle(typeof value === 'string' ? value : JSON.stringify(value))
    } catch (error) {
      return error as WeftError
    }
    throw new Error('accepted')
  }

  it('names the path of each bad field', () => {
    const bad = valid()
    ;(bad.rows[0]!.scores.x as { score: unknown }).score = 'high'
    ;(bad.run as { status: string }).status = 'running'
    const error = refusal(bad)
    expect(error.code).toBe('INVALID_FILE')
    expect(error.message).toMatch(/rows\.0\.scores\.x\.score: .*expected number/)
    expect(error.issues?.map((i) => i.path).sort()).toEqual(['rows.0.scores.x.score', 'run.status'])
  })

  it('refuses what is not a bundle, a newer version, unknown fields and duplicate rows', () => {
    expect(refusal('{"a":')).toMatchObject({ code: 'INVALID_FILE', message: expect.stringMatching(/not JSON/) })
    expect(refusal({ run: {} })).toMatchObject({ code: 'INVALID_FILE', issues: [{ path: 'weftRunBundle' }] })
    expect(refusal({ ...valid(), weftRunBundle: 2 })).toMatchObject({ code: 'UNSUPPORTED', issues: [{ path: 'weftRunBundle' }] })
    expect(refusal({ ...valid(), extra: 1 }).issues?.[0]).toMatchObject({ path: '' })
    const twice = valid()
    twice.rows.push({ ...twice.rows[0]! })
    expect(refusal(twice)).toMatchObject({ issues: [{ path: 'rows.1' }] })
    expect(parseBundle(JSON.stringify(valid())).run.source).toBe('sdk')
  })
})

describe('CSV and JUnit', () => {
  it('writes one quoted line per row × trial with every scorer\'s score, pass and reason', () => {
    const csv = runCsv(runStore(source.sqlite).get(seedRun(source))!, rows)
    const parsed = Papa.parse<string[]>(csv.trimEnd(), { newline: '\r\n' }).data
    expect(parsed[0]).toEqual(['rowId', 'trial', 'output', 'error', 'latencyMs', 'tokens', 'costUsd', 'exact.score', 'exact.pass', 'exact.reason', 'tone.score', 'tone.pass', 'tone.reason'])
    expect(parsed[1]).toEqual(['a', '0', 'yes, "quoted"\nline two', '', '12', '7', '0.001', '1', 'true', '', '0.5', '', 'flat, "meh"'])
    expect(parsed[2]!.slice(0, 3)).toEqual(['b', '0', '{"structured":[1,2]}'])
    expect(parsed[3]).toEqual(['c', '0', '', 'timeout', '', '0', '', '', '', '', '', '', ''])
    expect(csv).toContain('"yes, ""quoted""\nline two"')
  })

  it('reports thresholds from the definition, also for a run without a summary', () => {
    const runs = runStore(source.sqlite)
    const id = runs.create('triage', definition, {}, null, 3, { pid: null })
    runs.finish(id, 'cancelled', null)
    const xml = runJunit(runs.get(id)!, rows)
    expect(xml).toMatch(/<testcase classname="triage.thresholds" name="exact"><failure message="exact 0.500 &lt; 0.9"\/>/)
    expect(xml).toMatch(/tests="4" failures="2" errors="1"/)
  })
})

describe('migration 7 (imported runs)', () => {
  it('upgrades a version-6 database: its runs stay, as made here', () => {
    const file = path.join(dir, 'v6.sqlite')
    const v6 = openDatabase(file)
    migrateDatabase(v6, MIGRATIONS.slice(0, 6))
    v6.prepare(`INSERT INTO eval_runs (id, name, definition, pinned, git_commit, status, started_ms, total, source) VALUES ('r1', 'triage', '{}', '{}', NULL, 'finished', 1, 0, 'weft')`).run()
    v6.close()
    const db = openTraceDb(file)
    try {
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      const run = runStore(db.sqlite).get('r1')!
      expect(run).toMatchObject({ id: 'r1', source: 'weft' })
      expect('importedMs' in run).toBe(false)
      expect(runStore(db.sqlite).keepObject(PROMPT, 'x')).toBe(true)
      expect(runStore(db.sqlite).keepObject(PROMPT, 'y')).toBe(false)
      expect(runStore(db.sqlite).keptObject(PROMPT)).toBe('x')
    } finally {
      db.close()
    }
  })
})
