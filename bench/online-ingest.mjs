#!/usr/bin/env node
/**
 * Online evaluation must not slow ingest (issue 10): ingest throughput of
 * `weft serve` with no rule, beside the same with an active rule scoring 100%
 * of spans with deterministic scorers (regex, json-valid, latency-max), and
 * how far behind the scorer runs:
 *
 *   node bench/online-ingest.mjs [--spans=60000] [--batch=2000] [--runs=3]
 *
 * Each run is a fresh project and a fresh `weft serve`; the two modes
 * alternate so background load on the machine falls on both. Spans (3-span
 * traces, as the SDK sends them) go to the native ingest endpoint in batches,
 * one request at a time; throughput is spans over the time from the first
 * request to the last answer. Lag: the spans not yet scored when ingest ends,
 * and how long the scorer then takes to catch up. Target: with the rule,
 * ingest is at most 10% slower (median of the runs). Then, in the rule's
 * runs, ordinary traffic (--steady-rate spans a second for --steady-seconds):
 * how many spans wait to be scored, looked at once a second. Figures merge
 * into bench/results/figures.json.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { apiCaller, ingestSender, startWeftServe } from './lib/weftServe.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const SPANS = Number(args.get('spans') ?? 60_000)
const BATCH = Number(args.get('batch') ?? 2000)
const RUNS = Number(args.get('runs') ?? 3)
const TARGET_SLOWDOWN_PCT = 10
const STEADY_RATE = Number(args.get('steady-rate') ?? 1000)
const STEADY_SECONDS = Number(args.get('steady-seconds') ?? 10)
const RESULTS_FILE = path.join(root, 'bench', 'results', 'figures.json')
const weftBin = path.join(root, 'bin', 'weft.js')

if (!fs.existsSync(path.join(root, 'out', 'main', 'cli.cjs'))) throw new Error('out/ is missing: run `npm run build` first')

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-online-'))
const home = path.join(tmp, 'home')
const env = { ...process.env, WEFT_HOME: home, WEFT_PORT: '', WEFT_INGEST_PORT: '0' }

// ── the spans ───────────────────────────────────────────────────────────────

const hex = (n, salt) => ((Math.imul(n ^ salt, 0x9e3779b1) ^ (n >>> 7)) >>> 0).toString(16).padStart(8, '0')

/** Trace `t`: a chain root, an LLM call under it, a tool call under that. */
function makeTrace(t, startMs) {
  const traceId = `${hex(t, 3)}${hex(t, 4)}${hex(t, 5)}${hex(t, 6)}`
  const id = (level) => `${hex(t, 10 + level)}${hex(t, 20 + level)}`
  const question = `ticket ${t} about order ${t * 7}`
  return [
    { id: id(0), traceId, parentId: null, name: 'answer question', kind: 'chain', startMs, endMs: startMs + 900, inputs: { question }, output: `answer for ${t}`, attributes: { env: 'prod' } },
    {
      id: id(1), traceId, parentId: id(0), name: 'chat', kind: 'llm', startMs: startMs + 2, endMs: startMs + 880, inputs: { messages: [{ role: 'user', content: question }] },
      output: `{"reply": "answer ${t}"}`, attributes: { model: 'gpt-x' }, usage: { 'gpt-x': { inputTokens: 200, outputTokens: 30 } }, costUsd: 0.0004,
    },
    { id: id(2), traceId, parentId: id(1), name: 'lookup', kind: 'tool', startMs: startMs + 4, endMs: startMs + 200, inputs: { order: t * 7 }, output: { found: true } },
  ]
}

function batches() {
  const all = []
  const start = Date.now() - 3_600_000
  for (let t = 0; all.length < SPANS; t++) all.push(...makeTrace(t, start + t))
  const out = []
  for (let i = 0; i < SPANS; i += BATCH) out.push(all.slice(i, i + BATCH))
  return out
}

// ── one run ─────────────────────────────────────────────────────────────────

const RULE = {
  name: 'every span', sampleRate: 1,
  scorers: [{ id: 'non-empty', type: 'regex', params: { pattern: '.+' } }, { id: 'json', type: 'json-valid' }, { id: 'fast', type: 'latency-max', params: { ms: 500 } }],
}

async function run(mode, n, payload) {
  const project = path.join(tmp, `${mode}-${n}`)
  execFileSync(process.execPath, [weftBin, 'init', project], { env, stdio: 'ignore' })
  const server = await startWeftServe({ weftBin, project, cwd: root, env })
  try {
    const call = apiCaller(server)
    const send = ingestSender(server, { weftBin, project, env })
    if (mode === 'rule') await call('online.save', RULE)
    // One warm-up batch (its own traces) so both modes start with the worker, the database and the JIT warm.
    await send(makeTrace(10_000_000, Date.now()))
    const started = performance.now()
    for (const batch of payload) await send(batch)
    const ingestMs = performance.now() - started
    const result = { mode, spansPerSec: (SPANS / ingestMs) * 1000, ingestMs }
    if (mode === 'rule') {
      const scored = async () => (await call('online.rules', {})).rules[0].counters.scored
      const atEnd = await scored()
      const caughtUp = performance.now()
      let now = atEnd
      while (now < SPANS + 3) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        now = await scored()
        if (performance.now() - caughtUp > 300_000) throw new Error(`the scorer did not catch up in 5 minutes (${now} of ${SPANS + 3} scored)`)
      }
      Object.assign(result, { behindAtEnd: SPANS + 3 - atEnd, catchUpMs: performance.now() - caughtUp })
      // Ordinary traffic: STEADY_RATE spans a second (a batch every 100 ms) for STEADY_SECONDS; how many are waiting, sampled each second.
      const base = SPANS + 3
      let sent = 0
      const behind = []
      const steadyStart = performance.now()
      for (let tick = 0; tick < STEADY_SECONDS * 10; tick++) {
        const batch = []
        for (let t = 0; batch.length < STEADY_RATE / 10; t++) batch.push(...makeTrace(20_000_000 + tick * 1000 + t, Date.now()))
        await send(batch.slice(0, STEADY_RATE / 10))
        sent += STEADY_RATE / 10
        if (tick % 10 === 9) behind.push(base + sent - (await scored()))
        const wait = steadyStart + (tick + 1) * 100 - performance.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      }
      result.steadyBehind = behind
    }
    return result
  } finally {
    await server.stop()
    fs.rmSync(project, { recursive: true, force: true })
  }
}

// ── figures ─────────────────────────────────────────────────────────────────

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const figures = {}
function report(label, value, unit, target, note, higherIsBetter = false) {
  const shown = value.toFixed(unit === 'spans/s' || unit === 'spans' || unit === 'ms' ? 0 : 1)
  const verdict = target === undefined ? '' : ` (target ${higherIsBetter ? '≥' : '≤'} ${target} ${unit}, ${higherIsBetter ? (value >= target ? 'ok' : 'UNDER') : value <= target ? 'ok' : 'OVER'})`
  console.log(`${label}: ${shown} ${unit}${verdict}${note ? `  — ${note}` : ''}`)
  figures[label] = { value, unit, ...(target === undefined ? {} : { target }), ...(higherIsBetter ? { higherIsBetter } : {}) }
}

try {
  const payload = batches()
  const results = []
  for (let n = 0; n < RUNS; n++) {
    for (const mode of n % 2 ? ['rule', 'none'] : ['none', 'rule']) {
      const r = await run(mode, n, payload)
      results.push(r)
      console.log(`  run ${n + 1} ${mode}: ${Math.round(r.spansPerSec)} spans/s${r.catchUpMs === undefined ? '' : `, ${r.behindAtEnd} spans unscored at the end of ingest, caught up ${Math.round(r.catchUpMs)} ms later`}`)
    }
  }
  const none = results.filter((r) => r.mode === 'none')
  const rule = results.filter((r) => r.mode === 'rule')
  const spread = (list) => `runs ${list.map((r) => Math.round(r.spansPerSec)).join(', ')}`
  const base = median(none.map((r) => r.spansPerSec))
  const withRule = median(rule.map((r) => r.spansPerSec))
  report('online eval: ingest without rules', base, 'spans/s', undefined, `${SPANS} spans in batches of ${BATCH}; ${spread(none)}`)
  report('online eval: ingest with a rule scoring 100% (3 deterministic scorers)', withRule, 'spans/s', undefined, spread(rule))
  const slowdowns = rule.map((r, i) => (1 - r.spansPerSec / none[i].spansPerSec) * 100)
  report('online eval: ingest slowdown with the rule', Math.max(0, (1 - withRule / base) * 100), '%', TARGET_SLOWDOWN_PCT, `medians; per run pair ${slowdowns.map((s) => s.toFixed(1)).join(', ')} %`)
  report('online eval: spans unscored when ingest ends', median(rule.map((r) => r.behindAtEnd)), 'spans', undefined, `runs ${rule.map((r) => r.behindAtEnd).join(', ')} of ${SPANS}`)
  report('online eval: scorer catch-up after ingest ends', median(rule.map((r) => r.catchUpMs)), 'ms', undefined, `runs ${rule.map((r) => Math.round(r.catchUpMs)).join(', ')} ms`)
  const steadyMax = rule.map((r) => Math.max(...r.steadyBehind))
  report(`online eval: spans waiting under steady traffic (${STEADY_RATE} spans/s for ${STEADY_SECONDS} s)`, median(steadyMax), 'spans', undefined,
    `most waiting at a once-a-second look, per run: ${steadyMax.join(', ')}; each second of the median run: ${rule[rule.findIndex((r, i) => steadyMax[i] === median(steadyMax))]?.steadyBehind.join(' ') ?? ''}`)
  report('online eval: scoring throughput', median(rule.map((r) => (SPANS / (r.ingestMs + r.catchUpMs)) * 1000)), 'spans/s', undefined, 'spans scored per second from the first span to the last score')

  let all = {}
  try {
    all = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'))
  } catch {
    // First figures of this checkout.
  }
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, JSON.stringify({ ...all, ...figures }, null, 2))
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}
