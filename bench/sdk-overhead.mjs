#!/usr/bin/env node
/**
 * SDK overhead per span, side by side in one run: bare calls, the Weft SDK,
 * OpenTelemetry JS (BasicTracerProvider + BatchSpanProcessor + OTLP/HTTP JSON
 * exporter, AsyncLocalStorage context) and the Weave TS SDK, all exporting to
 * one local sink that counts what arrives.
 *
 *   node bench/sdk-overhead.mjs [--calls=100000] [--weave-calls=20000] [--runs=3] [--yield=100] [--no-build]
 *
 * - Workload: 100,000 calls of a no-op async op nested 3 deep (300,000 spans);
 *   the loop yields to the event loop every --yield calls, as a server would.
 * - Overhead per span = (traced time including the SDK's flush − bare time) / spans,
 *   with the bare time measured in the same process just before (bench/sdk/runner.mjs).
 * - Each SDK runs in its own child process (peak RSS is its own); the sink runs
 *   in another, so receiving does not steal the measured thread (2 cores here),
 *   and counts spans by scanning bodies (bench/sdk/sink.mjs says why).
 * - Spans received vs created: a difference is a drop, printed as such.
 * - Weave is ~50× slower: it runs --weave-calls calls (per-span figures compare; totals do not).
 *
 * Targets (issue 6): Weft ≤ 2 µs per span, no silent drop, peak RSS ≤ 100 MB.
 * Prints figures and merges them into bench/results/figures.json (the format of bench/report.ts).
 */
import { execFileSync, fork, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const CALLS = Number(args.get('calls') ?? 100_000)
const WEAVE_CALLS = Math.min(CALLS, Number(args.get('weave-calls') ?? 20_000))
const RUNS = Number(args.get('runs') ?? 3)
const YIELD = Number(args.get('yield') ?? 100)
const RESULTS_FILE = path.join(root, 'bench', 'results', 'figures.json')
const TARGETS = { weftUsPerSpan: 2, weftPeakMb: 100 }

function newestMtime(entry) {
  const stat = fs.statSync(entry)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((child) => newestMtime(path.join(entry, child))))
}

/** Builds out/sdk when it is missing or older than sdk/ (flock: builds share 2 cores with other work). */
function ensureSdkBuild() {
  const built = path.join(root, 'out', 'sdk', 'index.js')
  const fresh = fs.existsSync(built) && fs.statSync(built).mtimeMs >= newestMtime(path.join(root, 'sdk'))
  if (fresh || args.has('no-build')) {
    if (!fs.existsSync(built)) throw new Error('out/sdk is missing and --no-build was given')
    return
  }
  console.log('building out/sdk…')
  const vite = path.join(root, 'node_modules', '.bin', 'vite')
  const command = fs.existsSync('/usr/bin/flock') ? ['flock', ['/tmp/weft-build.lock', vite, 'build', '-c', 'sdk/vite.config.ts', '--logLevel', 'error']] : [vite, ['build', '-c', 'sdk/vite.config.ts', '--logLevel', 'error']]
  execFileSync(command[0], command[1], { cwd: root, stdio: 'inherit' })
}

function startSink() {
  const child = fork(path.join(root, 'bench', 'sdk', 'sink.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const ask = (message) =>
    new Promise((resolve) => {
      child.once('message', resolve)
      child.send(message)
    })
  return new Promise((resolve) => child.once('message', ({ port }) => resolve({ url: `http://127.0.0.1:${port}`, count: () => ask('count'), reset: () => child.send('reset'), stop: () => child.kill() })))
}

function runOnce(sdk, sinkUrl, calls) {
  const warmup = Math.max(1000, Math.round(calls / 10))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bench', 'sdk', 'runner.mjs'), sdk, sinkUrl, String(calls), String(warmup), String(YIELD)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (err += c))
    child.on('exit', (code) => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)
      if (code !== 0 || !line) return reject(new Error(`${sdk} run failed (exit ${code}):\n${err || out}`))
      resolve({ ...JSON.parse(line), stderr: err.trim() })
    })
  })
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const MB = (bytes) => bytes / 1e6

ensureSdkBuild()
const sink = await startSink()
const results = {}
try {
  // Interleaved runs: every SDK sees the same machine load.
  for (let run = 0; run < RUNS; run++) {
    for (const sdk of ['bare', 'weft', 'otel', 'weave']) {
      if (sdk === 'weave' && run > 0 && !args.has('weave-runs-all')) continue
      sink.reset()
      const result = await runOnce(sdk, sink.url, sdk === 'weave' ? WEAVE_CALLS : CALLS)
      const counted = await sink.count()
      if (counted.mismatch) throw new Error(`the sink miscounted: ${counted.mismatch}`)
      const received = counted.spans
      const spans = 3 * result.calls
      const usPerSpan = ((result.tracedMs - result.bareMs) * 1000) / spans
      ;(results[sdk] ??= []).push({ ...result, received, usPerSpan })
    }
  }
} finally {
  sink.stop()
}

const summary = {}
for (const [sdk, runs] of Object.entries(results)) {
  summary[sdk] = {
    calls: runs[0].calls,
    runs: runs.length,
    usPerSpan: median(runs.map((r) => r.usPerSpan)),
    usPerSpanRuns: runs.map((r) => r.usPerSpan),
    bareMs: median(runs.map((r) => r.bareMs)),
    tracedMs: median(runs.map((r) => r.tracedMs)),
    peakRssMb: Math.max(...runs.map((r) => MB(r.peakRssBytes))),
    created: runs.reduce((n, r) => n + r.spansCreated, 0),
    received: runs.reduce((n, r) => n + r.received, 0),
    reportedDropped: runs.reduce((n, r) => n + r.reportedDropped, 0),
    warnings: [...new Set(runs.map((r) => r.stderr).filter(Boolean))],
  }
}

const fmt = (v) => v.toFixed(v < 10 ? 2 : 1)
const lines = [`node ${process.version}, ${os.cpus().length} CPUs; ${CALLS.toLocaleString('en')} calls × 3 spans (Weave: ${WEAVE_CALLS.toLocaleString('en')} calls, 1 run), yield every ${YIELD} calls, median of ${RUNS} run(s)`]
const bare = summary.bare
lines.push(`bare: ${fmt(bare.bareMs)} ms for ${CALLS.toLocaleString('en')} calls; peak RSS ${fmt(bare.peakRssMb)} MB`)
for (const sdk of ['weft', 'otel', 'weave']) {
  const s = summary[sdk]
  if (!s) continue
  const label = { weft: 'Weft SDK', otel: 'OpenTelemetry JS', weave: 'Weave TS SDK' }[sdk]
  const lost = s.created - s.received
  const drops = lost === 0 ? 'none dropped' : `${lost.toLocaleString('en')} dropped (${((100 * lost) / s.created).toFixed(1)}%; SDK reported ${s.reportedDropped.toLocaleString('en')})`
  const target = sdk === 'weft' ? ` (target ≤ ${TARGETS.weftUsPerSpan} µs, ${(s.usPerSpan / TARGETS.weftUsPerSpan).toFixed(2)}× ${s.usPerSpan <= TARGETS.weftUsPerSpan ? 'ok' : 'OVER'})` : ''
  const memoryTarget = sdk === 'weft' ? ` (target ≤ ${TARGETS.weftPeakMb} MB ${s.peakRssMb <= TARGETS.weftPeakMb ? 'ok' : 'OVER'})` : ''
  lines.push(`${label}: ${fmt(s.usPerSpan)} µs per span${target} — runs ${s.usPerSpanRuns.map(fmt).join(', ')}; spans received ${s.received.toLocaleString('en')} of ${s.created.toLocaleString('en')}, ${drops}; peak RSS ${fmt(s.peakRssMb)} MB${memoryTarget}`)
  for (const w of s.warnings) lines.push(`  ${label} said: ${w.split('\n')[0].slice(0, 200)}`)
}
const weft = summary.weft
if (weft && summary.otel) lines.push(`Weft vs OpenTelemetry: ${(summary.otel.usPerSpan / weft.usPerSpan).toFixed(1)}× less overhead per span, ${(summary.otel.peakRssMb / weft.peakRssMb).toFixed(2)}× less peak RSS`)
if (weft && summary.weave) lines.push(`Weft vs Weave: ${(summary.weave.usPerSpan / weft.usPerSpan).toFixed(0)}× less overhead per span, ${(summary.weave.peakRssMb / weft.peakRssMb).toFixed(1)}× less peak RSS`)
console.log(lines.join('\n'))

// Merge into figures.json in bench/report.ts's shape: { name: { value, unit, target, cli, cliLabel } }.
let figures = {}
try {
  figures = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'))
} catch {}
if (weft) {
  figures['SDK overhead per span, Weft (3-deep no-op, 300,000 spans)'] = { value: weft.usPerSpan, unit: 'µs', target: TARGETS.weftUsPerSpan, cli: summary.otel?.usPerSpan, cliLabel: 'OpenTelemetry JS' }
  figures['SDK peak RSS, Weft'] = { value: weft.peakRssMb, unit: 'MB', target: TARGETS.weftPeakMb, cli: summary.otel?.peakRssMb, cliLabel: 'OpenTelemetry JS' }
  figures['SDK spans dropped, Weft'] = { value: weft.created - weft.received, unit: 'spans', target: 0, cli: summary.otel ? summary.otel.created - summary.otel.received : undefined, cliLabel: 'OpenTelemetry JS' }
}
if (summary.weave) figures['SDK overhead per span, Weave TS SDK'] = { value: summary.weave.usPerSpan, unit: 'µs', cli: weft?.usPerSpan, cliLabel: 'Weft SDK' }
if (summary.weave) figures['SDK peak RSS, Weave TS SDK'] = { value: summary.weave.peakRssMb, unit: 'MB', cli: weft?.peakRssMb, cliLabel: 'Weft SDK' }
figures['SDK overhead benchmark (details)'] = { value: CALLS, unit: 'calls', date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, yieldEvery: YIELD, summary }
fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
fs.writeFileSync(RESULTS_FILE, JSON.stringify(figures, null, 2))
console.log(`written: ${path.relative(root, RESULTS_FILE)}`)
if (weft && (weft.usPerSpan > TARGETS.weftUsPerSpan || weft.peakRssMb > TARGETS.weftPeakMb || weft.created !== weft.received)) process.exitCode = 1
