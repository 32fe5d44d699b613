#!/usr/bin/env node
/**
 * The Evaluations section in Chromium on two 5,000-row runs, each figure beside its target:
 *
 *   node bench/evals-ui.mjs [--runs=5] [--rows=5000] [--screenshot=DIR]
 *
 * - run view: from navigating to `#/evaluations/run/<id>` to the first
 *   results-table rows painted (target ≤ 1,000 ms), both as a fresh page load
 *   (a new tab on the URL; static files in the browser cache, as on any visit
 *   after the first) and in-app (the hash changes in a loaded app, from the
 *   runs overview)
 * - comparison: from navigating to `#/evaluations/compare/<a>/<b>` to the
 *   scorecard and the first output rows painted (target ≤ 1,000 ms), fresh
 *   and in-app
 *
 * The project is made with the CLI: a prompt, the offline echo model (it
 * answers with the prompt, so each run takes seconds), a 5,000-row dataset
 * and an evaluation with a `contains` scorer; `weft eval run` runs it, the
 * prompt changes (a third of the rows regress, every output changes), and it
 * runs again. Times are taken inside the page (requestAnimationFrame polling,
 * one more frame after the rows appear, so the paint is included); each figure
 * is the median of --runs repetitions after one warm-up. Figures merge into
 * bench/results/figures.json (bench/report.ts's shape).
 */
/* global document, window, requestAnimationFrame, location -- the page callbacks run in Chromium */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { startWeftServe } from './lib/weftServe.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const RUNS = Number(args.get('runs') ?? 5)
const ROWS = Number(args.get('rows') ?? 5000)
const SCREENSHOTS = args.get('screenshot') ?? null
const TARGET_MS = 1000
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const RESULTS_FILE = path.join(root, 'bench', 'results', 'figures.json')
const weftBin = path.join(root, 'bin', 'weft.js')

const TEAMS = ['refund', 'shipping', 'login']
const PROMPT_V1 = 'Route this ticket. Teams: refund, shipping, login.\nTicket: {{ticket}}\n'
// v2 drops the refund team: the echoed output no longer names it, so the refund rows regress.
const PROMPT_V2 = 'Route this ticket. Teams: shipping, login.\nTicket: {{ticket}}\n'

/** What the page waits for, per view: the first rows of the results table; the scorecard and the first output rows. */
const RUN_READY = ['[data-testid="run-view"] [data-testid="result-row"]']
const COMPARE_READY = ['[data-testid="compare-view"] [data-testid="score-team"]', '[data-testid="outputs-list"] [role="listitem"]']

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-evals-ui-'))
const home = path.join(tmp, 'home')
const project = path.join(tmp, 'project')
const env = { ...process.env, WEFT_HOME: home, WEFT_PORT: '' }
const weft = (...argv) => execFileSync(process.execPath, [weftBin, ...argv], { cwd: tmp, env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] })

/** Writes `text` to a scratch file and saves it as a new version of `object`. */
function save(object, fileName, text) {
  const file = path.join(tmp, fileName)
  fs.writeFileSync(file, text)
  weft('save', object, file, '--project', project)
}

/** The project and its two runs (v1, then v2 of the prompt); returns their ids and how long each `eval run` took. */
function makeRuns() {
  weft('init', project)
  save('prompt:route', 'route.prompt', PROMPT_V1)
  save('model:echo', 'echo.yaml', 'provider: echo\nmodel: echo\nparameters: {}\n')
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const team = TEAMS[i % TEAMS.length]
    return JSON.stringify({ id: `r${String(i).padStart(5, '0')}`, ticket: `Order ${10_000 + i}: ${team === 'refund' ? 'I want my money back' : team === 'shipping' ? 'my parcel never arrived' : 'I forgot my password'}.`, expected: team })
  })
  save('dataset:tickets', 'tickets.jsonl', `${rows.join('\n')}\n`)
  save('evaluation:routing', 'routing.yaml', ['dataset: tickets', 'target: {prompt: route, model: echo}', 'concurrency: 32', 'scorers:', '  - {id: team, type: contains, params: {values: "{{expected}}"}}', ''].join('\n'))
  const run = () => {
    const started = performance.now()
    const report = JSON.parse(weft('eval', 'run', 'routing', '--project', project, '--format', 'json'))
    const { summary } = report.run
    if (summary.errors) throw new Error(`${summary.errors} of ${summary.rows} rows failed with an error`)
    return { id: report.run.id, ms: performance.now() - started, passRate: summary.overall?.passRate ?? null }
  }
  const a = run()
  save('prompt:route', 'route.prompt', PROMPT_V2)
  const b = run()
  return { a, b }
}

/** Opens `url` in a new tab; resolves with the ms from the navigation's start to every selector present plus one frame. */
async function measureFresh(context, url, selectors) {
  const page = await context.newPage()
  try {
    await page.addInitScript((wanted) => {
      const check = () => {
        if (wanted.every((s) => document.querySelector(s))) requestAnimationFrame(() => (window.__benchVisibleMs = performance.now()))
        else requestAnimationFrame(check)
      }
      requestAnimationFrame(check)
    }, selectors)
    await page.goto(url, { waitUntil: 'commit' })
    await page.waitForFunction(() => window.__benchVisibleMs !== undefined, null, { timeout: 30_000, polling: 50 })
    return { ms: await page.evaluate(() => window.__benchVisibleMs), page }
  } catch (error) {
    await page.close()
    throw error
  }
}

/** In a loaded app: goes to `from`, waits for it to settle, then sets the hash to `to` and times until the selectors are painted. */
async function measureInApp(page, from, to, selectors) {
  await page.evaluate((hash) => (location.hash = hash), from)
  await page.waitForSelector('[aria-label="Saved evaluations"]', { timeout: 30_000 })
  await page.waitForTimeout(200)
  return page.evaluate(
    async ({ hash, wanted }) => {
      const started = performance.now()
      location.hash = hash
      await new Promise((resolve) => {
        const check = () => (wanted.every((s) => document.querySelector(s)) ? resolve() : requestAnimationFrame(check))
        check()
      })
      await new Promise((resolve) => requestAnimationFrame(() => resolve()))
      const ms = performance.now() - started
      // How much of it was the server answering (evals.get, evals.compare, objects.get) rather than the page rendering.
      const calls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/call/') && e.startTime >= started - 1)
      const fetchMs = calls.length ? Math.max(...calls.map((e) => e.responseEnd)) - started : NaN
      return { ms, fetchMs, bytes: calls.reduce((n, e) => n + e.encodedBodySize, 0) }
    },
    { hash: to, wanted: selectors },
  )
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const line = (label, values, note) => {
  const value = median(values)
  return `${label}: ${value.toFixed(0)} ms (target ≤ ${TARGET_MS} ms, ${(value / TARGET_MS).toFixed(2)}× ${value <= TARGET_MS ? 'ok' : 'OVER'}; runs ${values.map((v) => v.toFixed(0)).join(', ')}${note ? `; ${note}` : ''})`
}

let server
let browser
try {
  if (!fs.existsSync(path.join(root, 'out/renderer/index.html'))) throw new Error('build first: npm run build')
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium`)
  const { a, b } = makeRuns()
  console.log(`two ${ROWS.toLocaleString('en')}-row runs with the echo model: ${(a.ms / 1000).toFixed(1)} s and ${(b.ms / 1000).toFixed(1)} s (pass rate ${a.passRate?.toFixed(3)} → ${b.passRate?.toFixed(3)})`)
  server = await startWeftServe({ weftBin, project, cwd: root, env })
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  const foreign = []
  context.on('request', (r) => {
    const url = new URL(r.url())
    if (/^https?:$/.test(url.protocol) && !['127.0.0.1', 'localhost'].includes(url.hostname)) foreign.push(r.url())
  })
  const origin = new URL(server.url).origin
  // The first visit trades the URL's token for a cookie; later tabs open plain URLs.
  const login = await context.newPage()
  await login.goto(server.url)
  await login.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 })
  await login.close()

  const runHash = (id) => `#/evaluations/run/${encodeURIComponent(id)}`
  const compareHash = `#/evaluations/compare/${encodeURIComponent(a.id)}/${encodeURIComponent(b.id)}`
  const fresh = { run: [], compare: [] }
  const inApp = { run: [], compare: [] }
  const detail = { runFetch: [], runBytes: [], compareFetch: [], compareBytes: [] }
  // One warm-up of each (not counted): the browser caches the app's files, the server warms its database.
  for (let i = 0; i <= RUNS; i++) {
    const runId = i % 2 ? b.id : a.id
    const run = await measureFresh(context, `${origin}/${runHash(runId)}`, RUN_READY)
    const rows = await run.page.locator('[data-testid="run-view"]').getAttribute('data-rows')
    if (Number(rows) !== ROWS) throw new Error(`the run view shows ${rows} rows, not ${ROWS}`)
    if (SCREENSHOTS && i === RUNS) await run.page.screenshot({ path: path.join(SCREENSHOTS, 'evals-ui-run.png') })
    await run.page.close()
    const compare = await measureFresh(context, `${origin}/${compareHash}`, COMPARE_READY)
    if (SCREENSHOTS && i === RUNS) await compare.page.screenshot({ path: path.join(SCREENSHOTS, 'evals-ui-compare.png') })
    // In-app, in the same tab: from the overview to a run, then from the overview to the comparison.
    const page = compare.page
    const runInApp = await measureInApp(page, '#/evaluations', runHash(runId), RUN_READY)
    const compareInApp = await measureInApp(page, '#/evaluations', compareHash, COMPARE_READY)
    await page.close()
    if (i === 0) continue
    fresh.run.push(run.ms)
    fresh.compare.push(compare.ms)
    inApp.run.push(runInApp.ms)
    inApp.compare.push(compareInApp.ms)
    detail.runFetch.push(runInApp.fetchMs)
    detail.runBytes.push(runInApp.bytes)
    detail.compareFetch.push(compareInApp.fetchMs)
    detail.compareBytes.push(compareInApp.bytes)
  }
  await context.close()

  const rows = ROWS.toLocaleString('en')
  const labels = {
    runFresh: `evals UI: ${rows}-row run, fresh load → first rows`,
    runInApp: `evals UI: ${rows}-row run, in-app → first rows`,
    compareFresh: `evals UI: two ${rows}-row runs compared, fresh load → scorecard + first outputs`,
    compareInApp: `evals UI: two ${rows}-row runs compared, in-app → scorecard + first outputs`,
  }
  const mb = (bytes) => `${(median(bytes) / 1e6).toFixed(1)} MB`
  console.log(
    [
      line(labels.runFresh, fresh.run),
      line(labels.runInApp, inApp.run, `API calls answered after ${median(detail.runFetch).toFixed(0)} ms (${mb(detail.runBytes)})`),
      line(labels.compareFresh, fresh.compare),
      line(labels.compareInApp, inApp.compare, `API calls answered after ${median(detail.compareFetch).toFixed(0)} ms (${mb(detail.compareBytes)})`),
    ].join('\n'),
  )
  if (foreign.length) console.log(`WARNING: requests left 127.0.0.1: ${[...new Set(foreign)].join(', ')}`)

  let figures = {}
  try {
    figures = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'))
  } catch {
    // First figures of this checkout.
  }
  figures[labels.runFresh] = { value: median(fresh.run), unit: 'ms', target: TARGET_MS }
  figures[labels.runInApp] = { value: median(inApp.run), unit: 'ms', target: TARGET_MS }
  figures[labels.compareFresh] = { value: median(fresh.compare), unit: 'ms', target: TARGET_MS }
  figures[labels.compareInApp] = { value: median(inApp.compare), unit: 'ms', target: TARGET_MS }
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(figures, null, 2))
  console.log(`written: ${path.relative(root, RESULTS_FILE)}`)
} finally {
  await browser?.close()
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
}
