import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cacheKey, canonicalJson, createFileCache } from './cache'
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
})
