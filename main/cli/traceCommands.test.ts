import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTraceDb } from '../traces/db'
import { addSpanFeedback } from '../traces/feedback'
import { TRACE_DB_FILE } from '../traces/projects'
import { createObject } from '../traces/weave/objects'
import { parsePyJson } from '../traces/weave/pyjson'
import { createTable } from '../traces/weave/tables'
import { runWeft } from './cliTesting'
import { formatDuration, parseSince } from './traceCommands'

let root: string
let out: string
let err: string

async function weft(...argv: string[]): Promise<number> {
  let code: number
  ;({ code, out, err } = await runWeft(argv, { cwd: root }))
  return code
}

const p = ['--project', 'proj']
const T0 = Date.parse('2026-11-01T10:00:00Z')

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cli-traces-'))
  expect(await weft('init', 'proj')).toBe(0)
  const db = openTraceDb(path.join(root, 'proj', TRACE_DB_FILE))
  db.insertSpans([
    { id: 'a1', traceId: 'trace-a', name: 'answer', kind: 'chain', startMs: T0, endMs: T0 + 1200, attributes: { 'user.id': 'u1' } },
    { id: 'a2', traceId: 'trace-a', parentId: 'a1', name: 'chat', kind: 'llm', startMs: T0 + 10, endMs: T0 + 900, usage: { 'gpt-x': { inputTokens: 30, outputTokens: 12 } }, costUsd: 0.0021 },
    { id: 'a3', traceId: 'trace-a', parentId: 'a1', name: 'lookup', kind: 'tool', startMs: T0 + 905, endMs: T0 + 1100, status: 'error', error: { message: 'index offline\nat x' } },
    { id: 'b1', traceId: 'trace-b', name: 'answer', kind: 'chain', startMs: T0 + 60_000, endMs: T0 + 60_050, attributes: { 'user.id': 'u2' } },
  ])
  addSpanFeedback(db.sqlite, { traceId: 'trace-a', spanId: 'a2', kind: 'thumbs', value: 1 })
  addSpanFeedback(db.sqlite, { traceId: 'trace-a', spanId: 'a3', kind: 'thumbs', value: -1, note: 'index was up' })
  addSpanFeedback(db.sqlite, { traceId: 'trace-a', spanId: 'a2', kind: 'thumbs', value: 1 })
  addSpanFeedback(db.sqlite, { traceId: 'trace-a', spanId: 'a1', kind: 'score', name: 'correctness', value: 0.75 })
  // A dataset as the Weave SDK stores it: a table of rows and a Dataset object pointing at it.
  const table = createTable(db.sqlite, 'ent/app', [parsePyJson('{"q":"2+2","a":"4"}'), parsePyJson('{"q":"1+2","a":"3"}')])
  createObject(db.sqlite, { projectId: 'ent/app', objectId: 'qa', val: parsePyJson(JSON.stringify({ _type: 'Dataset', _class_name: 'Dataset', _bases: ['Object', 'BaseModel'], name: 'qa', rows: `weave:///ent/app/table/${table.digest}` })) })
  db.close()
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

describe('weft token, traces and trace', () => {
  it('prints a stable token with setup lines, and rotates it', async () => {
    expect(await weft('token', '--quiet', ...p)).toBe(0)
    const token = out.trim()
    expect(token).toMatch(/^weft_[A-Za-z0-9_-]{32}$/)
    expect(await weft('token', ...p)).toBe(0)
    expect(out).toContain(`WEFT_TOKEN=${token}`)
    expect(out).toContain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:4319/v1/traces')
    expect(out).toContain(`WANDB_API_KEY=${token}`)
    expect(fs.readFileSync(path.join(root, 'proj', '.weft', 'ingest-token'), 'utf8').trim()).toBe(token)
    if (process.platform !== 'win32') expect(fs.statSync(path.join(root, 'proj', '.weft', 'ingest-token')).mode & 0o077).toBe(0)
    expect(await weft('token', '--rotate', '--quiet', ...p)).toBe(0)
    expect(out.trim()).not.toBe(token)
  })

  it('lists traces newest first, filters, and prints JSON', async () => {
    expect(await weft('traces', ...p)).toBe(0)
    const lines = out.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toContain('trace-b')
    expect(lines[1]).toMatch(/trace-a .*error×1 .*1\.20s .*3 spans .*42 tok .*\$0\.00210 .* answer/)
    expect(await weft('traces', '--status', 'error', '--json', ...p)).toBe(0)
    expect(JSON.parse(out).traces.map((t: { traceId: string }) => t.traceId)).toEqual(['trace-a'])
    expect(await weft('traces', '--attr', 'user.id=u2', '--json', ...p)).toBe(0)
    expect(JSON.parse(out).traces.map((t: { traceId: string }) => t.traceId)).toEqual(['trace-b'])
    expect(await weft('traces', '--min-latency', '1000', '--sort', 'latency', '--json', ...p)).toBe(0)
    expect(JSON.parse(out).traces).toHaveLength(1)
    expect(await weft('traces', '--limit', '1', ...p)).toBe(0)
    expect(out).toMatch(/more: --cursor \S+/)
    expect(lines[1]).toMatch(/\$0\.00210 {2}👍2 👎1 {4}answer$/)
    expect(lines[0]).toMatch(/ {13}answer$/)
    expect(await weft('traces', '--feedback', 'down', ...p)).toBe(0)
    expect(out.trim().split('\n').map((l) => l.slice(0, 7))).toEqual(['trace-a'])
    expect(await weft('traces', '--feedback', 'none', '--json', ...p)).toBe(0)
    expect(JSON.parse(out).traces.map((t: { traceId: string; feedback: unknown }) => [t.traceId, t.feedback])).toEqual([
      ['trace-b', { count: 0, up: 0, down: 0, scores: {} }],
    ])
    expect(await weft('traces', '--feedback', 'maybe', ...p)).toBe(1)
    expect(err).toMatch(/feedback/)
    expect(await weft('traces', '--kind', 'banana', ...p)).toBe(1)
    expect(err).toMatch(/kind/)
    expect(await weft('traces', '--since', 'last tuesday-ish', ...p)).toBe(1)
    expect(err).toMatch(/--since takes a duration/)
  })

  it('shows one trace as an indented tree with errors', async () => {
    expect(await weft('trace', 'trace-a', ...p)).toBe(0)
    expect(out).toContain('answer  trace-a')
    expect(out).toMatch(/\n4 feedback {2}👍2 👎1 {2}correctness 0\.75\n/)
    expect(out).toMatch(/\n {2}chat \[llm\] {2}890ms {2}42 tok/)
    expect(out).toMatch(/\n {2}lookup \[tool\] {2}195ms {2}✗ index offline {2}a3/)
    expect(await weft('trace', 'nope', ...p)).toBe(1)
    expect(err).toMatch(/No trace nope/)
  })

  it('lists and imports Weave datasets', async () => {
    expect(await weft('import', 'weave', ...p)).toBe(0)
    expect(out).toMatch(/^qa +v0 +2 rows +\S{12} +\(ent\/app\)/)
    expect(await weft('import', 'weave', 'qa', '--as', 'arith', ...p)).toBe(0)
    expect(out).toBe('Imported 2 rows as dataset:arith v1\n')
    expect(await weft('get', 'dataset:arith@v1', ...p)).toBe(0)
    expect(out).toContain('"q":"2+2"')
    expect(await weft('import', 'weave', 'missing', ...p)).toBe(1)
    expect(err).toMatch(/No Weave dataset missing/)
  })

  it('parses durations and formats latencies', () => {
    expect(parseSince('2h', 10_000_000)).toBe(10_000_000 - 7_200_000)
    expect(parseSince('2026-11-01T00:00:00Z')).toBe(Date.parse('2026-11-01T00:00:00Z'))
    expect(formatDuration(null)).toBe('running')
    expect(formatDuration(65_000)).toBe('1m 5s')
  })
})
