/**
 * Opens SQLite databases with the better-sqlite3 binary built for the running
 * runtime: Node's (node_modules/better-sqlite3) everywhere, except inside
 * Electron, whose ABI differs — there the copy `scripts/electron-native.mjs`
 * builds under node_modules/.weft-electron/ is passed as `nativeBinding`.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { packageRoot } from './paths'

/** The Electron-ABI binary to use, or undefined to use the default (Node) one. */
export function nativeBindingFor(versions: NodeJS.ProcessVersions, root: string, exists: (file: string) => boolean = fs.existsSync): string | undefined {
  if (!versions.electron) return undefined
  const binary = path.join(root, 'node_modules', '.weft-electron', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
  return exists(binary) ? binary : undefined
}

/** Opens (creating) a database file with the right native binding. */
export function openDatabase(file: string): Database.Database {
  const nativeBinding = nativeBindingFor(process.versions, packageRoot())
  return nativeBinding ? new Database(file, { nativeBinding }) : new Database(file)
}
