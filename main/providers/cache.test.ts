import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { CACHE_DB, cacheKey, canonicalJson, createFileCache, createProjectCache } from './cache'
import type { ProviderRequest, ProviderResponse } from './types'

const request: ProviderRequest = { provider: 'openai', model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], parameters: { temperature: 0, top_p: 1 } }
const response: ProviderResponse = { output: 'hello', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0.1, latencyMs: 5, cached: false, error: null }

describe('cache', () => {
  it('keys canonically: key order does not matter, content does, the key env var does not', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}')
    const key = cacheKey(request)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(cacheKey({ ...request, parameters: { top_p: 1, temperature: 0 } })).toBe(key)
    expect(cacheKey({ ...request, apiKeyEnv: 'OTHER' })).toBe(key)
    for (const change of [{ model: 'gpt-4o-mini' }, { baseUrl: 'http://x' }, { tools: [{ name: 't', parameters: {} }] }, { responseFormat: { type: 'json' as const } }, { messages: [{ role: 'user' as const, content: 'hi!' }] }]) {
      expect(cacheKey({ ...request, ...change })).not.toBe(key)
    }
  })

  it('stores successes as files under .weft/ and never stores errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cache-'))
    const cache = createFileCache(dir)
    expect(await cache.get('a')).toBeUndefined()
    await cache.set('a', response)
    expect(await cache.get('a')).toEqual(response)
    expect(fs.existsSync(path.join(dir, '.weft', 'cache', 'providers', 'a.json'))).toBe(true)
    await cache.set('b', { ...response, error: { code: 'server', message: 'x' } })
    expect(await cache.get('b')).toBeUndefined()
  })

  it('keeps a project’s answers in one SQLite file, shared by every provider layer and process of the project', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cache-db-'))
    const cache = createProjectCache(dir)
    expect(await cache.get('k1')).toBeUndefined()
    expect(fs.existsSync(path.join(dir, CACHE_DB))).toBe(true) // opened on first use
    await cache.set('k1', response)
    await cache.set('k2', { ...response, error: { code: 'server', message: 'x' } })
    expect(await cache.get('k1')).toEqual(response)
    expect(await cache.get('k2')).toBeUndefined()
    // Another layer of the same project (another run) sees it; so does another process (another connection).
    expect(await createProjectCache(dir).get('k1')).toEqual(response)
    const other = new Database(path.join(dir, CACHE_DB), { readonly: true })
    expect(other.prepare('SELECT count(*) FROM responses').pluck().get()).toBe(1)
    other.close()
    expect(fs.existsSync(path.join(dir, '.weft', 'cache', 'providers', 'k1.json'))).toBe(false)
  })

  it('still answers from entries of the earlier one-file-per-entry layout, and copies them in', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cache-legacy-'))
    await createFileCache(dir).set('old', response)
    expect(await createProjectCache(dir).get('old')).toEqual(response)
    fs.rmSync(path.join(dir, '.weft', 'cache', 'providers'), { recursive: true })
    expect(await createProjectCache(dir).get('old')).toEqual(response)
  })

  it('falls back to files when its database cannot be opened', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cache-broken-'))
    // A folder where the database file should be: SQLite cannot open it.
    fs.mkdirSync(path.join(dir, CACHE_DB), { recursive: true })
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => void errors.push(args)
    try {
      const cache = createProjectCache(dir)
      await cache.set('k', response)
      expect(await cache.get('k')).toEqual(response)
    } finally {
      console.error = original
    }
    expect(fs.existsSync(path.join(dir, '.weft', 'cache', 'providers', 'k.json'))).toBe(true)
    expect(errors).toHaveLength(1)
  })
})
