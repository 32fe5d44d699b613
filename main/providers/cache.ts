/**
 * Local response cache: identical requests are answered from the project's
 * `.weft/cache/` (deleting the folder clears it): a SQLite file, with the
 * earlier one-JSON-file-per-entry layout still read. Only successful responses
 * are stored — an error cached would keep failing after the cause is fixed.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type Database from 'better-sqlite3'
import { openMigratedDatabase } from '../sqlite'
import type { ProviderRequest, ProviderResponse } from './types'

/** Where the cache lives under a project. */
export const CACHE_DIR = path.join('.weft', 'cache', 'providers')

/** A store of responses by request key. */
export interface ResponseCache {
  get(key: string): Promise<ProviderResponse | undefined>
  set(key: string, response: ProviderResponse): Promise<void>
}

/** JSON with object keys sorted at every depth, so equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort)
    if (typeof v !== 'object' || v === null) return v
    return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, sort((v as Record<string, unknown>)[k])]))
  }
  return JSON.stringify(sort(value))
}

/** SHA-256 of everything that shapes the answer; not `apiKeyEnv` (which account pays does not change the answer). */
export function cacheKey(request: ProviderRequest): string {
  const { provider, model, baseUrl, parameters, messages, tools, responseFormat } = request
  const identity = { v: 1, provider, model, baseUrl: baseUrl ?? null, parameters: parameters ?? {}, messages, tools: tools ?? [], responseFormat: responseFormat ?? { type: 'text' } }
  return createHash('sha256').update(canonicalJson(identity)).digest('hex')
}

/** A file cache under `<projectDir>/.weft/cache/providers/`. */
export function createFileCache(projectDir: string): ResponseCache {
  const dir = path.join(projectDir, CACHE_DIR)
  const file = (key: string) => path.join(dir, `${key}.json`)
  return {
    async get(key) {
      try {
        // Synchronous on purpose: an entry is a few kB, and the async read's four thread-pool round trips
        // (open, stat, read, close) were most of a cached evaluation row's time (~100 µs against ~25 µs).
        return JSON.parse(readFileSync(file(key), 'utf8')) as ProviderResponse
      } catch {
        return undefined // missing or torn file: a miss, the call just runs again
      }
    },
    async set(key, response) {
      if (response.error) return
      await fs.mkdir(dir, { recursive: true })
      const tmp = `${file(key)}.${process.pid}.${Date.now()}.tmp`
      await fs.writeFile(tmp, JSON.stringify(response))
      await fs.rename(tmp, file(key)) // atomic, so a reader never sees half an entry
    },
  }
}

/** Where the response cache's database lives under a project. */
export const CACHE_DB = path.join('.weft', 'cache', 'providers.db')

/**
 * The project's response cache: one SQLite file (`.weft/cache/providers.db`).
 * Entries first lived as one JSON file each (createFileCache); opening a
 * thousand small files cost ~80 ms of a 1,000-row cached evaluation on this
 * machine, an indexed read a fraction of that. Entries of the old layout are
 * still read (and copied in), so an existing cache stays warm. The database
 * opens on first use, so commands that call no model never touch it; a
 * database that cannot be opened leaves the file cache in charge.
 */
export function createProjectCache(projectDir: string): ResponseCache {
  const files = createFileCache(projectDir)
  const dbFile = path.resolve(projectDir, CACHE_DB)
  const open = (): CacheStatements | null => {
    let statements = OPEN_CACHES.get(dbFile)
    if (statements !== undefined) return statements
    try {
      const db = openMigratedDatabase(dbFile, CACHE_MIGRATIONS)
      db.pragma('busy_timeout = 5000') // the CLI beside `weft serve` writes the same file
      statements = {
        db,
        get: db.prepare<[string], { response: string }>('SELECT response FROM responses WHERE key = ?'),
        put: db.prepare<[string, string, number]>('INSERT OR REPLACE INTO responses (key, response, created_ms) VALUES (?, ?, ?)'),
      }
    } catch (error) {
      console.error('weft: the response cache database cannot be used; answers are cached as files:', (error as Error).message)
      statements = null
    }
    OPEN_CACHES.set(dbFile, statements)
    return statements
  }
  return {
    async get(key) {
      const db = open()
      const row = db?.get.get(key)
      if (row) {
        try {
          return JSON.parse(row.response) as ProviderResponse
        } catch {
          return undefined // a damaged entry is a miss; the next answer replaces it
        }
      }
      const legacy = await files.get(key)
      if (legacy && db) {
        try {
          db.put.run(key, JSON.stringify(legacy), Date.now())
        } catch {
          // a read must not fail because the copy could not be kept
        }
      }
      return legacy
    },
    async set(key, response) {
      if (response.error) return
      const db = open()
      if (!db) return files.set(key, response)
      db.put.run(key, JSON.stringify(response), Date.now())
    },
  }
}

type CacheStatements = { db: Database.Database; get: Database.Statement<[string], { response: string }>; put: Database.Statement<[string, string, number]> }

/** One connection per cache file for the whole process: every run builds its own provider layer, and each must not open another. */
const OPEN_CACHES = new Map<string, CacheStatements | null>()

/**
 * Closes every response cache this process opened (a workbench closing).
 * SQLite folds the write-ahead log into the file when the last connection
 * closes: left to process exit, the next command would pay for this one's writes.
 */
export function closeProjectCaches(): void {
  for (const statements of OPEN_CACHES.values()) statements?.db.close()
  OPEN_CACHES.clear()
}

const CACHE_MIGRATIONS = ['CREATE TABLE responses (key TEXT PRIMARY KEY, response TEXT NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID;']

/** An in-memory cache, for tests and projectless use. */
export function createMemoryCache(): ResponseCache {
  const entries = new Map<string, string>()
  return {
    async get(key) {
      const text = entries.get(key)
      return text === undefined ? undefined : (JSON.parse(text) as ProviderResponse)
    },
    async set(key, response) {
      if (!response.error) entries.set(key, JSON.stringify(response))
    },
  }
}
