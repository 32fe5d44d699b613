#!/usr/bin/env node
/**
 * Object store micro-benchmark: dataset import and row diff at real sizes,
 * each figure beside its target.
 *
 *   node bench/store-diff-import.mjs [--runs=3] [--no-memory] [--memory-mb=100]
 *
 * - import: a generated 100,000-row CSV (~20 MB) → canonical JSONL (target ≤ 3 s)
 * - diff: two 100,000-row JSONL versions, 1% of rows changed (target ≤ 500 ms)
 * - memory: peak RSS growth while importing a ~100 MB CSV, in a fresh process (target: below the file's size)
 *
 * The modules are TypeScript and Node 20 cannot run .ts (no
 * --experimental-strip-types; tsx and vite-node are not installed), so they
 * are first bundled with rolldown — already here as Vite's bundler — into a
 * temp dir and imported from there. Medians of --runs runs; files are
 * generated in a temp dir that is removed at the end.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { build } from 'rolldown'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']))
const RUNS = Number(args.get('runs') ?? 3)
const ROWS = 100_000

/** Targets; times in ms, memory as a fraction of the file's size. */
// Memory: streaming means never holding the file whole, so peak growth stays under the file's size
// (measured peaks include garbage V8 has not collected yet).
const TARGETS = { importMs: 3000, diffMs: 500, rssGrowthOfFile: 1 }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-store-'))

/** Bundles the TypeScript entry points and imports them. */
async function loadModules() {
  const outDir = path.join(tmp, 'bundle')
  await build({
    input: { diff: path.join(root, 'main/store/diff.ts'), importExport: path.join(root, 'main/store/importExport.ts') },
    platform: 'node',
    logLevel: 'silent',
    output: { dir: outDir, format: 'esm', entryFileNames: '[name].mjs' },
  })
  const diff = await import(path.join(outDir, 'diff.mjs'))
  const importExport = await import(path.join(outDir, 'importExport.mjs'))
  return { ...diff, ...importExport }
}

const words = ['refund', 'delivery', 'late', 'broken', 'invoice', 'password', 'account', 'shipping', 'charged', 'twice']
/** A support-ticket-like CSV row: ~200 bytes, some cells quoted (commas, quotes). */
function csvRow(i) {
  const w = (k) => words[(i * 7 + k * 3) % words.length]
  const question = i % 10 === 0 ? `"My ${w(1)} is ${w(2)}, and ""${w(3)}"" again"` : `My ${w(1)} is ${w(2)} and ${w(3)} again since order ${i}`
  const uuid = `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-4a1b-9c2d-${String(i).padStart(12, '0')}`
  return `${uuid},${question},Customer wrote on ${['Monday', 'Tuesday', 'Friday'][i % 3]} about order ${i * 31}: the ${w(4)} and the ${w(5)} are still open after two replies,${w(6)},${i % 5}\n`
}

/** Writes a CSV of `rows` rows (or of at least `bytes` bytes) in blocks. */
function writeCsv(file, { rows = Infinity, bytes = Infinity }) {
  const fd = fs.openSync(file, 'w')
  fs.writeSync(fd, 'ticket_id,question,context,category,priority\n')
  let written = 0
  for (let i = 0; i < rows && written < bytes; i += 1000) {
    let block = ''
    for (let j = i; j < Math.min(i + 1000, rows); j++) block += csvRow(j)
    written += fs.writeSync(fd, block)
  }
  fs.closeSync(fd)
  return fs.statSync(file).size
}

function datasetVersions() {
  const row = (i, category) =>
    JSON.stringify({
      id: `row-${i}`,
      input: { question: `Where is order ${i}? It was due on Monday and the tracking page says nothing.`, channel: 'email' },
      expected: { category, priority: i % 5 },
      tags: ['support', 'en'],
    })
  const before = []
  const after = []
  for (let i = 0; i < ROWS; i++) {
    before.push(row(i, 'billing'))
    after.push(row(i, i % 100 === 0 ? 'shipping' : 'billing'))
  }
  return { before: `${before.join('\n')}\n`, after: `${after.join('\n')}\n` }
}

/** Imports in a child process; peak RSS over the RSS once the modules are loaded. */
async function measureImportMemory(source, dest, options) {
  const probe = path.join(tmp, 'bundle', 'memoryProbe.mjs')
  fs.writeFileSync(
    probe,
    `import { importDataset } from './importExport.mjs'
const [source, dest, options] = JSON.parse(process.argv[2])
const baseline = process.memoryUsage().rss
let peak = baseline
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
const started = performance.now()
const result = await importDataset(source, dest, { ...options, onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) })
const ms = performance.now() - started
clearInterval(timer)
console.log(JSON.stringify({ growth: Math.max(peak, process.memoryUsage().rss) - baseline, rows: result.rows, ms }))
`,
  )
  const { execFileSync } = await import('node:child_process')
  const output = execFileSync(process.execPath, [probe, JSON.stringify([source, dest, options])], { encoding: 'utf8' })
  fs.rmSync(dest, { force: true })
  return JSON.parse(output)
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const MB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`
/** One figure, in the format of bench/report.ts: `name: 12 ms (target ≤ 20 ms, 0.62× ok; note)`. */
const line = (label, value, unit, target, { targetText, note } = {}) =>
  `${label}: ${value.toFixed(0)} ${unit} (target ≤ ${targetText ?? `${target} ${unit}`}, ${(value / target).toFixed(2)}× ${value <= target ? 'ok' : 'OVER'}${note ? `; ${note}` : ''})`

try {
  const store = await loadModules()
  const out = []

  // ── import ──
  const csv = path.join(tmp, 'tickets.csv')
  const csvBytes = writeCsv(csv, { rows: ROWS })
  const importTimes = []
  for (let run = 0; run < RUNS; run++) {
    const dest = path.join(tmp, `tickets-${run}.jsonl`)
    const started = performance.now()
    const result = await store.importDataset(csv, dest, { mapping: { id: 'ticket_id', 'input.question': 'question', 'input.context': 'context', 'expected.category': 'category', 'expected.priority': 'priority' } })
    importTimes.push(performance.now() - started)
    if (result.rows !== ROWS) throw new Error(`imported ${result.rows} rows, expected ${ROWS}`)
    fs.rmSync(dest)
  }
  out.push(line(`import ${ROWS.toLocaleString('en')}-row CSV (${MB(csvBytes)})`, median(importTimes), 'ms', TARGETS.importMs, { note: `runs ${importTimes.map((t) => t.toFixed(0)).join(', ')} ms` }))

  // ── diff ──
  const { before, after } = datasetVersions()
  const diffTimes = []
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now()
    const diff = store.diffObjects('dataset', before, after, { limit: 100 })
    diffTimes.push(performance.now() - started)
    if (diff.stats.changed !== ROWS / 100) throw new Error(`diff found ${diff.stats.changed} changed rows, expected ${ROWS / 100}`)
  }
  // The git CLI's nearest operation: a line diff of the same two files (it knows nothing of rows or fields).
  let gitNote = ''
  try {
    const a = path.join(tmp, 'before.jsonl')
    const b = path.join(tmp, 'after.jsonl')
    fs.writeFileSync(a, before)
    fs.writeFileSync(b, after)
    const gitTimes = []
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now()
      spawnSync('git', ['diff', '--no-index', '--numstat', a, b], { maxBuffer: 1 << 28 })
      gitTimes.push(performance.now() - started)
    }
    gitNote = `; git diff --no-index (lines only) ${median(gitTimes).toFixed(0)} ms`
  } catch {
    // No git CLI: nothing to compare with.
  }
  out.push(line(`row diff of two ${ROWS.toLocaleString('en')}-row versions (${MB(before.length)} each), 1% changed`, median(diffTimes), 'ms', TARGETS.diffMs, { note: `runs ${diffTimes.map((t) => t.toFixed(0)).join(', ')} ms${gitNote}` }))

  // ── memory ── in a fresh process, so garbage from the runs above does not count.
  if (!args.has('no-memory')) {
    const big = path.join(tmp, 'big.csv')
    const bigBytes = writeCsv(big, { bytes: Number(args.get('memory-mb') ?? 100) * 1e6 })
    for (const [label, options] of [
      ['ids assigned', {}],
      ['ids from a column', { idColumn: 'ticket_id' }],
    ]) {
      const { growth, rows, ms } = await measureImportMemory(big, path.join(tmp, 'big.jsonl'), options)
      const target = TARGETS.rssGrowthOfFile * bigBytes
      out.push(
        line(`peak RSS growth importing a ${MB(bigBytes)} CSV, ${label}`, growth / 1e6, 'MB', target / 1e6, {
          targetText: `${TARGETS.rssGrowthOfFile * 100}% of the file, ${MB(target)}`,
          note: `${rows.toLocaleString('en')} rows in ${(ms / 1000).toFixed(1)} s`,
        }),
      )
    }
  }
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, median of ${RUNS}\n${out.join('\n')}`)
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}
