#!/usr/bin/env node
/**
 * `npm run bench`: renderer bundle sizes and web mode's time to first
 * interactive screen, each beside its target. Writes bench/results/latest.json.
 *
 *   node bench/run.mjs [--runs=5] [--no-build]
 *
 * Bundle sizes are read from out/renderer: the initial JS is index.html's entry
 * script(s) and modulepreloads plus everything they import statically; the
 * Monaco chunks are the lazily loaded chunks that contain Monaco. Sizes are
 * gzip at zlib's default level (what a typical server sends).
 *
 * First interactive: a fresh `weft serve` process per run on a prepared
 * project, a fresh browser context (empty cache and IndexedDB) per run; the
 * clock starts just before the server process is spawned and stops when the
 * page has body[data-ready=true].
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { init as initLexer, parse as parseImports } from 'es-module-lexer'
import { chromium } from 'playwright-core'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const rendererDir = path.join(root, 'out', 'renderer')
const resultsFile = path.join(root, 'bench', 'results', 'latest.json')
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Targets; sizes in bytes (1 kB = 1000 B), times in ms. */
const TARGETS = {
  initialJsGzip: 600_000,
  monacoGzip: 1_000_000,
  totalRendererBytes: 10_000_000,
  firstInteractiveMs: 1_500,
}

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const RUNS = Number(args.get('runs') ?? 5)

// Sources whose change makes out/ stale.
const SOURCES = ['renderer', 'common', 'main', 'preload', 'resources', 'sdk', 'electron.vite.config.ts', 'package-lock.json', 'tsconfig.json']

function newestMtime(entry) {
  let stat
  try {
    stat = fs.statSync(entry)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const child of fs.readdirSync(entry)) {
    if (child === 'node_modules') continue
    newest = Math.max(newest, newestMtime(path.join(entry, child)))
  }
  return newest
}

/** Builds when an output is missing or older than any source. */
function ensureBuild() {
  const outputs = ['out/main/cli.js', 'out/main/cli.cjs', 'out/renderer/index.html', 'out/sdk/index.js'].map((f) => path.join(root, f))
  const missing = outputs.some((f) => !fs.existsSync(f))
  const built = missing ? 0 : Math.min(...outputs.map((f) => fs.statSync(f).mtimeMs))
  const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))))
  if (args.get('build') === 'false' || args.has('no-build')) {
    if (missing) throw new Error('out/ is missing and --no-build was given')
    return 'skipped (--no-build)'
  }
  if (!missing && built >= sources) return 'up to date'
  console.log(missing ? 'out/ is missing: building…' : 'out/ is older than the sources: building…')
  const started = performance.now()
  // The whole build: the app and the SDK bundle (out/sdk) the trace benchmarks import.
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  return `rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s`
}

// ── bundle sizes ────────────────────────────────────────────────────────────

const gzipCache = new Map()
function gzipSize(file) {
  if (!gzipCache.has(file)) gzipCache.set(file, zlib.gzipSync(fs.readFileSync(file)).length)
  return gzipCache.get(file)
}
const rawSize = (file) => fs.statSync(file).size
const rel = (file) => path.relative(rendererDir, file).split(path.sep).join('/')

function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
}

/** A URL in index.html or an import specifier, as a file in out/renderer (null for bare or remote ones). */
function resolveAsset(spec, fromFile) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec) || spec.startsWith('//')) return null
  const clean = spec.split(/[?#]/)[0]
  if (clean.startsWith('/')) return path.join(rendererDir, clean)
  if (clean.startsWith('./') || clean.startsWith('../')) return path.resolve(path.dirname(fromFile), clean)
  return null
}

function htmlAttr(tag, name) {
  return new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1]
}

/** Entry scripts, modulepreloads and stylesheets named by index.html. */
function readIndexHtml() {
  const indexFile = path.join(rendererDir, 'index.html')
  const html = fs.readFileSync(indexFile, 'utf8')
  const scripts = []
  const styles = []
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = htmlAttr(tag, 'src')
    if (src && /type\s*=\s*["']module["']/i.test(tag)) scripts.push(resolveAsset(src, indexFile))
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const relAttr = htmlAttr(tag, 'rel')
    const href = htmlAttr(tag, 'href')
    if (!href) continue
    if (relAttr === 'modulepreload') scripts.push(resolveAsset(href, indexFile))
    if (relAttr === 'stylesheet') styles.push(resolveAsset(href, indexFile))
  }
  return { scripts: scripts.filter(Boolean), styles: styles.filter(Boolean) }
}

const importCache = new Map()
/** Static and dynamic imports of one JS file, resolved to files. */
function importsOf(file) {
  if (importCache.has(file)) return importCache.get(file)
  const source = fs.readFileSync(file, 'utf8')
  const [imports] = parseImports(source)
  const result = { static: [], dynamic: [] }
  for (const entry of imports) {
    // d: -1 static import/export-from, -2 import.meta, ≥0 dynamic import().
    if (entry.d === -2 || entry.n === undefined) continue
    const target = resolveAsset(entry.n, file)
    if (!target || !fs.existsSync(target) || !/\.m?js$/.test(target)) continue
    ;(entry.d === -1 ? result.static : result.dynamic).push(target)
  }
  importCache.set(file, result)
  return result
}

/** Every file reachable from `starts` through static imports. */
function staticClosure(starts) {
  const seen = new Set()
  const queue = [...starts]
  while (queue.length) {
    const file = queue.shift()
    if (seen.has(file)) continue
    seen.add(file)
    queue.push(...importsOf(file).static)
  }
  return seen
}

// Strings only Monaco's editor core contains (checked against monaco-editor 0.57 builds).
const MONACO_MARKERS = ['MonacoEnvironment', 'monaco-editor', 'vs/editor/']
const isWorker = (file) => /worker/i.test(path.basename(file))
const looksLikeMonaco = (file) => /monaco|editor\.api|editor\.main/i.test(path.basename(file)) || MONACO_MARKERS.some((m) => fs.readFileSync(file, 'utf8').includes(m))

const sum = (files, size) => [...files].reduce((total, file) => total + size(file), 0)

function measureBundle() {
  const { scripts, styles } = readIndexHtml()
  if (scripts.length === 0) throw new Error('out/renderer/index.html names no module script')
  const initial = staticClosure(scripts)

  // Lazy chunks: every dynamic import target reachable from the app, with its own static imports.
  const lazyRoots = new Set()
  const visited = new Set()
  const queue = [...initial]
  while (queue.length) {
    const file = queue.shift()
    if (visited.has(file)) continue
    visited.add(file)
    for (const target of importsOf(file).dynamic) {
      lazyRoots.add(target)
      queue.push(target)
    }
    queue.push(...importsOf(file).static)
  }
  const allFiles = listFiles(rendererDir)
  const jsFiles = allFiles.filter((f) => /\.m?js$/.test(f))
  // The Monaco chunks: lazily loaded (not initial), not workers, containing Monaco.
  const monaco = new Set(jsFiles.filter((f) => !initial.has(f) && !isWorker(f) && looksLikeMonaco(f)))
  // Plus what they import statically that the initial load did not already fetch.
  for (const file of staticClosure([...monaco])) if (!initial.has(file)) monaco.add(file)
  const monacoCss = allFiles.filter((f) => f.endsWith('.css') && !styles.includes(f) && fs.readFileSync(f, 'utf8').includes('.monaco-editor'))
  const workers = jsFiles.filter(isWorker)

  const describe = (files, withGzip = true) =>
    [...files].sort().map((f) => ({ file: rel(f), bytes: rawSize(f), ...(withGzip ? { gzip: gzipSize(f) } : {}) }))

  return {
    initialJs: { files: describe(initial), bytes: sum(initial, rawSize), gzip: sum(initial, gzipSize) },
    initialCss: { files: describe(styles), bytes: sum(styles, rawSize), gzip: sum(styles, gzipSize) },
    monaco: { files: describe(monaco), bytes: sum(monaco, rawSize), gzip: sum(monaco, gzipSize) },
    monacoCss: { files: describe(monacoCss), bytes: sum(monacoCss, rawSize), gzip: sum(monacoCss, gzipSize) },
    workers: { files: describe(workers), bytes: sum(workers, rawSize), gzip: sum(workers, gzipSize) },
    lazyChunks: [...lazyRoots].map(rel).sort(),
    total: {
      files: allFiles.length,
      bytes: sum(allFiles, rawSize),
      gzip: sum(allFiles.filter((f) => /\.(m?js|css|html|json|svg|ttf)$/.test(f)), gzipSize),
    },
  }
}

// ── first interactive ───────────────────────────────────────────────────────

/** Spawns `weft serve` and resolves with the login URL once it is printed. */
function startServer(projectArgs, weftHome) {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'weft.js'), 'serve', '--port', '0', ...projectArgs], {
    cwd: root,
    env: { ...process.env, WEFT_HOME: weftHome, WEFT_PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr.on('data', (c) => (output += c))
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weft serve printed no URL in 20 s:\n${output}`)), 20_000)
    child.stdout.on('data', (c) => {
      output += c
      const match = /Weft is running at (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`weft serve exited with ${code}:\n${output}`))
    })
  })
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
      child.once('exit', () => {
        clearTimeout(killer)
        resolve()
      })
      child.kill('SIGTERM')
    })
  url.catch(() => {})
  return { url, stop }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function measureFirstInteractive(runs) {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium`)
  const weftHome = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-'))
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  try {
    // Warm-up (not measured): creates the sample project and warms the disk cache.
    const warm = startServer([], weftHome)
    await warm.url
    await warm.stop()
    const projectDir = path.join(weftHome, 'Sample Project')

    const results = []
    const foreign = []
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      context.on('request', (r) => {
        const host = new URL(r.url()).hostname
        if (/^https?:$/.test(new URL(r.url()).protocol) && !['127.0.0.1', 'localhost'].includes(host)) foreign.push(r.url())
      })
      const page = await context.newPage()
      const started = performance.now()
      const server = startServer(['--project', projectDir], weftHome)
      try {
        const url = await server.url
        const urlAt = performance.now()
        await page.goto(url, { waitUntil: 'commit' })
        await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 })
        const readyAt = performance.now()
        results.push({ totalMs: Math.round(readyAt - started), serverMs: Math.round(urlAt - started), pageMs: Math.round(readyAt - urlAt) })
      } finally {
        await context.close()
        await server.stop()
      }
    }
    return { runs: results, medianMs: median(results.map((r) => r.totalMs)), browserVersion: browser.version(), foreignRequests: foreign }
  } finally {
    await browser.close()
    fs.rmSync(weftHome, { recursive: true, force: true })
  }
}

// ── report ──────────────────────────────────────────────────────────────────

const kB = (bytes) => `${Math.round(bytes / 1000)} kB`
const MB = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`
const ratio = (value, target) => `${(value / target).toFixed(2)}×`
const verdict = (value, target) => (value <= target ? 'ok' : 'OVER TARGET')

const buildState = ensureBuild()
await initLexer
const bundle = measureBundle()
const interactive = await measureFirstInteractive(RUNS)

const lines = [
  `build: ${buildState}`,
  `initial JS gzip: ${kB(bundle.initialJs.gzip)} (target ≤ ${kB(TARGETS.initialJsGzip)}, ${ratio(bundle.initialJs.gzip, TARGETS.initialJsGzip)}) ${verdict(bundle.initialJs.gzip, TARGETS.initialJsGzip)}` +
    `  — ${bundle.initialJs.files.length} file(s), ${kB(bundle.initialJs.bytes)} raw: ${bundle.initialJs.files.map((f) => f.file).join(', ')}`,
  `initial CSS gzip: ${kB(bundle.initialCss.gzip)} (${kB(bundle.initialCss.bytes)} raw)`,
  `Monaco chunk(s) gzip: ${kB(bundle.monaco.gzip)} (target ≤ ${kB(TARGETS.monacoGzip)}, ${ratio(bundle.monaco.gzip, TARGETS.monacoGzip)}) ${verdict(bundle.monaco.gzip, TARGETS.monacoGzip)}` +
    `  — ${kB(bundle.monaco.bytes)} raw: ${bundle.monaco.files.map((f) => f.file).join(', ') || '(none found)'}`,
  `Monaco CSS gzip: ${kB(bundle.monacoCss.gzip)}; workers: ${bundle.workers.files.map((f) => `${f.file} ${kB(f.gzip)} gzip`).join(', ') || '(none)'}`,
  `total renderer: ${MB(bundle.total.bytes)} on disk, ${bundle.total.files} files, ${MB(bundle.total.gzip)} gzip (target ≤ ${MB(TARGETS.totalRendererBytes)} on disk, ${ratio(bundle.total.bytes, TARGETS.totalRendererBytes)}) ${verdict(bundle.total.bytes, TARGETS.totalRendererBytes)}`,
  `first interactive: ${Math.round(interactive.medianMs)} ms median (target ≤ ${TARGETS.firstInteractiveMs} ms, ${ratio(interactive.medianMs, TARGETS.firstInteractiveMs)}) ${verdict(interactive.medianMs, TARGETS.firstInteractiveMs)}` +
    `  — runs: ${interactive.runs.map((r) => r.totalMs).join(', ')} ms (server up: ${interactive.runs.map((r) => r.serverMs).join(', ')}; page: ${interactive.runs.map((r) => r.pageMs).join(', ')})`,
]
if (interactive.foreignRequests.length) lines.push(`WARNING: requests left 127.0.0.1: ${[...new Set(interactive.foreignRequests)].join(', ')}`)
console.log(lines.join('\n'))

let commit = null
try {
  commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
} catch {
  // Not a git checkout.
}
fs.mkdirSync(path.dirname(resultsFile), { recursive: true })
fs.writeFileSync(
  resultsFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      commit,
      node: process.version,
      chromium: interactive.browserVersion,
      cpus: os.cpus().length,
      targets: TARGETS,
      bundle,
      firstInteractive: { medianMs: interactive.medianMs, runs: interactive.runs, foreignRequests: interactive.foreignRequests },
    },
    null,
    2,
  )}\n`,
)
console.log(`written: ${path.relative(root, resultsFile)}`)

// ── object store and datasets (vitest project 'bench': TypeScript modules, run in-process) ──
if (!args.has('no-store')) {
  console.log('\nobject store (10,000-commit history; this takes about a minute):')
  const code = await new Promise((resolve) => {
    const child = spawn(path.join(root, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'bench', '--reporter=dot', '--silent=false'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    // Only the figure lines: vitest's own progress output is noise here.
    let pending = ''
    child.stdout.on('data', (chunk) => {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()
      for (const line of lines) if (/^[a-z][^:]*: .*\d/.test(line) && !/^\s*(Test|Duration|Start)/.test(line)) console.log(line)
    })
    child.on('exit', (c) => resolve(c ?? 1))
  })
  if (code !== 0) {
    console.log('store benchmark failed (see above)')
    process.exitCode = 1
  }
  console.log('\ndatasets (import and row diff at 100,000 rows):')
  const datasets = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bench', 'store-diff-import.mjs')], { cwd: root, stdio: 'inherit' })
    child.on('exit', (c) => resolve(c ?? 1))
  })
  if (datasets !== 0) process.exitCode = 1
  console.log('\ndataset grid in Chromium (100,000 rows):')
  const grid = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bench', 'dataset-grid.mjs')], { cwd: root, stdio: 'inherit' })
    child.on('exit', (c) => resolve(c ?? 1))
  })
  if (grid !== 0) process.exitCode = 1
  console.log('\ntrace viewer in Chromium (10,000 spans):')
  const traceViewer = await new Promise((resolve) => spawn(process.execPath, [path.join(root, 'bench', 'trace-viewer.mjs')], { cwd: root, stdio: 'inherit' }).on('exit', (c) => resolve(c ?? 1)))
  if (traceViewer !== 0) process.exitCode = 1
  // The issue asks for 10 minutes of live tail; the whole bench runs a shorter one (WEFT_BENCH_LIVE_MINUTES=10 for the full length).
  const liveMinutes = process.env.WEFT_BENCH_LIVE_MINUTES ?? '2'
  console.log(`\ntrace list in Chromium (1,000,000 spans; live tail ${liveMinutes} min):`)
  const traceList = await new Promise((resolve) => spawn(process.execPath, [path.join(root, 'bench', 'trace-list.mjs'), `--live-minutes=${liveMinutes}`], { cwd: root, stdio: 'inherit' }).on('exit', (c) => resolve(c ?? 1)))
  if (traceList !== 0) process.exitCode = 1
  console.log('\nSDK overhead per span (Weft vs OpenTelemetry vs Weave, 300,000 spans):')
  const sdkOverhead = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bench', 'sdk-overhead.mjs')], { cwd: root, stdio: 'inherit' })
    child.on('exit', (c) => resolve(c ?? 1))
  })
  if (sdkOverhead !== 0) process.exitCode = 1
  // Targets missed are reported in its output; a non-zero exit means Weft could not run the evaluation.
  console.log('\nevaluation, Weft vs promptfoo (5,000 rows, fake model 50 ms, concurrency 32; 1,000 cached rows):')
  const evalVsPromptfoo = await new Promise((resolve) => spawn(process.execPath, [path.join(root, 'bench', 'eval-vs-promptfoo.mjs'), ...(args.has('no-build') ? ['--no-build'] : [])], { cwd: root, stdio: 'inherit' }).on('exit', (c) => resolve(c ?? 1)))
  if (evalVsPromptfoo !== 0) process.exitCode = 1
  console.log('\nEvaluations section in Chromium (two 5,000-row runs: results table and comparison):')
  const evalsUi = await new Promise((resolve) => spawn(process.execPath, [path.join(root, 'bench', 'evals-ui.mjs')], { cwd: root, stdio: 'inherit' }).on('exit', (c) => resolve(c ?? 1)))
  if (evalsUi !== 0) process.exitCode = 1
  // Ingest with the metric rollups ran above with the other vitest benchmarks (bench/monitor-ingest.bench.test.ts).
  console.log('\nMonitor dashboard over 1,000,000 spans (monitor.query, the dashboard in Chromium):')
  const monitor = await new Promise((resolve) => spawn(process.execPath, [path.join(root, 'bench', 'monitor-dashboard.mjs'), '--no-ingest'], { cwd: root, stdio: 'inherit' }).on('exit', (c) => resolve(c ?? 1)))
  if (monitor !== 0) process.exitCode = 1
  console.log('\nonline evaluation: ingest with and without a rule scoring every span (90,000 spans, 3 runs each):')
  const onlineIngest = await new Promise((resolve) => spawn(process.execPath, [path.join(root, 'bench', 'online-ingest.mjs'), '--spans=90000'], { cwd: root, stdio: 'inherit' }).on('exit', (c) => resolve(c ?? 1)))
  if (onlineIngest !== 0) process.exitCode = 1
  console.log('\nAnnotate section in Chromium (a 2,000-row queue, 300 labels by keyboard):')
  const annotateUi = await new Promise((resolve) => spawn(process.execPath, [path.join(root, 'bench', 'annotate-ui.mjs')], { cwd: root, stdio: 'inherit' }).on('exit', (c) => resolve(c ?? 1)))
  if (annotateUi !== 0) process.exitCode = 1
}
