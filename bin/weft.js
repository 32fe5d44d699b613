#!/usr/bin/env node
// The `weft` command: runs the built CLI (npm ci builds it via `prepare`).
//
// It runs out/main/cli.cjs, the CLI bundled as one script, through V8's code
// cache: the code compiled by earlier commands is reused instead of compiled
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
 * Loads cli.cjs as a script with V8's code cache and returns its exports.
 *
 * The cache is named after the bundle (size, modification time) and the V8
 * that compiled it, and V8 itself refuses data it did not make. It holds the
 * functions compiled by the time a command exits, so it is written again when
 * a kind of command (`eval run`, `save`, …) runs for the first time: it then
 * covers that command too.
 */
function loadScript() {
  const source = fs.readFileSync(script, 'utf8')
  const dir = cacheDir()
  const stat = fs.statSync(script)
  const stem = dir && path.join(dir, `cli-${stat.size}-${Math.floor(stat.mtimeMs)}-${process.versions.v8}-${process.arch}`)
  let cachedData
  let covered = []
  if (stem) {
    try {
      cachedData = fs.readFileSync(`${stem}.bin`)
      covered = JSON.parse(fs.readFileSync(`${stem}.json`, 'utf8')).commands ?? []
    } catch {
      // none yet, or unreadable: compile
    }
  }
  const compiled = new vm.Script(Module.wrap(source), {
    filename: script,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  })
  if (stem) {
    process.once('exit', () => {
      if (cachedData && !compiled.cachedDataRejected && covered.includes(command)) return
      try {
        fs.mkdirSync(dir, { recursive: true })
        const data = compiled.createCachedData()
        const temp = `${stem}.${process.pid}.tmp`
        fs.writeFileSync(temp, data)
        fs.renameSync(temp, `${stem}.bin`)
        const commands = compiled.cachedDataRejected ? [command] : [...new Set([...covered, command])]
        fs.writeFileSync(`${stem}.json`, JSON.stringify({ commands }))
        // Caches of other builds are dead weight.
        const mine = path.basename(stem)
        for (const entry of fs.readdirSync(dir)) if (entry.startsWith('cli-') && !entry.startsWith(mine)) fs.rmSync(path.join(dir, entry), { force: true })
      } catch {
        // A cache that cannot be written only costs the next command its compile.
      }
    })
  }
  const module = { exports: {} }
  compiled.runInThisContext()(module.exports, createRequire(script), module, script, outDir)
  return module.exports
}

const esmTime = mtime(esm)
const scriptTime = mtime(script)
if (esmTime === null && scriptTime === null) {
  console.error(`weft: the CLI is not built yet. Run \`npm run build\` in ${fileURLToPath(new URL('..', import.meta.url))}`)
  process.exit(1)
}
// cli.cjs is made from cli.js: an older one is a stale build.
const { runCli } = scriptTime !== null && (esmTime === null || scriptTime >= esmTime) ? loadScript() : await import(pathToFileURL(esm).href)
process.exitCode = await runCli(process.argv.slice(2), io)
