/**
 * Local response cache: identical requests are answered from
 * `<projectDir>/.weft/cache/providers/<sha256>.json`. Content-addressed JSON
 * files rather than SQLite because entries are written once, never queried,
 * and a user can delete the folder to clear it. Only successful responses are
 * stored — an error cached would keep failing after the cause is fixed.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
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
