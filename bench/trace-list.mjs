#!/usr/bin/env node
/**
 * The trace list in Chromium over 1,000,000 stored spans, and the renderer's
 * memory under the live tail, each figure beside its target:
 *
 *   node bench/trace-list.mjs [--spans=1000000] [--runs=5] [--live-minutes=10] [--live-rate=1000] [--no-live]
 *
 * - first page: click the Traces section → the first trace row painted, in a
 *   fresh browser context (the section's code, `traces.list` and the render;
 *   target ≤ 100 ms). A second visit (another section, then back) beside it.
 * - each filter change, end to end: from the event in the filter bar (a
 *   select's change, Enter in a text box — the 300 ms typing debounce is not
 *   counted) to the list showing the new rows, painted (target ≤ 100 ms),
 *   median of --runs, each applied to the unfiltered list and cleared again.
 * - live tail: a sender posts --live-rate spans/s (a batch every 100 ms) for
 *   --live-minutes while the Traces section is open with the live tail on;
 *   JS heap every 10 s (performance.memory with --enable-precise-memory-info,
 *   as sampled, and after a forced GC); start, max, end, and the slope of the
 *   post-GC heap over the second half (target ≤ 1 MB/min: bounded); DOM nodes
 *   at the end. `npm run bench` runs 2 minutes of it (WEFT_BENCH_LIVE_MINUTES
 *   to change that); run this file alone for the issue's 10.
 *
 * The spans (3-span traces: a root of varied name and kind, an LLM or
 * embedding call, a tool call that sometimes fails) are sent to a fresh
 * project through the ingest endpoint in batches of 5,000, as the SDK sends
 * them; the bench waits for the server's background text index to catch up
 * before measuring. Most traces started 2 h to 7 days ago, a few in the last
 * hour (so "last 1h" narrows the list). Figures merge into
 * bench/results/figures.json (bench/report.ts's shape).
 */
/* global window, document, requestAnimationFrame, MutationObserver -- the page.evaluate callbacks run in Chromium */
import { execFileSync } from 'node:child_process'
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
const LIVE_MINUTES = Number(args.get('live-minutes') ?? 10)
const LIVE_RATE = Number(args.get('live-rate') ?? 1000)
const LIVE = !args.has('no-live') && LIVE_MINUTES > 0
const BATCH = 5000
const TARGETS = { firstPageMs: 100, filterMs: 100, heapSlopeMbPerMin: 1 }
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info']
const RESULTS_FILE = path.join(root, 'bench', 'results', 'figures.json')
const weftBin = path.join(root, 'bin', 'weft.js')

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-trace-list-'))
const home = path.join(tmp, 'home')
const project = path.join(tmp, 'project')
const env = { ...process.env, WEFT_HOME: home, WEFT_PORT: '', WEFT_INGEST_PORT: '0' }

// ── the spans ───────────────────────────────────────────────────────────────

const NOW = Date.now()
const TRACES = Math.ceil(SPANS / 3)
/** Traces started in the last hour: fewer than the list shows, so "last 1h" visibly narrows it. */
const RECENT = 12
const BULK_END = NOW - 2 * 3_600_000
const BULK_STEP = Math.max(1, Math.floor((7 * 86_400_000) / TRACES))
const ROOTS = [
  ['answer question', 'chain'], ['summarize ticket', 'agent'], ['classify intent', 'llm'], ['draft reply', 'chain'],
  ['search docs', 'retrieval'], ['plan steps', 'agent'], ['route request', 'chain'], ['extract fields', 'llm'], ['review answer', 'evaluation'],
]
const TOPICS = ['billing', 'shipping', 'login', 'returns', 'warranty']
/** The rare word: in 1 trace of 25,000 (the common one, a topic, in 1 of 5). */
const RARE = 'chargeback'

function hash(n, salt) {
  let h = Math.imul(n ^ salt, 0x9e3779b1) ^ 0x85ebca6b
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39)
  return (h ^ (h >>> 15)) >>> 0
}
const hex = (n, salt) => hash(n, salt).toString(16).padStart(8, '0')

/** The spans of trace `t` (a root, an LLM or embedding call under it, a tool call under that), started at `startMs`. */
function makeTrace(t, startMs, prefix = 'b') {
  const traceId = `${prefix}${hex(t, 3)}${hex(t, 4)}${hex(t, 5)}`
  const spanId = (level) => `${prefix}${hex(t, 10 + level)}${hex(t, 20 + level)}`
  const latency = 20 + (hash(t, 7) % 4000)
  const [name, kind] = ROOTS[t % ROOTS.length]
  const failed = t % 50 === 0
  const question = `ticket ${t} about ${TOPICS[t % TOPICS.length]} for order ${t * 7}${t % 25_000 === 17 ? ` (${RARE} dispute)` : ''}`
  const embed = t % 4 === 3
  return [
    {
      id: spanId(0), traceId, parentId: null, name, kind, startMs, endMs: startMs + latency, status: 'ok', error: null,
      inputs: { question }, output: `answer for ${t}`, attributes: { 'user.id': `u${t % 100}`, 'customer.id': `c${t % 20_000}`, 'service.name': 'bench', env: t % 3 ? 'prod' : 'staging' },
    },
    {
      id: spanId(1), traceId, parentId: spanId(0), name: embed ? 'embed' : 'chat', kind: embed ? 'embedding' : 'llm', startMs: startMs + 2, endMs: startMs + latency - 5, status: 'ok', error: null,
      inputs: { messages: [{ role: 'user', content: question }] }, output: embed ? { dims: 1536 } : `reply ${t}`, attributes: { model: embed ? 'embed-x' : 'gpt-x' },
      usage: embed ? { 'embed-x': { inputTokens: 12 + (t % 9), outputTokens: 0 } } : { 'gpt-x': { inputTokens: 200 + (t % 50), outputTokens: 30 + (t % 20) } }, costUsd: embed ? 0.00001 : 0.0004,
    },
    {
      id: spanId(2), traceId, parentId: spanId(1), name: ['lookup', 'fetch order', 'search kb'][t % 3], kind: 'tool', startMs: startMs + 4, endMs: startMs + 4 + (latency >> 2),
      status: failed ? 'error' : 'ok', error: failed ? { message: 'tool failed: upstream 503', type: 'HTTPError' } : null, inputs: { order: t * 7 }, output: failed ? null : { found: true },
    },
  ]
}

const traceStart = (t) => (t >= TRACES - RECENT ? NOW - 45 * 60_000 + (t - (TRACES - RECENT)) * 60_000 : BULK_END - (TRACES - RECENT - t) * BULK_STEP)

// ── server and API ──────────────────────────────────────────────────────────

/** Sends SPANS spans in batches of 5,000 (three spans a trace); resolves with spans/s. */
function fill(send) {
  return sendTraces({ send, count: SPANS, batch: BATCH, spansPerTrace: 3, trace: (t) => makeTrace(t, traceStart(t)) })
}

/** Waits until every span is stored and the background text index has caught up (read from the database, read-only). */
async function waitForIndex() {
  const started = performance.now()
  const db = new Database(path.join(project, '.weft', 'traces.db'), { readonly: true, fileMustExist: true })
  try {
    for (;;) {
      const { spans } = db.prepare('SELECT COUNT(*) AS spans FROM spans').get()
      const { pending } = db.prepare('SELECT COUNT(*) AS pending FROM traces WHERE text_state > 0').get()
      if (spans >= SPANS && pending === 0) return performance.now() - started
      if (performance.now() - started > 180_000) throw new Error(`after 3 min: ${spans} spans stored, ${pending} traces not text-indexed`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  } finally {
    db.close()
  }
}

// ── in the page ─────────────────────────────────────────────────────────────

/** Click the Traces section → the first trace row present, timed inside the page (rAF polling, so the figure includes the paint). */
async function measureSectionOpen(page) {
  return page.evaluate(async () => {
    const button = document.querySelector('[data-testid="section-traces"]')
    const started = performance.now()
    button.click()
    await new Promise((resolve) => {
      const check = () => (document.querySelector('[data-testid="trace-list"] [role="option"]') ? resolve() : requestAnimationFrame(check))
      check()
    })
    await new Promise((resolve) => requestAnimationFrame(() => resolve()))
    const ms = performance.now() - started
    // Where the time went: the section's code (lazy chunks), then the first traces.list request.
    const after = performance.getEntriesByType('resource').filter((e) => e.startTime >= started - 1)
    const code = after.filter((e) => /\.(m?js|css)(\?|$)/.test(e.name))
    const list = after.filter((e) => e.name.includes('traces.list'))
    return {
      ms,
      codeMs: code.length ? Math.max(...code.map((e) => e.responseEnd)) - started : 0,
      listSentMs: list.length ? Math.min(...list.map((e) => e.startTime)) - started : NaN,
      listMs: list.length ? Math.min(...list.map((e) => e.responseEnd)) - started : NaN,
    }
  })
}

/**
 * Arms the page: the clock starts at the next `change` (selects) or Enter keydown (text boxes), in the capture
 * phase before the app sees it, and stops one frame after the list's rows differ from what they were.
 */
async function arm(page, trigger) {
  await page.evaluate((on) => {
    const signature = () => {
      const list = document.querySelector('[data-testid="trace-list"]')
      if (!list) return `empty:${document.querySelector('.trace-list-pane')?.textContent ?? ''}`
      const rows = [...list.querySelectorAll('[role="option"]')]
      return `${rows.length}|${rows.map((r) => r.textContent).join('\n')}`
    }
    const before = signature()
    window.__measure = new Promise((resolve, reject) => {
      let started = null
      const listener = (event) => {
        if (started !== null || (on === 'enter' && event.key !== 'Enter')) return
        started = performance.now()
        // When the rows change in the DOM (before the frame that paints them).
        let changedAt = NaN
        const observer = new MutationObserver(() => {
          if (Number.isNaN(changedAt) && signature() !== before) changedAt = performance.now()
        })
        observer.observe(document.body, { childList: true, subtree: true, characterData: true })
        const timeout = setTimeout(() => reject(new Error('the list did not change within 10 s')), 10_000)
        const check = () => {
          if (signature() === before) return requestAnimationFrame(check)
          requestAnimationFrame(() => {
            clearTimeout(timeout)
            observer.disconnect()
            const fetched = performance.getEntriesByType('resource').filter((e) => e.name.includes('traces.list') && e.startTime >= started - 1)
            const first = document.querySelector('[data-testid="trace-list"] [role="option"] .trace-name')
            resolve({ ms: performance.now() - started, domMs: changedAt - started, fetchMs: fetched.length ? Math.max(...fetched.map((e) => e.responseEnd)) - started : NaN, first: first?.textContent ?? null, rows: document.querySelectorAll('[data-testid="trace-list"] [role="option"]').length })
          })
        }
        check()
      }
      window.addEventListener(on === 'enter' ? 'keydown' : 'change', listener, { capture: true })
    })
    window.__measure.catch(() => {})
  }, trigger)
}

/** One filter change, timed: sets `value` in the filter bar control `label`. */
async function changeFilter(page, control, value) {
  const box = page.getByRole(control.role, { name: control.label, exact: true })
  await arm(page, control.role === 'combobox' ? 'change' : 'enter')
  if (control.role === 'combobox') await box.selectOption(value)
  else {
    await box.fill(value)
    await box.press('Enter')
  }
  return page.evaluate(() => window.__measure)
}

// ── figures ─────────────────────────────────────────────────────────────────

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
/** Least-squares slope of (minutes, MB) points. */
function slope(points) {
  const n = points.length
  if (n < 2) return NaN
  const mx = points.reduce((s, p) => s + p[0], 0) / n
  const my = points.reduce((s, p) => s + p[1], 0) / n
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0)
  return sxx ? points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / sxx : NaN
}
const line = (label, raw, unit, target, note, value = Math.abs(raw) < 5e-3 ? 0 : raw) =>
  `${label}: ${value.toFixed(unit === 'ms' || unit === 'nodes' ? 0 : 2)} ${unit}${target === undefined ? '' : ` (target ≤ ${target} ${unit}, ${(value / target).toFixed(2)}× ${value <= target ? 'ok' : 'OVER'})`}${note ? `  — ${note}` : ''}`
const figures = {}
function report(label, value, unit, target, note) {
  console.log(line(label, value, unit, target, note))
  figures[label] = { value, unit, ...(target === undefined ? {} : { target }) }
}

// ── the run ─────────────────────────────────────────────────────────────────

/** The filters, each with the `traces.list` request it should make (to check the rows shown). */
const FILTERS = [
  { label: 'status=error', control: { role: 'combobox', label: 'Status' }, value: 'error', clear: '', query: { status: 'error' } },
  { label: 'kind=llm', control: { role: 'combobox', label: 'Kind' }, value: 'llm', clear: '', query: { kind: 'llm' } },
  { label: 'time range last 1h', control: { role: 'combobox', label: 'Time range' }, value: '1h', clear: 'all', query: () => ({ fromMs: Date.now() - 3_600_000 }) },
  { label: `text, rare word "${RARE}"`, control: { role: 'textbox', label: 'Search text' }, value: RARE, clear: '', query: { text: RARE } },
  { label: `text, common word "${TOPICS[0]}"`, control: { role: 'textbox', label: 'Search text' }, value: TOPICS[0], clear: '', query: { text: TOPICS[0] } },
  { label: 'attribute user.id=u42', control: { role: 'textbox', label: 'Attributes' }, value: 'user.id=u42', clear: '', query: { attributes: { 'user.id': 'u42' } } },
  // A rare value: few matches anywhere, so the first page cannot stop early.
  { label: 'attribute customer.id=c17 (1 trace in 20,000)', control: { role: 'textbox', label: 'Attributes' }, value: 'customer.id=c17', clear: '', query: { attributes: { 'customer.id': 'c17' } } },
  { label: 'min latency 3500 ms', control: { role: 'textbox', label: 'Min latency (ms)' }, value: '3500', clear: '', query: { minLatencyMs: 3500 } },
  { label: 'sort by latency', control: { role: 'combobox', label: 'Sort by' }, value: 'latency', clear: 'start', query: { sort: 'latency' } },
]

let server
let browser
let sender = null
try {
  if (!fs.existsSync(path.join(root, 'out/renderer/index.html'))) throw new Error('build first: npm run build')
  execFileSync(process.execPath, [weftBin, 'init', project], { env, stdio: 'ignore' })
  server = await startWeftServe({ weftBin, project, cwd: root, env })
  const call = apiCaller(server)
  const send = ingestSender(server, { weftBin, project, env })
  const fillRate = await fill(send)
  const indexMs = await waitForIndex()
  const stats = await call('traces.list', { limit: 1 })
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, chromium headless (software paint); ${SPANS.toLocaleString('en')} spans in ${TRACES.toLocaleString('en')} traces sent at ${Math.round(fillRate).toLocaleString('en')} spans/s (built here as they go, on the server's cores: not an ingest figure)` +
      `, text index caught up ${(indexMs / 1000).toFixed(1)} s after the last batch; newest trace "${stats.traces[0]?.rootName}"`,
  )
  // Server-side cost of each query, from Node (no browser), and a check that every filter changes the first rows.
  const serverMs = {}
  const firstTimes = []
  let baseline
  for (let i = 0; i < 3; i++) {
    const started = performance.now()
    baseline = (await call('traces.list', { limit: 100, sort: 'start', order: 'desc' })).traces
    firstTimes.push(performance.now() - started)
  }
  serverMs.firstPage = median(firstTimes)
  for (const filter of FILTERS) {
    const query = { limit: 100, ...(typeof filter.query === 'function' ? filter.query() : filter.query) }
    const times = []
    let page
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      page = await call('traces.list', query)
      times.push(performance.now() - started)
    }
    serverMs[filter.label] = median(times)
    filter.expected = page.traces
    if (page.traces.length === 0) throw new Error(`${filter.label}: no trace matches`)
    if (page.traces.slice(0, 30).map((t) => t.traceId).join() === baseline.slice(0, 30).map((t) => t.traceId).join()) throw new Error(`${filter.label}: the first rows are the unfiltered ones; the change could not be seen`)
  }

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })

  // First page: a fresh context each run (no cache), then a second visit in the same page.
  const cold = []
  const warm = []
  const coldList = []
  const coldSent = []
  const coldCode = []
  let filterPage = null
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
    const first = await measureSectionOpen(page)
    cold.push(first.ms)
    coldList.push(first.listMs)
    coldSent.push(first.listSentMs)
    coldCode.push(first.codeMs)
    // Away (another section) and back.
    await page.locator('[data-testid^="section-"]:not([data-testid="section-traces"])').first().click()
    await page.waitForSelector('[data-testid="trace-list"]', { state: 'detached' })
    warm.push((await measureSectionOpen(page)).ms)
    if (run === RUNS - 1) filterPage = page
    else await context.close()
  }
  report(`trace list (${SPANS.toLocaleString('en')} spans): first page, click Traces → first row`, median(cold), 'ms', TARGETS.firstPageMs,
    `first visit in a fresh page: ${median(coldCode) ? `the section's code loaded after ${median(coldCode).toFixed(0)} ms, ` : ''}traces.list sent at ${median(coldSent).toFixed(0)} ms and answered at ${median(coldList).toFixed(0)} ms (server alone ${serverMs.firstPage.toFixed(1)} ms); second visit ${median(warm).toFixed(0)} ms; runs ${cold.map((v) => v.toFixed(0)).join(', ')}`)

  // Filters: each applied to the unfiltered list and cleared again, RUNS times.
  const page = filterPage
  await page.getByTestId('trace-list').locator('[role="option"]').first().waitFor()
  for (const filter of FILTERS) {
    const applied = []
    const cleared = []
    let shown
    for (let run = 0; run < RUNS; run++) {
      shown = await changeFilter(page, filter.control, filter.value)
      applied.push(shown)
      cleared.push(await changeFilter(page, filter.control, filter.clear))
    }
    const wrong = shown.first !== filter.expected[0].rootName ? `; WARNING: first row "${shown.first}", expected "${filter.expected[0].rootName}"` : ''
    report(`trace list (${SPANS.toLocaleString('en')} spans): filter ${filter.label}`, median(applied.map((r) => r.ms)), 'ms', TARGETS.filterMs,
      `traces.list answered after ${median(applied.map((r) => r.fetchMs)).toFixed(0)} ms (server alone ${serverMs[filter.label].toFixed(1)} ms), rows in the DOM after ${median(applied.map((r) => r.domMs)).toFixed(0)} ms; clearing it ${median(cleared.map((r) => r.ms)).toFixed(0)} ms; ${shown.rows} rows in the DOM; runs ${applied.map((r) => r.ms.toFixed(0)).join(', ')}${wrong}`)
  }
  await page.context().close()

  // Live tail: memory while spans stream in.
  if (LIVE) {
    if (LIVE_MINUTES < 10) console.log(`live tail for ${LIVE_MINUTES} min, not the issue's 10 (node bench/trace-list.mjs runs the full 10)`)
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const livePage = await context.newPage()
    let reloads = 0
    livePage.on('request', (r) => r.url().includes('traces.list') && reloads++)
    await livePage.goto(server.url)
    await livePage.waitForSelector('body[data-ready="true"]', { state: 'attached' })
    await livePage.getByTestId('section-traces').click()
    await livePage.getByTestId('trace-list').locator('[role="option"]').first().waitFor()
    if ((await livePage.getByRole('button', { name: 'Pause' }).count()) !== 1) throw new Error('the live tail is not on')
    const cdp = await context.newCDPSession(livePage)
    await cdp.send('Performance.enable')
    const sample = async (minutes) => {
      const raw = await livePage.evaluate(() => performance.memory.usedJSHeapSize)
      await cdp.send('HeapProfiler.collectGarbage')
      const gc = await livePage.evaluate(() => performance.memory.usedJSHeapSize)
      const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]))
      return { minutes, raw: raw / 1e6, gc: gc / 1e6, nodes: metrics.Nodes, listeners: metrics.JSEventListeners }
    }
    // The sender: LIVE_RATE spans/s as 3-span traces, a batch every 100 ms, stamped now (a late tick sends what is due).
    let sent = 0
    let sendErrors = 0
    let liveTrace = 0
    let inFlight = false
    const sendStarted = performance.now()
    sender = setInterval(() => {
      if (inFlight) return
      const due = Math.floor(((performance.now() - sendStarted) / 1000) * LIVE_RATE) - liveTrace * 3
      const batch = []
      while (batch.length < due) batch.push(...makeTrace(TRACES + liveTrace++, Date.now(), 'l'))
      if (batch.length === 0) return
      inFlight = true
      send(batch).then(
        () => (sent += batch.length),
        () => sendErrors++,
      ).finally(() => (inFlight = false))
    }, 100)
    const liveStarted = performance.now()
    const samples = [await sample(0)]
    const firstRow = async () => livePage.getByTestId('trace-list').locator('[role="option"] .trace-name').first().textContent()
    // Every 10 s (a short run: 6 samples at least, so its second half has a slope).
    const every = Math.min(10_000, (LIVE_MINUTES * 60_000) / 6)
    for (let i = 1; i <= Math.round((LIVE_MINUTES * 60_000) / every); i++) {
      await new Promise((resolve) => setTimeout(resolve, liveStarted + i * every - performance.now()))
      samples.push(await sample((performance.now() - liveStarted) / 60_000))
    }
    clearInterval(sender)
    sender = null
    const liveMinutes = (performance.now() - liveStarted) / 60_000
    const newest = await firstRow()
    const domNodes = await livePage.evaluate(() => document.getElementsByTagName('*').length)
    const end = samples[samples.length - 1]
    const secondHalf = samples.filter((s) => s.minutes >= liveMinutes / 2 - 1e-3)
    const label = `trace list live tail (${LIVE_RATE} spans/s, ${LIVE_MINUTES} min)`
    const mb = (v) => `${v.toFixed(1)} MB`
    console.log(
      `live tail: ${sent.toLocaleString('en')} spans sent in ${liveMinutes.toFixed(1)} min (${Math.round(sent / liveMinutes / 60)} spans/s${sendErrors ? `, ${sendErrors} failed batches` : ''}); the list reloaded ${reloads} times (${(reloads / liveMinutes / 60).toFixed(2)}/s), newest row "${newest}"`,
    )
    report(`${label}: JS heap slope over the second half, after GC`, slope(secondHalf.map((s) => [s.minutes, s.gc])), 'MB/min', TARGETS.heapSlopeMbPerMin,
      `as sampled (no GC) ${slope(secondHalf.map((s) => [s.minutes, s.raw])).toFixed(2)} MB/min; after GC: start ${mb(samples[0].gc)}, max ${mb(Math.max(...samples.map((s) => s.gc)))}, end ${mb(end.gc)}; as sampled: start ${mb(samples[0].raw)}, max ${mb(Math.max(...samples.map((s) => s.raw)))}, end ${mb(end.raw)}`)
    report(`${label}: JS heap at the end, after GC`, end.gc, 'MB', undefined, `start ${mb(samples[0].gc)}, max ${mb(Math.max(...samples.map((s) => s.gc)))}; samples every ${(every / 1000).toFixed(0)} s: ${samples.map((s) => s.gc.toFixed(1)).join(' ')}`)
    report(`${label}: DOM nodes at the end`, domNodes, 'nodes', undefined, `${end.nodes} per Chromium's counter (detached included; ${samples[0].nodes} at the start), ${end.listeners} event listeners (${samples[0].listeners} at the start)`)
    await context.close()
  }

  let all = {}
  try {
    all = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'))
  } catch {
    // First figures of this checkout.
  }
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, JSON.stringify({ ...all, ...figures }, null, 2))
} finally {
  if (sender) clearInterval(sender)
  await browser?.close()
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
}
