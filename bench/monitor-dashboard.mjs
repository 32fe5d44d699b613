#!/usr/bin/env node
/**
 * The Monitor dashboard over 1,000,000 stored spans, each figure beside its target:
 *
 *   node bench/monitor-dashboard.mjs [--spans=1000000] [--runs=5] [--no-cache] [--no-ingest]
 *
 * - `monitor.query` over web mode's HTTP API for the last 1h / 24h / 7d / 30d,
 *   grouped by op and by model (median of --runs; what the dashboard waits for);
 * - the dashboard in Chromium: (1) in-app, click Monitor (from another section)
 *   → every chart drawn and painted; (2) a range change (24h → 30d, 30d → 1h)
 *   → the new charts painted; (3) a fresh page load on `#/monitor` → charts
 *   painted (this one includes booting the whole app). Target ≤ 300 ms;
 * - ingest through the trace database with the metric rollups, in spans/s
 *   (bench/monitor-ingest.bench.test.ts; `npm run bench` runs it with the
 *   other vitest benchmarks and passes --no-ingest here), beside the figures
 *   measured on the same machine before the rollups existed.
 *
 * The spans: 4-span traces (an agent or chain root among 30 ops, an LLM call
 * on one of 4 models among 6 LLM ops, a tool call among 10, a retrieval among
 * 3), 1–5% errors depending on the op, latencies spread over three orders of
 * magnitude, start times over the last 30 days. They are sent to a fresh
 * project through the ingest endpoint (the real insert path: validation,
 * trace and metric rollups) in batches of 5,000; the database is cached in
 * bench/.cache for a day (keyed by the schema and rollup code) and topped up
 * with the last hour's spans, so a re-run starts in seconds.
 */
/* global document, window, requestAnimationFrame -- the page callbacks run in Chromium */
import { execFileSync, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { chromium } from 'playwright-core'
import { sendTraces } from './lib/sendTraces.mjs'
import { apiCaller, ingestSender, startWeftServe } from './lib/weftServe.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const SPANS = Number(args.get('spans') ?? 1_000_000)
const RUNS = Number(args.get('runs') ?? 5)
const BATCH = 5000
const TARGET_MS = 300
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const RESULTS_FILE = path.join(root, 'bench', 'results', 'figures.json')
const CACHE_DIR = path.join(root, 'bench', '.cache')
const weftBin = path.join(root, 'bin', 'weft.js')

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-monitor-'))
const home = path.join(tmp, 'home')
const project = path.join(tmp, 'project')
const env = { ...process.env, WEFT_HOME: home, WEFT_PORT: '', WEFT_INGEST_PORT: '0' }

// ── the spans ───────────────────────────────────────────────────────────────

const DAY = 86_400_000
const ROOTS = Array.from({ length: 30 }, (_, i) => [`${['answer', 'summarize', 'classify', 'draft', 'route', 'plan'][i % 6]} ${['ticket', 'email', 'order', 'refund', 'invoice'][Math.floor(i / 6)]}`, i % 3 ? 'chain' : 'agent'])
const LLM_OPS = ['chat', 'complete', 'judge', 'extract', 'rewrite', 'embed']
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'llama-3-70b']
const TOOLS = ['lookup order', 'search kb', 'fetch user', 'send email', 'refund', 'geocode', 'translate', 'calc', 'weather', 'calendar']
const RETRIEVERS = ['vector search', 'bm25', 'rerank']

function hash(n, salt) {
  let h = Math.imul(n ^ salt, 0x9e3779b1) ^ 0x85ebca6b
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39)
  return (h ^ (h >>> 15)) >>> 0
}
const hex = (n, salt) => hash(n, salt).toString(16).padStart(8, '0')
/** A latency with a long tail: mostly tens to hundreds of ms, sometimes seconds. */
const latency = (t, salt, base) => Math.round(base * Math.exp(((hash(t, salt) % 1000) / 1000) * 3) * (hash(t, salt + 1) % 50 === 0 ? 8 : 1))
/** 1–5% errors, by op. */
const fails = (t, salt, opIndex) => hash(t, salt) % 1000 < 10 + (opIndex % 5) * 10

function makeTrace(t, startMs, prefix = 'm') {
  const traceId = `${prefix}${hex(t, 3)}${hex(t, 4)}${hex(t, 5)}`
  const id = (level) => `${prefix}${hex(t, 10 + level)}${hex(t, 20 + level)}`
  const r = hash(t, 1) % ROOTS.length
  const llm = hash(t, 2) % LLM_OPS.length
  const model = MODELS[hash(t, 6) % MODELS.length]
  const tool = hash(t, 7) % TOOLS.length
  const ret = hash(t, 8) % RETRIEVERS.length
  const llmMs = latency(t, 30, 180)
  const toolMs = latency(t, 40, 25)
  const retMs = latency(t, 50, 12)
  const rootMs = llmMs + toolMs + retMs + 10
  const input = 150 + (hash(t, 9) % 900)
  const output = 20 + (hash(t, 11) % 300)
  const span = (level, name, kind, start, ms, failed, extra = {}) => ({
    id: id(level), traceId, parentId: level ? id(0) : null, name, kind, startMs: start, endMs: start + ms, status: failed ? 'error' : 'ok', error: failed ? { message: `${name} failed` } : null, ...extra,
  })
  return [
    span(0, ROOTS[r][0], ROOTS[r][1], startMs, rootMs, fails(t, 60, r), { inputs: { question: `ticket ${t}` }, attributes: { 'user.id': `u${t % 500}` } }),
    span(1, LLM_OPS[llm], 'llm', startMs + 2, llmMs, fails(t, 61, llm), { usage: { [model]: { inputTokens: input, outputTokens: output } }, costUsd: (input * 2.5 + output * 10) / 1e6 }),
    span(2, TOOLS[tool], 'tool', startMs + llmMs + 4, toolMs, fails(t, 62, tool)),
    span(3, RETRIEVERS[ret], 'retrieval', startMs + llmMs + toolMs + 6, retMs, fails(t, 63, ret)),
  ]
}

/** Sends `count` spans of traces started at `start(t)` (four spans a trace); returns spans/s. */
function fill(send, count, start, prefix, firstTrace = 0) {
  return sendTraces({ send, count, batch: BATCH, spansPerTrace: 4, trace: (t) => makeTrace(firstTrace + t, start(t), prefix) })
}

function cacheFile() {
  const code = ['main/traces/schema.ts', 'main/traces/metrics.ts', 'main/traces/db.ts', 'main/traces/rollup.ts'].map((f) => fs.readFileSync(path.join(root, f), 'utf8')).join('\n')
  const key = crypto.createHash('sha256').update(`${code}\n${SPANS}\n${makeTrace.toString()}`).digest('hex').slice(0, 16)
  return path.join(CACHE_DIR, `monitor-${SPANS}-${key}.db`)
}

/** Waits until the server's background text index has caught up (it would compete with the queries measured). */
async function waitForTextIndex() {
  const started = performance.now()
  const db = new Database(path.join(project, '.weft', 'traces.db'), { readonly: true, fileMustExist: true })
  try {
    for (;;) {
      const { pending } = db.prepare('SELECT COUNT(*) AS pending FROM traces WHERE text_state > 0').get()
      if (pending === 0) return performance.now() - started
      if (performance.now() - started > 180_000) throw new Error(`after 3 min: ${pending} traces not text-indexed`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  } finally {
    db.close()
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
  const digits = unit === 'ms' && value < 10 ? 1 : 0
  const verdict = target === undefined ? '' : higherIsBetter ? ` (target ≥ ${target} ${unit}, ${(value / target).toFixed(2)}× ${value >= target ? 'ok' : 'UNDER'})` : ` (target ≤ ${target} ${unit}, ${(value / target).toFixed(2)}× ${value <= target ? 'ok' : 'OVER'})`
  console.log(`${label}: ${value.toFixed(digits)} ${unit}${verdict}${note ? `  — ${note}` : ''}`)
  figures[label] = { value, unit, ...(target === undefined ? {} : { target }) }
}

// ── in the page ─────────────────────────────────────────────────────────────

/**
 * Installed in every page before its scripts: `__monitorDrawn(before)` resolves once charts other than
 * `before` are all drawn (a canvas in each), the table has rows, and one more frame has painted; and
 * `__firstDrawnAt` records when that first happened since navigation.
 */
function installProbe() {
  const drawnNow = (before) => {
    const charts = document.querySelector('[data-testid="monitor-charts"]')
    if (!charts || charts.getAttribute('data-shown') === before) return null
    const boxes = charts.querySelectorAll('.monitor-chart')
    if (boxes.length < 5 || charts.querySelectorAll('.monitor-chart canvas').length !== boxes.length) return null
    return document.querySelector('[data-testid="monitor-table"] tbody tr') ? charts.getAttribute('data-shown') : null
  }
  window.__monitorDrawn = (before) =>
    new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('charts not drawn within 20 s')), 20_000)
      const check = () => {
        if (drawnNow(before) === null) return requestAnimationFrame(check)
        window.__lastShown = drawnNow(before)
        requestAnimationFrame(() => {
          clearTimeout(timeout)
          resolve(performance.now())
        })
      }
      check()
    })
  const first = () => (drawnNow(null) === null ? requestAnimationFrame(first) : requestAnimationFrame(() => (window.__firstDrawnAt = performance.now())))
  requestAnimationFrame(first)
}

async function measureSectionOpen(page) {
  return page.evaluate(async () => {
    const started = performance.now()
    document.querySelector('[data-testid="section-monitor"]').click()
    // The store still holds the last answer and draws it at once; the figure waits for the fresh one (toMs moved).
    const at = await window.__monitorDrawn(window.__lastShown ?? null)
    const queries = performance.getEntriesByType('resource').filter((e) => e.name.includes('monitor.query') && e.startTime >= started - 1)
    return { ms: at - started, queryMs: queries.length ? Math.max(...queries.map((e) => e.responseEnd)) - started : NaN }
  })
}

async function measureRange(page, label) {
  return page.evaluate(async (label) => {
    const before = document.querySelector('[data-testid="monitor-charts"]').getAttribute('data-shown')
    const button = [...document.querySelectorAll('[role="radio"]')].find((b) => b.textContent === label)
    const started = performance.now()
    button.click()
    const at = await window.__monitorDrawn(before)
    const queries = performance.getEntriesByType('resource').filter((e) => e.name.includes('monitor.query') && e.startTime >= started - 1)
    return { ms: at - started, queryMs: queries.length ? Math.max(...queries.map((e) => e.responseEnd)) - started : NaN }
  }, label)
}

// ── the run ─────────────────────────────────────────────────────────────────

let server
let browser
try {
  if (!fs.existsSync(path.join(root, 'out/renderer/index.html'))) throw new Error('build first: npm run build')
  execFileSync(process.execPath, [weftBin, 'init', project], { env, stdio: 'ignore' })
  const cached = cacheFile()
  const fresh = !args.has('no-cache') && fs.existsSync(cached) && Date.now() - fs.statSync(cached).mtimeMs < DAY
  const now = Date.now()
  const traces = Math.ceil(SPANS / 4)
  if (fresh) fs.copyFileSync(cached, path.join(project, '.weft', 'traces.db'))
  server = await startWeftServe({ weftBin, project, cwd: root, env })
  const call = apiCaller(server)
  const send = ingestSender(server, { weftBin, project, env })
  let setup
  const setupStarted = performance.now()
  if (!fresh) {
    // Oldest first, as they would have arrived; the last one starts a minute ago.
    const rate = await fill(send, SPANS, (t) => now - 30 * DAY + Math.floor((t / traces) * (30 * DAY - 60_000)), 'm')
    setup = `${SPANS.toLocaleString('en')} spans sent at ${Math.round(rate).toLocaleString('en')} spans/s (built here as they go, on the server's cores)`
  } else {
    // The cache is up to a day old: the last hour gets its share of spans again, stamped now.
    const hourSpans = Math.round(SPANS / (30 * 24) / 4) * 4
    await fill(send, hourSpans, (t) => now - 3_600_000 + Math.floor((t / (hourSpans / 4)) * 3_540_000), `h${now.toString(36)}`, 10_000_000)
    setup = `${SPANS.toLocaleString('en')} spans from bench/.cache (${((now - fs.statSync(cached).mtimeMs) / 3_600_000).toFixed(1)} h old), the last hour topped up with ${hourSpans.toLocaleString('en')}`
  }
  const indexMs = await waitForTextIndex()
  setup += `; text index caught up ${(indexMs / 1000).toFixed(1)} s later`
  // Everything stored? (The ingest worker answers once a batch is committed.)
  const all = await call('monitor.query', { fromMs: now - 31 * DAY, toMs: Date.now() + 60_000, bucketMs: DAY })
  console.log(`node ${process.version}, ${os.cpus().length} CPUs; ${setup} in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s; ${all.total.count.toLocaleString('en')} finished spans stored, ${(await call('monitor.ops', {})).ops.length} ops`)
  if (!fresh && !args.has('no-cache')) {
    await server.stop()
    fs.mkdirSync(CACHE_DIR, { recursive: true })
    for (const f of fs.readdirSync(CACHE_DIR)) if (f.startsWith('monitor-')) fs.rmSync(path.join(CACHE_DIR, f))
    // Stopped first: the WAL is checkpointed into the file on close.
    fs.copyFileSync(path.join(project, '.weft', 'traces.db'), cached)
    server = await startWeftServe({ weftBin, project, cwd: root, env })
    await waitForTextIndex()
  }
  const callNow = apiCaller(server)

  // (a) monitor.query per range and grouping.
  for (const [range, ms] of [['1h', 3_600_000], ['24h', DAY], ['7d', 7 * DAY], ['30d', 30 * DAY]]) {
    for (const groupBy of ['op', 'model']) {
      const times = []
      let answer
      for (let i = 0; i < RUNS + 1; i++) {
        const toMs = Date.now()
        const started = performance.now()
        answer = await callNow('monitor.query', { fromMs: toMs - ms, toMs, groupBy })
        if (i > 0) times.push(performance.now() - started)
      }
      report(`monitor.query (${SPANS.toLocaleString('en')} spans): last ${range}, by ${groupBy}`, median(times), 'ms', TARGET_MS,
        `${answer.total.count.toLocaleString('en')} spans in ${answer.timestamps.length} buckets of ${answer.bucketMs / 60_000} min, ${answer.groups.length} groups; runs ${times.map((t) => t.toFixed(0)).join(', ')} (over HTTP)`)
    }
  }

  // (b) the dashboard in Chromium.
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } })
  await context.addInitScript(installProbe)
  const page = await context.newPage()
  await page.goto(server.url)
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
  const opens = []
  const toLong = []
  const toShort = []
  for (let run = 0; run < RUNS + 1; run++) {
    await page.click('[data-testid="section-traces"]')
    await page.waitForSelector('[data-testid="monitor-charts"]', { state: 'detached' })
    const open = await measureSectionOpen(page)
    // Default range (24h) first; then the longest and the shortest.
    const long = await measureRange(page, '30d')
    const short = await measureRange(page, '1h')
    await measureRange(page, '24h')
    if (run === 0) continue // warm-up: the chart module's first load
    opens.push(open)
    toLong.push(long)
    toShort.push(short)
  }
  const q = (list) => median(list.map((r) => r.queryMs)).toFixed(0)
  report(`Monitor dashboard (${SPANS.toLocaleString('en')} spans): click Monitor → 24h charts drawn`, median(opens.map((r) => r.ms)), 'ms', TARGET_MS,
    `monitor.query answered after ${q(opens)} ms; runs ${opens.map((r) => r.ms.toFixed(0)).join(', ')}`)
  report(`Monitor dashboard (${SPANS.toLocaleString('en')} spans): range 24h → 30d, charts redrawn`, median(toLong.map((r) => r.ms)), 'ms', TARGET_MS,
    `monitor.query answered after ${q(toLong)} ms; runs ${toLong.map((r) => r.ms.toFixed(0)).join(', ')}`)
  report(`Monitor dashboard (${SPANS.toLocaleString('en')} spans): range 30d → 1h, charts redrawn`, median(toShort.map((r) => r.ms)), 'ms', TARGET_MS,
    `monitor.query answered after ${q(toShort)} ms; runs ${toShort.map((r) => r.ms.toFixed(0)).join(', ')}`)
  const loads = []
  for (let run = 0; run < RUNS; run++) {
    const fresh = await browser.newContext({ viewport: { width: 1360, height: 1000 } })
    await fresh.addInitScript(installProbe)
    const p = await fresh.newPage()
    // The first visit trades the token for the session cookie (and fills the browser cache, as any visit after the first).
    await p.goto(server.url)
    await p.waitForSelector('body[data-ready="true"]', { state: 'attached' })
    await p.goto(`${new URL(server.url).origin}/#/monitor`)
    await p.waitForFunction(() => window.__firstDrawnAt !== undefined, null, { timeout: 20_000 })
    loads.push(await p.evaluate(() => window.__firstDrawnAt))
    await fresh.close()
  }
  report(`Monitor dashboard (${SPANS.toLocaleString('en')} spans): page load on #/monitor → charts drawn`, median(loads), 'ms', undefined,
    `from navigation start, booting the whole app (no target: the app's own first-interactive budget is 1,500 ms); runs ${loads.map((t) => t.toFixed(0)).join(', ')}`)

  // Ingest with the rollups, in-process through the trace database (its figures print the ones before the rollups).
  if (!args.has('no-ingest')) {
    await new Promise((resolve) => {
      const child = spawn(path.join(root, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'bench', 'bench/monitor-ingest.bench.test.ts', '--reporter=dot', '--silent=false'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
      let pending = ''
      child.stdout.on('data', (chunk) => {
        pending += chunk
        const lines = pending.split('\n')
        pending = lines.pop()
        for (const line of lines) if (/^(monitor:|\s+batches of)/.test(line)) console.log(line)
      })
      child.on('exit', resolve)
    })
  }

  let previous = {}
  try {
    previous = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'))
  } catch {
    // First figures of this checkout.
  }
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, JSON.stringify({ ...previous, ...figures }, null, 2))
  console.log(`written: ${path.relative(root, RESULTS_FILE)}`)
} finally {
  await browser?.close()
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
}
