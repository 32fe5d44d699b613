#!/usr/bin/env node
/**
 * Builds better-sqlite3 for Electron's ABI into node_modules/.weft-electron/,
 * a copy beside the Node build, so the desktop app and Node (tests, CLI, web
 * mode) each load their own binary and neither rebuild breaks the other.
 * The Electron main process passes it to better-sqlite3 as `nativeBinding`
 * (main/sqlite.ts). Run by `npm start`; it needs the network the first time
 * (Electron's headers), like the Electron binary itself.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const source = path.join(root, 'node_modules', 'better-sqlite3')
const target = path.join(root, 'node_modules', '.weft-electron')
const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
const sqliteVersion = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')).version
const stamp = path.join(target, 'built-for.json')
const binary = path.join(target, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
const wanted = { electron: electronVersion, betterSqlite3: sqliteVersion }

const built = fs.existsSync(stamp) && fs.existsSync(binary) ? JSON.parse(fs.readFileSync(stamp, 'utf8')) : null
if (built && built.electron === wanted.electron && built.betterSqlite3 === wanted.betterSqlite3) {
  console.log(`better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}: up to date`)
  process.exit(0)
}

console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once)…`)
fs.rmSync(target, { recursive: true, force: true })
fs.mkdirSync(path.join(target, 'node_modules'), { recursive: true })
fs.cpSync(source, path.join(target, 'node_modules', 'better-sqlite3'), { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) })
fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ name: 'weft-electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }, null, 2))
const { rebuild } = await import('@electron/rebuild')
await rebuild({ buildPath: target, electronVersion, onlyModules: ['better-sqlite3'], force: true })
if (!fs.existsSync(binary)) {
  console.error(`electron-native: the build finished but ${binary} is missing`)
  process.exit(1)
}
fs.writeFileSync(stamp, JSON.stringify(wanted))
console.log(`Built ${path.relative(root, binary)}`)
