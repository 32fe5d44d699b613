#!/usr/bin/env node
// The `weft` command: runs the built CLI (npm ci builds it via `prepare`).
//
// It runs out/main/cli.cjs, the CLI bundled as CommonJS scripts, through V8's
// code cache: the code compiled by earlier commands is reused instead of compiled
// again, which saves ~50 ms of every command (Node 20 has no compile cache for
// ES modules). The cache lives in the user's cache folder
// (WEFT_CODE_CACHE=DIR moves it, WEFT_CODE_CACHE=off turns it off); anything
// wrong with it only costs the compile. Without a fresh cli.cjs (an
// `electron-vite build` alone), the ES module build runs as before.
import fs from 'node:fs'
import Module, { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import vm from 'node:vm'

const outDir = fileURLToPath(new URL('../out/main/', import.meta.url))
const esm = path.join(outDir, 'cli.js')
const script = path.join(outDir, 'cli.cjs')

// The command that ran (`eval run`; '' for --version, --help or a mistyped one), as the CLI reports it.
let command = ''

const io = {
  onCommand: (name) => (command = name),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  stdin: async () => {
    const chunks = []
    for await (const chunk of process.stdin) chunks.push(chunk)
    return Buffer.concat(chunks).toString('utf8')
  },
}

const mtime = (file) => {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return null
  }
}

/** The user's cache folder for compiled code, or null when turned off. */
function cacheDir() {
  const chosen = process.env.WEFT_CODE_CACHE
  if (chosen === 'off' || chosen === '0') return null
  if (chosen) return chosen
  const home = os.homedir()
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'weft', 'Cache', 'code')
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'weft', 'code')
  return path.join(process.env.XDG_CACHE_HOME || path.join(home, '.cache'), 'weft', 'code')
}

/**
 * Loads cli.cjs (and the chunks it requires) with V8's code cache; returns its
 * exports.
 *
 * The cache is a folder per build (named after cli.cjs's size and time, and
 * the V8 that compiles) with a file per script, and V8 itself refuses data it
 * did not make. A script's cache holds the functions compiled by the time a
 * command exits, so the caches are written again when a kind of command
 * (`eval run`, `save`, …) runs for the first time: they then cover it too.
 */
function loadScripts() {
  const root = cacheDir()
  if (!root) return createRequire(import.meta.url)(script)
  const stat = fs.statSync(script)
  const build = `cli-${stat.size}-${Math.floor(stat.mtimeMs)}-${process.versions.v8}-${process.arch}`
  const dir = path.join(root, build)
  let covered = []
  try {
    covered = JSON.parse(fs.readFileSync(path.join(dir, 'commands.json'), 'utf8')).commands ?? []
  } catch {
    // a first command of this build
  }
  const scripts = []
  const compile = Module.prototype._compile
  // Only this build's scripts; every other module compiles as usual.
  Module.prototype._compile = function (content, filename) {
    if (!filename.startsWith(outDir) || !filename.endsWith('.cjs')) return compile.call(this, content, filename)
    const file = path.join(dir, `${path.relative(outDir, filename).replaceAll(path.sep, '_')}.bin`)
    let cachedData
    try {
      cachedData = fs.readFileSync(file)
    } catch {
      // not cached yet
    }
    // No dynamic-import callback: Node 20 drops it for code from the cache, so scripts/bundle-cli.mjs leaves no import() in them.
    const compiled = new vm.Script(Module.wrap(content), { filename, cachedData })
    scripts.push({ file, compiled, cached: cachedData !== undefined && !compiled.cachedDataRejected })
    return compiled.runInThisContext().call(this.exports, this.exports, createRequire(filename), this, filename, path.dirname(filename))
  }
  process.once('exit', () => {
    const known = covered.includes(command)
    if (known && scripts.every((s) => s.cached)) return
    try {
      fs.mkdirSync(dir, { recursive: true })
      for (const { file, compiled, cached } of scripts) {
        if (known && cached) continue
        const temp = `${file}.${process.pid}.tmp`
        fs.writeFileSync(temp, compiled.createCachedData())
        fs.renameSync(temp, file)
      }
      fs.writeFileSync(path.join(dir, 'commands.json'), JSON.stringify({ commands: [...new Set([...covered, command])] }))
      // Caches of other builds are dead weight.
      for (const entry of fs.readdirSync(root)) if (entry.startsWith('cli-') && entry !== build) fs.rmSync(path.join(root, entry), { recursive: true, force: true })
    } catch {
      // A cache that cannot be written only costs the next command its compile.
    }
  })
  return createRequire(import.meta.url)(script)
}

const esmTime = mtime(esm)
const scriptTime = mtime(script)
if (esmTime === null && scriptTime === null) {
  console.error(`weft: the CLI is not built yet. Run \`npm run build\` in ${fileURLToPath(new URL('..', import.meta.url))}`)
  process.exit(1)
}
// cli.cjs is made from cli.js: an older one is a stale build.
const { runCli } = scriptTime !== null && (esmTime === null || scriptTime >= esmTime) ? loadScripts() : await import(pathToFileURL(esm).href)
process.exitCode = await runCli(process.argv.slice(2), io)
