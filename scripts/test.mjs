#!/usr/bin/env node
/**
 * `npm test`: build, typecheck, lint, then every vitest project, ending with
 * one line `N passed, N failed` that CI reads. N counts vitest tests plus one
 * per check step (build, typecheck, lint). Every step runs even when an
 * earlier one failed, so one run shows everything that is wrong; the exit
 * code is non-zero when anything failed.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)
const vitestJson = path.join(root, 'test-results', 'vitest.json')

/** Runs a command with live output; resolves with its exit code. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`)
      resolve(127)
    })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}

function banner(text) {
  console.log(`\n━━ ${text} ${'━'.repeat(Math.max(0, 70 - text.length))}`)
}

const steps = []
let passed = 0
let failed = 0

async function check(name, command, args) {
  banner(name)
  const started = Date.now()
  const code = await run(command, args)
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  steps.push(`${code === 0 ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`)
  if (code === 0) passed++
  else failed++
  return code === 0
}

await check('build (electron-vite build)', bin('electron-vite'), ['build'])
await check('build (CLI script)', process.execPath, ['scripts/bundle-cli.mjs'])
// The SDK bundle (out/sdk) that SDK tests and end-to-end apps import.
await check('build (SDK)', bin('vite'), ['build', '-c', 'sdk/vite.config.ts', '--logLevel', 'warn'])
await check('build (SDK types)', process.execPath, ['scripts/build-sdk-types.mjs'])
await check('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'])

await check('lint (eslint .)', bin('eslint'), ['.'])

banner('tests (vitest run, all projects)')
fs.rmSync(vitestJson, { force: true })
const started = Date.now()
const vitestCode = await run(bin('vitest'), [
  'run',
  // Every project but the benchmarks (npm run bench runs those).
  '--project=node',
  '--project=dom',
  '--project=e2e',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${path.relative(root, vitestJson)}`,
])
let report = null
try {
  report = JSON.parse(fs.readFileSync(vitestJson, 'utf8'))
} catch {
  // No report: vitest crashed before writing one.
}
const seconds = ((Date.now() - started) / 1000).toFixed(1)
if (report) {
  passed += report.numPassedTests ?? 0
  failed += report.numFailedTests ?? 0
  // Files that failed to load count as failures: their tests never ran.
  const brokenFiles = (report.testResults ?? []).filter((file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0)
  failed += brokenFiles.length
  const unexplained = vitestCode !== 0 && (report.numFailedTests ?? 0) === 0 && brokenFiles.length === 0
  // A non-zero exit with no failed test (unhandled errors, no test files) is still a failure.
  if (unexplained) failed++
  steps.push(
    `${vitestCode === 0 ? 'ok  ' : 'FAIL'} vitest: ${report.numPassedTests ?? 0} passed, ${report.numFailedTests ?? 0} failed` +
      `${report.numPendingTests ? `, ${report.numPendingTests} skipped` : ''}${brokenFiles.length ? `, ${brokenFiles.length} file(s) failed to load` : ''}` +
      `${unexplained ? `, exit code ${vitestCode}` : ''} (${seconds} s)`,
  )
} else {
  failed++
  steps.push(`FAIL vitest: no report at ${path.relative(root, vitestJson)} (exit code ${vitestCode}, ${seconds} s)`)
}

banner('summary')
for (const line of steps) console.log(line)
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed > 0 ? 1 : 0
