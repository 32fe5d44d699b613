#!/usr/bin/env node
/**
 * The Annotate section in Chromium on a 2,000-row dataset queue, each figure beside its target:
 *
 *   node bench/annotate-ui.mjs [--items=300] [--rows=2000] [--screenshot=DIR]
 *
 * - per item: from the keys of one label (a category number, Tab, y, Enter)
 *   to the next item painted (target median ≤ 50 ms, p95 ≤ 100 ms): an
 *   annotator labelling hundreds of items must never wait on the screen.
 *   The label is written to IndexedDB (the outbox) on the way.
 * - sync: from the last Enter to every label stored by the workbench
 *   (annotations.list counts them; target ≤ 2,000 ms): the outbox keeps up.
 * - memory: the page's JS heap after the run (target ≤ 150 MB), so a long
 *   session does not grow without bound.
 *
 * Keys are dispatched inside the page (KeyboardEvents on the focused element,
 * as the browser sends them), timed with requestAnimationFrame plus one frame
 * so the paint is included. Figures merge into bench/results/figures.json.
 */
/* global document, requestAnimationFrame, KeyboardEvent -- the page callbacks run in Chromium */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { apiCaller, startWeftServe } from './lib/weftServe.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const ITEMS = Number(args.get('items') ?? 300)
const ROWS = Number(args.get('rows') ?? 2000)
const SCREENSHOTS = args.get('screenshot') ?? null
const TARGETS = { perItemMedianMs: 50, perItemP95Ms: 100, syncMs: 2000, heapMb: 150 }
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info']
const RESULTS_FILE = path.join(root, 'bench', 'results', 'figures.json')
const weftBin = path.join(root, 'bin', 'weft.js')

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-annotate-ui-'))
const home = path.join(tmp, 'home')
const project = path.join(tmp, 'project')
const env = { ...process.env, WEFT_HOME: home, WEFT_PORT: '' }
const weft = (...argv) => execFileSync(process.execPath, [weftBin, ...argv], { cwd: tmp, env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] })

function save(object, fileName, text) {
  const file = path.join(tmp, fileName)
  fs.writeFileSync(file, text)
  weft('save', object, file, '--project', project)
}

function makeProject() {
  weft('init', project)
  const rows = Array.from({ length: ROWS }, (_, i) =>
    JSON.stringify({
      id: `r${String(i).padStart(5, '0')}`,
      ticket: `Order ${10_000 + i}: ${'the export crashes and the invoice is wrong, '.repeat(1 + (i % 8))}`,
      customer: { plan: i % 3 ? 'pro' : 'free', since: 2018 + (i % 7) },
      expected: { category: ['billing', 'bug', 'account'][i % 3], urgent: i % 5 === 0 },
    }),
  )
  save('dataset:tickets', 'tickets.jsonl', `${rows.join('\n')}\n`)
  save(
    'queue:review',
    'review.yaml',
    [
      'description: Category and urgency',
      'source: {dataset: tickets}',
      'fields:',
      '  - {name: category, type: categorical, options: [billing, bug, account, feature_request, other]}',
      '  - {name: urgent, type: binary}',
      '  - {name: note, type: text, required: false}',
      '',
    ].join('\n'),
  )
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}
const line = (label, value, unit, target) => `${label}: ${value.toFixed(value < 10 ? 1 : 0)} ${unit} (target ≤ ${target} ${unit}, ${(value / target).toFixed(2)}× ${value <= target ? 'ok' : 'OVER'})`

let server
let browser
try {
  if (!fs.existsSync(path.join(root, 'out/renderer/index.html'))) throw new Error('build first: npm run build')
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium`)
  makeProject()
  server = await startWeftServe({ weftBin, project, cwd: root, env })
  const call = apiCaller(server)
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  const page = await context.newPage()
  page.on('crash', () => console.error('the page crashed'))
  page.on('pageerror', (e) => console.error('pageerror', e.message))
  const origin = new URL(server.url).origin
  await page.goto(server.url)
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 })
  await page.goto(`${origin}/#/annotate/queue/review`)
  await page.getByTestId('annotator-dialog').waitFor()
  await page.keyboard.type('bench')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'annotation-view' && document.querySelector('.ann-item-id code'), null, { timeout: 30_000 })

  const result = await page.evaluate(async (items) => {
    const press = (key, init = {}) => document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }))
    const shown = () => document.querySelector('.ann-item-id code')?.textContent
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()))
    const times = []
    for (let n = 0; n < items; n++) {
      const before = shown()
      const started = performance.now()
      press(String((n % 5) + 1))
      press('Tab')
      press(n % 2 ? 'n' : 'y')
      press('Enter')
      const waitStarted = performance.now()
      while (shown() === before) {
        if (performance.now() - waitStarted > 10_000) throw new Error(`item ${n} (${before}) did not move on: ${document.querySelector('[data-testid="ann-message"]')?.textContent ?? ''} focus ${document.activeElement?.outerHTML.slice(0, 120)}`)
        await frame()
      }
      await frame()
      times.push(performance.now() - started)
    }
    const lastEnterMs = performance.now()
    return { times, lastEnterMs: lastEnterMs, heap: performance.memory?.usedJSHeapSize ?? null }
  }, ITEMS)
  const syncStarted = Date.now()
  let stored = 0
  while (Date.now() - syncStarted < 60_000) {
    stored = (await call('annotations.list', { queue: 'review', annotator: 'bench' })).annotations.length
    if (stored >= ITEMS) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const syncMs = Date.now() - syncStarted
  if (stored !== ITEMS) throw new Error(`${stored} of ${ITEMS} labels stored after 60 s`)
  if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, 'annotate-ui.png') })
  await context.close()

  const labels = {
    median: `annotate UI: one keyboard label → next item painted, median (${ROWS.toLocaleString('en')}-row queue, ${ITEMS} items)`,
    p95: `annotate UI: one keyboard label → next item painted, p95`,
    sync: `annotate UI: last label → all ${ITEMS} stored by the workbench`,
    heap: `annotate UI: page JS heap after ${ITEMS} labels`,
  }
  const median = quantile(result.times, 0.5)
  const p95 = quantile(result.times, 0.95)
  const heapMb = result.heap === null ? null : result.heap / 1e6
  console.log(
    [
      line(labels.median, median, 'ms', TARGETS.perItemMedianMs),
      line(labels.p95, p95, 'ms', TARGETS.perItemP95Ms),
      line(labels.sync, syncMs, 'ms', TARGETS.syncMs),
      heapMb === null ? `${labels.heap}: not available` : line(labels.heap, heapMb, 'MB', TARGETS.heapMb),
    ].join('\n'),
  )

  let figures = {}
  try {
    figures = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'))
  } catch {
    // First figures of this checkout.
  }
  figures[labels.median] = { value: median, unit: 'ms', target: TARGETS.perItemMedianMs }
  figures[labels.p95] = { value: p95, unit: 'ms', target: TARGETS.perItemP95Ms }
  figures[labels.sync] = { value: syncMs, unit: 'ms', target: TARGETS.syncMs }
  if (heapMb !== null) figures[labels.heap] = { value: heapMb, unit: 'MB', target: TARGETS.heapMb }
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(figures, null, 2))
  console.log(`written: ${path.relative(root, RESULTS_FILE)}`)
} finally {
  await browser?.close()
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
}
