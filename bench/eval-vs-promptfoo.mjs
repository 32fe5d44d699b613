#!/usr/bin/env node
/**
 * An evaluation at scale, Weft beside promptfoo, against one local fake
 * OpenAI-compatible server (bench/lib/fakeChat.mjs, its own process) that
 * answers every request after exactly --latency ms.
 *
 *   node bench/eval-vs-promptfoo.mjs [--rows=5000] [--cached-rows=1000] [--latency=50] [--concurrency=32] [--no-promptfoo] [--no-build] [--keep]
 *
 * - Workload: one prompt with two variables (customer, ticket), three
 *   deterministic scorers (contains the expected category, a format regex,
 *   equals the expected answer); the fake's answer is derived from the prompt,
 *   so both tools see the same answers and should count the same passes.
 * - Weft: `weft eval run NAME --no-cache` on a fresh project, as a child
 *   process; wall time from spawn to exit, peak RSS of the whole process
 *   (bench/lib/measureProcess.mjs). Then every row must be stored (`eval show
 *   --json`), each with a trace id that names a trace in .weft/traces.db
 *   ("traced: no" when rows carry none).
 * - Cached: an evaluation over the first --cached-rows rows runs once to fill
 *   the cache, then again — the measured run; the fake must see no request.
 * - promptfoo 0.121.20 (the last release that runs on Node 20), installed on
 *   demand into bench/.cache/promptfoo; its config is generated from the same
 *   rows with the same three assertions, -j --concurrency, its database and
 *   cache in a temporary folder, telemetry and update checks off.
 *
 * Targets (the issue): Weft's wall time ≤ 1.15 × ideal (rows × latency /
 * concurrency), peak RSS ≤ 200 MB, every row stored and traced; the cached
 * re-run ≤ 0.5 s. Misses are reported, not failed: the exit code is non-zero
 * only when Weft could not run the evaluation at all.
 * Prints figures and merges them into bench/results/figures.json (the format of bench/report.ts).
 */
import Database from 'better-sqlite3'
import { execFileSync, fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CATEGORIES } from './lib/fakeChat.mjs'
import { measureProcess } from './lib/measureProcess.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const ROWS = Number(args.get('rows') ?? 5000)
const CACHED_ROWS = Math.min(ROWS, Number(args.get('cached-rows') ?? 1000))
const LATENCY_MS = Number(args.get('latency') ?? 50)
const CONCURRENCY = Number(args.get('concurrency') ?? 32)
const PROMPTFOO_VERSION = '0.121.20'
const PROMPTFOO_DIR = path.join(root, 'bench', '.cache', 'promptfoo')
const RESULTS_FILE = path.join(root, 'bench', 'results', 'figures.json')
const WEFT_BIN = path.join(root, 'bin', 'weft.js')
const TARGETS = { ratioToIdeal: 1.15, peakMb: 200, cachedS: 0.5 }
const IDEAL_MS = (ROWS * LATENCY_MS) / CONCURRENCY

const PROMPT = 'Ticket from {{customer}}: {{ticket}}\nAnswer with the category.\n'
const FORMAT_PATTERN = '^Category: [a-z]+\\. Customer C\\d{4}\\.$'

// ── set-up ──────────────────────────────────────────────────────────────────

function newestMtime(entry) {
  const stat = fs.statSync(entry)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((child) => newestMtime(path.join(entry, child))))
}

/** Builds the CLI when out/main/cli.cjs (what bin/weft.js runs) is missing or older than main/ and common/ (flock: builds share 2 cores). */
function ensureCliBuild() {
  const built = path.join(root, 'out', 'main', 'cli.cjs')
  const fresh = fs.existsSync(built) && fs.statSync(built).mtimeMs >= Math.max(...['main', 'common'].map((d) => newestMtime(path.join(root, d))))
  if (fresh || args.has('no-build')) {
    if (!fs.existsSync(built)) throw new Error('out/main/cli.cjs is missing and --no-build was given')
    return
  }
  console.log('building the CLI (out/ is older than main/ or common/)…')
  const vite = path.join(root, 'node_modules', '.bin', 'electron-vite')
  const [command, argv] = fs.existsSync('/usr/bin/flock') ? ['flock', ['/tmp/weft-build.lock', vite, 'build']] : [vite, ['build']]
  execFileSync(command, argv, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle-cli.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}

/** Starts bench/lib/fakeChat.mjs as a child; `count()` asks it how many requests it has answered. */
function startFake() {
  const child = fork(path.join(root, 'bench', 'lib', 'fakeChat.mjs'), [`--latency=${LATENCY_MS}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const count = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m.count))
      child.send('count')
    })
  return new Promise((resolve) => child.once('message', ({ port }) => resolve({ baseUrl: `http://127.0.0.1:${port}/v1`, count, stop: () => child.kill() })))
}

/**
 * The rows: four categories in turn; every 7th ticket names no category the
 * fake knows (it answers "other": category and answer fail), and every 13th
 * names two (the fake picks the first: they fail too). Format always passes.
 */
function makeRows(n) {
  return Array.from({ length: n }, (_, i) => {
    const id = `r${String(i).padStart(5, '0')}`
    const customer = `C${String(i % 9973).padStart(4, '0')}`
    const order = 10_000 + i
    let category = CATEGORIES[i % CATEGORIES.length]
    let ticket = `Please help with the ${category} for order ${order}, placed last week.`
    if (i % 7 === 3) [category, ticket] = ['billing', `I was charged twice for order ${order}.`]
    else if (i % 13 === 6) [category, ticket] = ['shipping', `Where is my refund or my shipping? Order ${order} has not arrived.`]
    return { id, customer, ticket, expected: { category, answer: `Category: ${category}. Customer ${customer}.` } }
  })
}

// ── Weft ────────────────────────────────────────────────────────────────────

const weftEnv = (home) => ({ ...process.env, WEFT_HOME: home, WEFT_BENCH_FAKE_KEY: 'not-needed' })

function weft(dir, ...argv) {
  return execFileSync(process.execPath, [WEFT_BIN, ...argv], { cwd: dir, env: weftEnv(path.join(dir, 'home')), encoding: 'utf8', maxBuffer: 1 << 30 })
}

/** A fresh project with the prompt, model, both datasets and both evaluations saved through the CLI. */
function makeWeftProject(dir, rows, baseUrl) {
  const file = (name, text) => (fs.writeFileSync(path.join(dir, name), text), name)
  const p = ['--project', 'proj']
  weft(dir, 'init', 'proj')
  weft(dir, 'save', 'prompt:triage', file('triage.prompt', PROMPT), ...p)
  weft(dir, 'save', 'model:fake', file('fake.yaml', `provider: openai-compatible\nmodel: fake-model\nbase_url: ${baseUrl}\napi_key_env: WEFT_BENCH_FAKE_KEY\n`), ...p)
  const jsonl = (list) => `${list.map((r) => JSON.stringify(r)).join('\n')}\n`
  weft(dir, 'save', 'dataset:tickets', file('tickets.jsonl', jsonl(rows)), ...p)
  weft(dir, 'save', 'dataset:tickets-cached', file('tickets-cached.jsonl', jsonl(rows.slice(0, CACHED_ROWS))), ...p)
  const evaluation = (dataset) =>
    [
      `dataset: ${dataset}`,
      'target: {prompt: triage, model: fake}',
      `concurrency: ${CONCURRENCY}`,
      'scorers:',
      '  - {id: category, type: contains, params: {values: ["{{expected.category}}"]}}',
      `  - {id: format, type: regex, params: {pattern: ${JSON.stringify(FORMAT_PATTERN)}}}`,
      '  - {id: answer, type: equals, params: {expected: "{{expected.answer}}"}}',
      '',
    ].join('\n')
  weft(dir, 'save', 'evaluation:tickets', file('tickets.yaml', evaluation('tickets')), ...p)
  weft(dir, 'save', 'evaluation:tickets-cached', file('tickets-cached.yaml', evaluation('tickets-cached')), ...p)
}

/** `weft eval run` as a measured child process; the JSON report parsed. */
async function runWeftEval(dir, name, extra = []) {
  const measured = await measureProcess(process.execPath, [WEFT_BIN, 'eval', 'run', name, '--project', 'proj', '--format', 'json', ...extra], { cwd: dir, env: weftEnv(path.join(dir, 'home')) })
  if (measured.code !== 0) throw new Error(`weft eval run ${name} exited with ${measured.code}:\n${measured.stderr || measured.stdout}`)
  const report = JSON.parse(measured.stdout)
  return { ...measured, runId: report.run.id, engineMs: report.run.endedMs - report.run.startedMs, summary: report.summary, warnings: measured.stderr.split('\n').filter((l) => /warn|error/i.test(l)).join('\n') }
}

/**
 * What was stored for a run: rows (as `eval show` reports them), rows whose
 * trace id names a trace in the trace database, rows passing every scorer.
 */
function storedRows(dir, runId) {
  const { rows } = JSON.parse(weft(dir, 'eval', 'show', runId, '--json', '--project', 'proj'))
  const db = new Database(path.join(dir, 'proj', '.weft', 'traces.db'), { readonly: true })
  const traceExists = db.prepare('SELECT 1 FROM traces WHERE trace_id = ?').pluck()
  try {
    return {
      stored: rows.length,
      distinct: new Set(rows.map((r) => `${r.rowId}/${r.trial}`)).size,
      traced: rows.filter((r) => r.traceId && traceExists.get(r.traceId)).length,
      allPass: rows.filter((r) => !r.error && Object.values(r.scores).every((s) => s?.pass === true)).length,
    }
  } finally {
    db.close()
  }
}

async function benchWeft(rows, fake) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-eval-'))
  try {
    makeWeftProject(dir, rows, fake.baseUrl)
    const before = await fake.count()
    const cold = await runWeftEval(dir, 'tickets', ['--no-cache'])
    const coldRequests = (await fake.count()) - before
    const stored = storedRows(dir, cold.runId)
    await runWeftEval(dir, 'tickets-cached') // fills the cache
    const beforeWarm = await fake.count()
    const warm = await runWeftEval(dir, 'tickets-cached')
    const warmRequests = (await fake.count()) - beforeWarm
    return { cold, coldRequests, stored, warm, warmRequests, warmStored: storedRows(dir, warm.runId) }
  } finally {
    if (args.has('keep')) console.log(`kept the Weft project in ${dir} (cached re-run: cd there; weft eval run tickets-cached --project proj)`)
    else fs.rmSync(dir, { recursive: true, force: true })
  }
}

// ── promptfoo ───────────────────────────────────────────────────────────────

const promptfooBin = path.join(PROMPTFOO_DIR, 'node_modules', 'promptfoo', 'dist', 'src', 'main.js')

/** Installs promptfoo into bench/.cache/promptfoo when missing; returns why it is unavailable, or null. */
function ensurePromptfoo() {
  const manifest = path.join(PROMPTFOO_DIR, 'node_modules', 'promptfoo', 'package.json')
  const installed = fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).version === PROMPTFOO_VERSION
  if (!installed) {
    console.log(`installing promptfoo@${PROMPTFOO_VERSION} into ${path.relative(root, PROMPTFOO_DIR)} (once)…`)
    fs.mkdirSync(PROMPTFOO_DIR, { recursive: true })
    try {
      execFileSync('npm', ['install', '--prefix', PROMPTFOO_DIR, '--no-audit', '--no-fund', '--loglevel=error', `promptfoo@${PROMPTFOO_VERSION}`], { cwd: PROMPTFOO_DIR, stdio: ['ignore', 'ignore', 'pipe'] })
    } catch (error) {
      return `npm install failed: ${String(error.stderr ?? error.message).trim().split('\n').at(-1)}`
    }
  }
  return fs.existsSync(promptfooBin) ? null : `${path.relative(root, promptfooBin)} is missing after the install`
}

/** The same evaluation as a promptfoo config (JSON is YAML). */
function promptfooConfig(rows, baseUrl) {
  return {
    description: 'weft bench: tickets',
    prompts: [PROMPT],
    providers: [{ id: 'openai:chat:fake-model', config: { apiBaseUrl: baseUrl, apiKey: 'not-needed' } }],
    defaultTest: {
      assert: [
        { type: 'contains', value: '{{category}}' },
        { type: 'regex', value: FORMAT_PATTERN },
        { type: 'equals', value: '{{answer}}' },
      ],
    },
    tests: rows.map((r) => ({ vars: { customer: r.customer, ticket: r.ticket, category: r.expected.category, answer: r.expected.answer } })),
    evaluateOptions: { maxConcurrency: CONCURRENCY },
  }
}

async function runPromptfoo(dir, configFile, extra = []) {
  const env = {
    ...process.env,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_CONFIG_DIR: path.join(dir, 'config'),
    PROMPTFOO_CACHE_PATH: path.join(dir, 'cache'),
    OPENAI_API_KEY: 'not-needed',
    NO_COLOR: '1',
  }
  const measured = await measureProcess(process.execPath, [promptfooBin, 'eval', '-c', configFile, '-j', String(CONCURRENCY), '--no-table', '--no-progress-bar', ...extra], { cwd: dir, env })
  const passed = /(\d[\d,]*) passed/.exec(measured.stdout)?.[1]
  if (measured.code !== 0 && passed === undefined) throw new Error(`promptfoo exited with ${measured.code}:\n${(measured.stderr || measured.stdout).slice(-2000)}`)
  return { ...measured, passed: passed === undefined ? null : Number(passed.replace(/,/g, '')) }
}

async function benchPromptfoo(rows, fake) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-promptfoo-'))
  try {
    const write = (name, list) => (fs.writeFileSync(path.join(dir, name), JSON.stringify(promptfooConfig(list, fake.baseUrl))), name)
    const all = write('tickets.yaml', rows)
    const cached = write('tickets-cached.yaml', rows.slice(0, CACHED_ROWS))
    // The cached evaluation first: it also creates promptfoo's database, so the cold run does not pay for that.
    await runPromptfoo(dir, cached)
    const beforeWarm = await fake.count()
    const warm = await runPromptfoo(dir, cached)
    const warmRequests = (await fake.count()) - beforeWarm
    const before = await fake.count()
    const cold = await runPromptfoo(dir, all, ['--no-cache'])
    const coldRequests = (await fake.count()) - before
    return { cold, coldRequests, warm, warmRequests }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

// ── report ──────────────────────────────────────────────────────────────────

const s = (ms) => `${(ms / 1000).toFixed(2)} s`
const mb = (bytes) => bytes / 1e6
const verdict = (value, target) => (value <= target ? 'ok' : 'MISSED')
const count = (n) => n.toLocaleString('en')

ensureCliBuild()
const rows = makeRows(ROWS)
const fake = await startFake()
let weftResult
let promptfooResult = null
let promptfooMissing
try {
  weftResult = await benchWeft(rows, fake)
  promptfooMissing = args.has('no-promptfoo') ? '--no-promptfoo' : ensurePromptfoo()
  if (!promptfooMissing) {
    try {
      promptfooResult = await benchPromptfoo(rows, fake)
    } catch (error) {
      promptfooMissing = `its run failed: ${error.message.split('\n').slice(0, 3).join(' ')}`
    }
  }
} finally {
  fake.stop()
}

const { cold, stored, warm } = weftResult
const ratio = cold.wallMs / IDEAL_MS
const peakMb = mb(cold.peakRssBytes)
const lines = [
  `node ${process.version}, ${os.cpus().length} CPUs; ${count(ROWS)} rows × 3 scorers, fake model ${LATENCY_MS} ms, concurrency ${CONCURRENCY}; ideal ${s(IDEAL_MS)} (rows × latency / concurrency)`,
  `Weft ${count(ROWS)} rows: ${s(cold.wallMs)} whole process, ${(ratio).toFixed(2)}× ideal (target ≤ ${TARGETS.ratioToIdeal}×) ${verdict(ratio, TARGETS.ratioToIdeal)}; engine ${s(cold.engineMs)}; peak RSS ${peakMb.toFixed(0)} MB (target ≤ ${TARGETS.peakMb} MB) ${verdict(peakMb, TARGETS.peakMb)}`,
  `  stored ${count(stored.distinct)} of ${count(ROWS)} rows ${stored.distinct === ROWS && stored.stored === ROWS ? 'ok' : 'MISSED'}; traced: ${stored.traced === 0 ? 'no' : stored.traced === ROWS ? 'yes' : `${count(stored.traced)} of ${count(ROWS)} MISSED`}; ${count(weftResult.coldRequests)} model requests; ${count(stored.allPass)} rows pass every scorer`,
  `Weft ${count(CACHED_ROWS)} cached rows: ${s(warm.wallMs)} whole process (target ≤ ${TARGETS.cachedS} s, ${(warm.wallMs / 1000 / TARGETS.cachedS).toFixed(2)}×) ${verdict(warm.wallMs / 1000, TARGETS.cachedS)}; engine ${s(warm.engineMs)}; peak RSS ${mb(warm.peakRssBytes).toFixed(0)} MB; ${weftResult.warmRequests} model requests${weftResult.warmRequests ? ' (the cache missed)' : ''}; stored ${count(weftResult.warmStored.distinct)}, traced ${count(weftResult.warmStored.traced)}`,
]
for (const w of new Set([cold.warnings, warm.warnings].filter(Boolean))) lines.push(`  Weft said: ${w.split('\n')[0].slice(0, 200)}`)
if (promptfooResult) {
  const p = promptfooResult
  const pRatio = p.cold.wallMs / IDEAL_MS
  lines.push(
    `promptfoo ${PROMPTFOO_VERSION} ${count(ROWS)} rows: ${s(p.cold.wallMs)} (${pRatio.toFixed(2)}× ideal); peak RSS ${mb(p.cold.peakRssBytes).toFixed(0)} MB; ${count(p.coldRequests)} model requests; ${p.cold.passed === null ? '?' : count(p.cold.passed)} rows pass${p.cold.passed === stored.allPass ? ' (same as Weft)' : ` (Weft: ${count(stored.allPass)} — DIFFERENT)`}`,
    `promptfoo ${count(CACHED_ROWS)} cached rows: ${s(p.warm.wallMs)}; peak RSS ${mb(p.warm.peakRssBytes).toFixed(0)} MB; ${p.warmRequests} model requests`,
    `Weft vs promptfoo: ${(p.cold.wallMs / cold.wallMs).toFixed(1)}× faster and ${(p.cold.peakRssBytes / cold.peakRssBytes).toFixed(1)}× less peak RSS at ${count(ROWS)} rows; ${(p.warm.wallMs / warm.wallMs).toFixed(1)}× faster cached`,
  )
} else lines.push(`promptfoo: not available (${promptfooMissing})`)

const table = [
  ['', 'wall s', 'ideal s', '× ideal (≤ 1.15)', 'peak MB (≤ 200)', `${count(CACHED_ROWS)} cached s (≤ 0.5)`],
  ['Weft', (cold.wallMs / 1000).toFixed(2), (IDEAL_MS / 1000).toFixed(2), ratio.toFixed(2), peakMb.toFixed(0), (warm.wallMs / 1000).toFixed(2)],
  ...(promptfooResult
    ? [['promptfoo', (promptfooResult.cold.wallMs / 1000).toFixed(2), (IDEAL_MS / 1000).toFixed(2), (promptfooResult.cold.wallMs / IDEAL_MS).toFixed(2), mb(promptfooResult.cold.peakRssBytes).toFixed(0), (promptfooResult.warm.wallMs / 1000).toFixed(2)]]
    : []),
]
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)))
lines.push('', ...table.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')))
console.log(lines.join('\n'))

// Merge into figures.json in bench/report.ts's shape: { name: { value, unit, target, cli, cliLabel } }.
let figures = {}
try {
  figures = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'))
} catch {}
const pf = promptfooResult
const label = `promptfoo ${PROMPTFOO_VERSION}`
const figure = (value, unit, target, cli) => ({ value, unit, ...(target === undefined ? {} : { target }), ...(pf ? { cli, cliLabel: label } : {}) })
figures[`eval: ${count(ROWS)} rows, wall time (whole process)`] = figure(cold.wallMs / 1000, 's', undefined, pf?.cold.wallMs / 1000)
figures[`eval: ${count(ROWS)} rows, wall time / ideal`] = figure(ratio, '×', TARGETS.ratioToIdeal, pf?.cold.wallMs / IDEAL_MS)
figures[`eval: ${count(ROWS)} rows, peak RSS`] = figure(peakMb, 'MB', TARGETS.peakMb, pf && mb(pf.cold.peakRssBytes))
figures[`eval: ${count(CACHED_ROWS)} cached rows, wall time`] = figure(warm.wallMs / 1000, 's', TARGETS.cachedS, pf?.warm.wallMs / 1000)
figures[`eval: ${count(ROWS)} rows, rows not stored`] = { value: ROWS - stored.distinct, unit: 'rows', target: 0 }
figures[`eval: ${count(ROWS)} rows, rows not traced`] = { value: ROWS - stored.traced, unit: 'rows', target: 0 }
figures['eval vs promptfoo (details)'] = {
  value: ROWS,
  unit: 'rows',
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  latencyMs: LATENCY_MS,
  concurrency: CONCURRENCY,
  idealMs: IDEAL_MS,
  weft: {
    cold: { wallMs: cold.wallMs, engineMs: cold.engineMs, peakRssBytes: cold.peakRssBytes, requests: weftResult.coldRequests, ...stored },
    cached: { rows: CACHED_ROWS, wallMs: warm.wallMs, engineMs: warm.engineMs, peakRssBytes: warm.peakRssBytes, requests: weftResult.warmRequests },
  },
  promptfoo: pf
    ? {
        version: PROMPTFOO_VERSION,
        cold: { wallMs: pf.cold.wallMs, peakRssBytes: pf.cold.peakRssBytes, requests: pf.coldRequests, passed: pf.cold.passed },
        cached: { rows: CACHED_ROWS, wallMs: pf.warm.wallMs, peakRssBytes: pf.warm.peakRssBytes, requests: pf.warmRequests },
      }
    : { unavailable: promptfooMissing },
}
fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
fs.writeFileSync(RESULTS_FILE, JSON.stringify(figures, null, 2))
console.log(`written: ${path.relative(root, RESULTS_FILE)}`)
