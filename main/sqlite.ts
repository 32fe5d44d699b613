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

/**
 * Applies the numbered migrations (PRAGMA user_version) the file has not seen,
 * each in its own transaction. Another connection (a second Weft process, the
 * CLI beside `weft serve`) may be migrating the same file: each step takes the
 * write lock first (BEGIN IMMEDIATE) and re-reads the version under it.
 */
export function migrateDatabase(db: Database.Database, migrations: readonly string[]): void {
  const step = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number
    if (version >= migrations.length) return false
    db.exec(migrations[version]!)
    db.pragma(`user_version = ${version + 1}`)
    return true
  })
  while ((db.pragma('user_version', { simple: true }) as number) < migrations.length && step.immediate()) {
    // one migration per transaction
  }
}

/**
 * Opens a database that is a cache or log Weft can rebuild or restart (the
 * version index, traces): WAL, numbered migrations, and a damaged file (disk
 * error, half-copied project) renamed aside with its WAL — kept for recovery,
 * never deleted — so work goes on with a fresh one. `prepare` registers SQL
 * functions the migrations call.
 */
export function openMigratedDatabase(file: string, migrations: readonly string[], prepare?: (db: Database.Database) => void): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const attempt = () => {
    const db = openDatabase(file)
    try {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      // SQL functions the migrations (and later queries) call.
      prepare?.(db)
      migrateDatabase(db, migrations)
      return db
    } catch (error) {
      db.close()
      throw error
    }
  }
  try {
    return attempt()
  } catch (error) {
    const code = (error as { code?: string }).code ?? ''
    if (!/^SQLITE_(NOTADB|CORRUPT)/.test(code)) throw error
    const aside = `${file}.damaged-${Date.now()}`
    for (const suffix of ['', '-wal', '-shm']) {
      if (fs.existsSync(`${file}${suffix}`)) fs.renameSync(`${file}${suffix}`, `${aside}${suffix}`)
    }
    return attempt()
  }
}
