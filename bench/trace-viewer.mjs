#!/usr/bin/env node
/**
 * The trace viewer in Chromium on a 10,000-span trace, each figure beside its target:
 *
 *   node bench/trace-viewer.mjs [--runs=3] [--spans=10000] [--harness] [--detail] [--screenshot=FILE]
 *
 * - open: click the trace in the list (role=option, by name) → the first span
 *   row (role=tree > role=treeitem) painted (target ≤ 500 ms)
 * - toggle+scroll: ~4 s of collapsing and expanding (keyboard on the focused
 *   tree: Home, Left, Right, Down, End), clicking rows and scrolling; share of
 *   frames (requestAnimationFrame deltas) over 16.7 ms + 1 ms of timer jitter
 *   (target ≤ 5%)
 *
 * The trace mixes width and depth: a 1,500-deep chain, and groups of tool,
 * LLM and retrieval calls, some with children, some failing. It is sent to a
 * fresh project through the ingest endpoint, as an app would send it.
 *
 * By default this measures what the app's Traces section renders. --harness
 * measures the SpanTree component (renderer/src/traces/tree) alone, on a
 * one-button page built here with Vite and served from the same origin, with
 * the trace from the same `traces.get` call. Headless Chromium without a GPU
 * paints in software, so the frame figures are an upper bound for a desktop
 * window. Figures merge into bench/results/figures.json (bench/report.ts's shape).
 */
/* global document, requestAnimationFrame, KeyboardEvent -- the page.evaluate callbacks run in Chromium */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { ingestSender, startWeftServe } from './lib/weftServe.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const RUNS = Number(args.get('runs') ?? 3)
const SPANS = Number(args.get('spans') ?? 10_000)
const HARNESS = args.has('harness')
const TARGETS = { openMs: 500, slowFramePct: 5 }
const FRAME_BUDGET = 16.7 + 1
const TRACE_NAME = `bench-trace-${SPANS}`
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const RESULTS_FILE = path.join(root, 'bench', 'results', 'figures.json')
const weftBin = path.join(root, 'bin', 'weft.js')

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-traces-'))
const home = path.join(tmp, 'home')
const project = path.join(tmp, 'project')
const env = { ...process.env, WEFT_HOME: home, WEFT_PORT: '' }

/** `count` spans of one trace in pre-order: a root, a deep chain, then wide groups (some nested, some failing). */
function makeTrace(count) {
  const T0 = Date.now() - 60_000
  const traceId = `bench${String(count).padStart(8, '0')}`
  const spans = []
  const add = (parentId, name, kind, start, duration, extra = {}) => {
    const id = `s${spans.length.toString(16).padStart(6, '0')}`
    const failed = spans.length % 97 === 13
    spans.push({
      id, traceId, parentId, name, kind, startMs: T0 + start, endMs: T0 + start + duration,
      status: failed ? 'error' : 'ok', error: failed ? { message: `upstream timeout after ${duration.toFixed(0)} ms`, type: 'TimeoutError' } : null,
      attributes: { 'bench.index': spans.length }, ...extra,
    })
    return id
  }
  const rootId = add(null, TRACE_NAME, 'agent', 0, 0)
  const chainLength = Math.min(1_500, Math.floor(count * 0.15))
  let parent = rootId
  for (let i = 0; i < chainLength && spans.length < count; i++) parent = add(parent, `recurse step ${i}`, i % 2 ? 'chain' : 'agent', i * 0.4, 40_000 - i * 10)
  let clock = 0
  for (let g = 0; spans.length < count; g++) {
    const group = spans.length
    add(rootId, `plan step ${g}`, 'chain', clock, 0)
    for (let c = 0; c < 24 && spans.length < count; c++) {
      const kind = ['llm', 'tool', 'retrieval'][c % 3]
      const llm = kind === 'llm' ? { usage: { 'gpt-x': { inputTokens: 200 + c, outputTokens: 40 + g } }, costUsd: 0.0004 } : {}
      const child = add(spans[group].id, `${kind} call ${g}.${c}`, kind, clock, 12 + (c % 7) * 9, llm)
      for (let k = 0; c % 6 === 0 && k < 4 && spans.length < count; k++) add(child, `${kind} sub-step ${g}.${c}.${k}`, 'tool', clock + k * 3, 3)
      clock += 6 + (c % 5) * 4
    }
    spans[group].endMs = T0 + clock
    clock += 10 + (g % 3) * 15
  }
  spans[0].endMs = T0 + Math.max(clock, 40_000) + 5
  return spans
}

/** Sends the trace through the ingest endpoint, then waits until the workbench lists it whole. */
async function ingest(server, spans) {
  await ingestSender(server, { weftBin, project, env })(spans)
  const web = new URL(server.url)
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${web.searchParams.get('token')}` }
  for (let tries = 0; tries < 100; tries++) {
    const reply = await (await fetch(new URL('/api/call/traces.list', web.origin), { method: 'POST', headers, body: JSON.stringify({ name: TRACE_NAME }) })).json()
    const trace = reply.ok && reply.result.traces.find((t) => t.rootName === TRACE_NAME)
    if (trace && trace.spanCount === spans.length) {
      // traces.get from Node (no browser): the server's share of opening the trace.
      const times = []
      for (let i = 0; i < 3; i++) {
        const started = performance.now()
        await (await fetch(new URL('/api/call/traces.get', web.origin), { method: 'POST', headers, body: JSON.stringify({ traceId: trace.traceId }) })).json()
        times.push(performance.now() - started)
      }
      return { ...trace, getMs: times.sort((a, b) => a - b)[1] }
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the trace never showed ${spans.length} spans`)
}

/** The SpanTree alone on a page: one option per trace; clicking it loads the trace with `traces.get`. */
async function buildHarness(dir) {
  const { build } = await import('vite')
  const react = (await import('@vitejs/plugin-react')).default
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><body><div id="root"></div><script type="module" src="./main.tsx"></script></body></html>')
  const source = (file) => JSON.stringify(path.join(root, 'renderer', 'src', file))
  fs.writeFileSync(
    path.join(dir, 'main.tsx'),
    `import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import ${source('styles/base.css')}
import { SpanTree } from ${source('traces/tree/SpanTree')}
const call = (name, request) => fetch('/api/call/' + name, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) }).then((r) => r.json()).then((r) => r.result)
function Harness() {
  const [traces, setTraces] = useState([])
  const [open, setOpen] = useState(null)
  const [selectedId, setSelectedId] = useState(null)
  useEffect(() => void call('traces.list', {}).then((r) => setTraces(r.traces)), [])
  return (
    <div style={{ height: '100vh', display: 'grid', gridTemplateColumns: '260px 1fr' }}>
      <div role="listbox" aria-label="Traces">
        {traces.map((t) => <button key={t.traceId} role="option" aria-selected={open?.trace.traceId === t.traceId} onClick={() => call('traces.get', { traceId: t.traceId }).then(setOpen)}>{t.rootName}</button>)}
      </div>
      <div style={{ minHeight: 0 }}>{open && <SpanTree trace={open.trace} spans={open.spans} selectedId={selectedId} onSelect={setSelectedId} />}</div>
    </div>
  )
}
createRoot(document.getElementById('root')).render(<Harness />)
document.body.dataset.ready = 'true'
`,
  )
  await build({ root: dir, base: './', configFile: false, logLevel: 'warn', plugins: [react()], build: { outDir: path.join(dir, 'dist'), emptyOutDir: true } })
  return path.join(dir, 'dist')
}

/** Click → first treeitem present, timed inside the page (rAF polling, so the figure includes the paint). */
async function measureOpen(page) {
  return page.evaluate(async (name) => {
    const option = [...document.querySelectorAll('[role="option"]')].find((o) => o.textContent.includes(name))
    const started = performance.now()
    let last = started
    let worst = 0
    option.click()
    await new Promise((resolve) => {
      const check = (now) => {
        if (now) worst = Math.max(worst, now - last)
        last = now ?? last
        return document.querySelector('[role="tree"] [role="treeitem"]') ? resolve() : requestAnimationFrame(check)
      }
      check()
    })
    await new Promise((resolve) => requestAnimationFrame(() => resolve()))
    const ms = performance.now() - started
    // Frames in the half second after: a long task here would delay the first keypress.
    const after = performance.now()
    let prev = after
    let worstAfter = 0
    await new Promise((resolve) => {
      const step = (now) => {
        worstAfter = Math.max(worstAfter, now - prev)
        prev = now
        return now - after < 500 ? requestAnimationFrame(step) : resolve()
      }
      requestAnimationFrame(step)
    })
    // The share spent fetching the trace (server and transfer), as opposed to rendering it.
    const fetched = performance.getEntriesByType('resource').filter((e) => e.name.includes('traces.get') && e.startTime >= started - 1)
    const fetchMs = fetched.length ? Math.max(...fetched.map((e) => e.responseEnd)) - started : NaN
    return { ms, worst, worstAfter, fetchMs, bytes: fetched.reduce((n, e) => n + e.encodedBodySize, 0), rows: document.querySelectorAll('[role="tree"] [role="treeitem"]').length }
  }, TRACE_NAME)
}

/** Collapses, expands, moves, clicks and scrolls for `ms`, returning every frame's duration. */
async function measureInteraction(page, ms) {
  return page.evaluate(async (duration) => {
    const tree = document.querySelector('[role="tree"]')
    tree.focus()
    const key = (k) => tree.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }))
    // One action per frame: the root collapses (10,000 rows → 1) and expands, inner nodes too, between scrolls.
    const plan = ['Home', 'ArrowLeft', 'ArrowRight', 'ArrowDown', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'scroll', 'scroll', 'click', 'scroll', 'End', 'ArrowLeft', 'ArrowLeft', 'ArrowRight', 'scroll', 'jump', 'scroll']
    const deltas = []
    // Which action preceded each slow frame, to tell what to optimise.
    const slowAfter = {}
    const started = performance.now()
    let last = started
    let frame = 0
    let maxRows = 0
    await new Promise((resolve) => {
      const step = (now) => {
        if (frame > 0) deltas.push(now - last)
        if (frame > 0 && now - last > 17.7) slowAfter[plan[(frame - 1) % plan.length]] = (slowAfter[plan[(frame - 1) % plan.length]] ?? 0) + 1
        last = now
        const action = plan[frame % plan.length]
        if (action === 'scroll') tree.scrollTop += 200
        else if (action === 'jump') tree.scrollTop = Math.random() * (tree.scrollHeight - tree.clientHeight)
        else if (action === 'click') tree.querySelectorAll('[role="treeitem"]')[3]?.click()
        else key(action)
        frame++
        if (frame % 30 === 0) maxRows = Math.max(maxRows, tree.querySelectorAll('[role="treeitem"]').length)
        if (now - started < duration) requestAnimationFrame(step)
        else resolve()
      }
      requestAnimationFrame(step)
    })
    return { deltas, maxRows, actions: frame, slowAfter }
  }, ms)
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const line = (label, value, unit, target, note) => `${label}: ${value.toFixed(unit === '%' ? 1 : 0)} ${unit} (target ≤ ${target} ${unit}, ${(value / target).toFixed(2)}× ${value <= target ? 'ok' : 'OVER'}${note ? `; ${note}` : ''})`

let server
let browser
let harnessRoot = null
try {
  if (!fs.existsSync(path.join(root, 'out/renderer/index.html'))) throw new Error('build first: npm run build')
  execFileSync(process.execPath, [weftBin, 'init', project], { env, stdio: 'ignore' })
  server = await startWeftServe({ weftBin, project, cwd: root, env })
  const spans = makeTrace(SPANS)
  const summary = await ingest(server, spans)
  if (HARNESS) {
    // Inside the checkout, so the page's imports (react) resolve from its node_modules.
    fs.mkdirSync(path.join(root, 'node_modules', '.cache'), { recursive: true })
    harnessRoot = fs.mkdtempSync(path.join(root, 'node_modules', '.cache', 'weft-trace-harness-'))
  }
  const harnessDir = harnessRoot ? await buildHarness(harnessRoot) : null
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const opens = []
  const slowShares = []
  const p95s = []
  const worsts = []
  const afterOpen = []
  const fetches = []
  let bytes = 0
  let domRows = 0
  for (let run = 0; run < RUNS; run++) {
    // A fresh context each run: no warm cache, no IndexedDB from the last run.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
    if (harnessDir) {
      // Same origin as the API (the login cookie applies); files come from the harness build.
      const origin = new URL(server.url).origin
      await page.route(`${origin}/__trace-harness/**`, (route) => route.fulfill({ path: path.join(harnessDir, new URL(route.request().url()).pathname.replace('/__trace-harness/', '')) }))
      await page.goto(`${origin}/__trace-harness/index.html`)
    } else {
      await page.getByTestId('section-traces').click()
    }
    await page.getByRole('option').filter({ hasText: TRACE_NAME }).first().waitFor()
    const open = await measureOpen(page)
    if (args.has('screenshot') && run === 0) {
      // A look at the viewer in use (this run's frame figures then start from this state): the deep chain collapsed, a search.
      await page.getByRole('tree').focus()
      for (const key of ['Home', 'ArrowDown', 'ArrowLeft', '/']) await page.keyboard.press(key)
      await page.keyboard.type('llm call 3.')
      await page.keyboard.press('Enter')
      await page.screenshot({ path: args.get('screenshot') })
    }
    opens.push(open.ms)
    afterOpen.push(Math.max(open.worst, open.worstAfter))
    fetches.push(open.fetchMs)
    bytes = open.bytes
    const { deltas, maxRows, slowAfter } = await measureInteraction(page, 4000)
    if (args.has('detail')) console.log(`run ${run + 1}: slow frames after ${JSON.stringify(slowAfter)} of ${deltas.length} frames`)
    domRows = Math.max(domRows, maxRows, open.rows)
    slowShares.push((100 * deltas.filter((d) => d > FRAME_BUDGET).length) / deltas.length)
    p95s.push([...deltas].sort((a, b) => a - b)[Math.floor(deltas.length * 0.95)])
    worsts.push(Math.max(...deltas))
    await context.close()
  }
  const what = HARNESS ? 'SpanTree harness' : 'Traces section'
  const openLabel = `trace viewer (${what}): open a ${SPANS.toLocaleString('en')}-span trace to first row`
  const frameLabel = `trace viewer (${what}): collapse/expand/scroll frames over 16.7 ms`
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, chromium headless (software paint), median of ${RUNS}; trace ${summary.spanCount} spans, ${summary.errorCount} errors; traces.get from Node ${summary.getMs.toFixed(0)} ms\n` +
      [
        line(openLabel, median(opens), 'ms', TARGETS.openMs, `traces.get answered after ${median(fetches).toFixed(0)} ms (${(bytes / 1e6).toFixed(1)} MB); longest frame while opening or in the 500 ms after ${median(afterOpen).toFixed(0)} ms; runs ${opens.map((v) => v.toFixed(0)).join(', ')}`),
        line(frameLabel, median(slowShares), '%', TARGETS.slowFramePct, `p95 frame ${median(p95s).toFixed(1)} ms, worst ${median(worsts).toFixed(0)} ms, at most ${domRows} rows in the DOM; runs ${slowShares.map((v) => v.toFixed(1)).join(', ')}`),
      ].join('\n'),
  )
  let figures = {}
  try {
    figures = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'))
  } catch {
    // First figures of this checkout.
  }
  figures[openLabel] = { value: median(opens), unit: 'ms', target: TARGETS.openMs }
  figures[frameLabel] = { value: median(slowShares), unit: '%', target: TARGETS.slowFramePct }
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(figures, null, 2))
} finally {
  await browser?.close()
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
  if (harnessRoot) fs.rmSync(harnessRoot, { recursive: true, force: true })
}
