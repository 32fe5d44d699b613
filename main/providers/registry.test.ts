import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completion, errorReply, startFakeOpenAI, streamChunks, type FakeOpenAI } from '../../tests/node/fakeOpenAI'
import Database from 'better-sqlite3'
import { CACHE_DB, createMemoryCache } from './cache'
import { createProviders, type ProvidersOptions } from './registry'
import type { Clock } from './resilience'
import type { ProviderRequest, ProviderResponse, StreamEvent } from './types'

/** The project cache's stored answers (its SQLite file, read by a second connection as another process would). */
function cachedEntries(dir: string): string[] {
  const db = new Database(path.join(dir, CACHE_DB), { readonly: true })
  try {
    return db.prepare<[], string>('SELECT response FROM responses').pluck().all()
  } finally {
    db.close()
  }
}

const KEY = 'sk-secret-0123456789abcdef'
const secrets = async (name: string) => (name === 'OPENAI_API_KEY' ? KEY : undefined)
let fake: FakeOpenAI

/** A clock whose sleeps return at once but are recorded. */
function fakeClock(): Clock & { sleeps: number[] } {
  let t = 1_700_000_000_000
  const sleeps: number[] = []
  return { sleeps, now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) }
}

function setup(extra: Partial<ProvidersOptions> = {}) {
  const clock = fakeClock()
  const providers = createProviders({ secrets, clock, cache: false, policy: { random: () => 0.5 }, ...extra })
  return { providers, clock }
}

const request = (extra: Partial<ProviderRequest> = {}): ProviderRequest => ({ provider: 'openai', model: 'gpt-4o-mini', baseUrl: fake.baseUrl, messages: [{ role: 'user', content: 'hi' }], ...extra })

async function done(events: AsyncIterable<StreamEvent>): Promise<{ texts: string[]; response: ProviderResponse }> {
  const texts: string[] = []
  for await (const e of events) {
    if (e.type === 'text') texts.push(e.text)
    if (e.type === 'done') return { texts, response: e.response }
  }
  throw new Error('no done event')
}

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'weft-providers-'))

beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())

describe('retries', () => {
  it('honours Retry-After in seconds on 429', async () => {
    const { providers, clock } = setup()
    fake.enqueue(errorReply(429, 'slow down', { 'retry-after': '2' }))
    const res = await providers.call(request())
    expect(res.error).toBeNull()
    expect(clock.sleeps).toEqual([2000])
  })

  it('honours Retry-After as an HTTP date, capped', async () => {
    const { providers, clock } = setup({ policy: { random: () => 0.5, maxRetryAfterMs: 5000 } })
    fake.enqueue(errorReply(429, 'slow down', { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() }))
    expect((await providers.call(request())).error).toBeNull()
    expect(clock.sleeps).toEqual([5000])
  })

  it('retries a 500 with exponential backoff, then succeeds', async () => {
    const { providers, clock } = setup()
    const before = fake.requests.length
    fake.enqueue(errorReply(500, 'boom'), errorReply(502, 'boom'))
    const res = await providers.call(request())
    expect(res).toMatchObject({ output: 'ok', error: null })
    expect(fake.requests.length - before).toBe(3)
    expect(clock.sleeps).toEqual([375, 750]) // base 500: half fixed + half jitter (0.5), doubling
  })

  it('gives up after maxRetries and returns the last error', async () => {
    const { providers } = setup({ policy: { maxRetries: 1, random: () => 0 } })
    fake.enqueue(errorReply(500, 'a'), errorReply(500, 'b'))
    expect((await providers.call(request())).error).toMatchObject({ code: 'server', status: 500 })
  })

  it('never retries a 4xx other than 429', async () => {
    const { providers, clock } = setup()
    const before = fake.requests.length
    fake.enqueue(errorReply(400, 'bad'))
    expect((await providers.call(request())).error?.code).toBe('invalid_request')
    expect(fake.requests.length - before).toBe(1)
    expect(clock.sleeps).toEqual([])
  })

  it('retries a stream that fails before its first event', async () => {
    const { providers, clock } = setup()
    fake.enqueue(errorReply(503, 'busy', { 'retry-after': '1' }), { kind: 'sse', chunks: streamChunks({ pieces: ['a', 'b'] }) })
    const { texts, response } = await done(providers.stream(request()))
    expect(texts).toEqual(['a', 'b'])
    expect(response).toMatchObject({ output: 'ab', error: null, usage: { inputTokens: 5, outputTokens: 2 } })
    expect(clock.sleeps).toEqual([1000])
  })
})

describe('timeouts and cancellation', () => {
  it('turns a slow response into a timeout error', async () => {
    const { providers } = setup({ policy: { maxRetries: 0 } })
    fake.enqueue({ kind: 'json', body: completion(), delayMs: 2000 })
    const res = await providers.call(request(), { timeoutMs: 100 })
    expect(res.error).toMatchObject({ code: 'timeout' })
    expect(res.latencyMs).toBeLessThan(1500)
  })

  it('times out a stream that stalls', async () => {
    const { providers } = setup({ policy: { maxRetries: 0 } })
    fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: ['a', 'b', 'c'] }), chunkDelayMs: 1000 })
    const { response } = await done(providers.stream(request(), { timeoutMs: 150 }))
    expect(response.error?.code).toBe('timeout')
  })

  it('cancels an in-flight call without retrying', async () => {
    const { providers } = setup()
    const before = fake.requests.length
    fake.enqueue({ kind: 'json', body: completion(), delayMs: 2000 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const res = await providers.call(request(), { signal: controller.signal })
    expect(res).toMatchObject({ finishReason: 'cancelled', error: { code: 'cancelled' } })
    expect(fake.requests.length - before).toBe(1)
  })

  it('stops waiting for a retry as soon as the signal aborts', async () => {
    const controller = new AbortController()
    const clock: Clock = { now: () => Date.now(), sleep: async () => controller.abort() } // abort during the backoff
    const providers = createProviders({ secrets, clock, cache: false })
    const before = fake.requests.length
    fake.enqueue(errorReply(500, 'boom'))
    const res = await providers.call(request(), { signal: controller.signal })
    expect(res.error?.code).toBe('cancelled')
    expect(fake.requests.length - before).toBe(1)
  })

  it('cancels a stream mid-way', async () => {
    const { providers } = setup()
    fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: ['a', 'b', 'c', 'd'] }), chunkDelayMs: 100 })
    const controller = new AbortController()
    const events = providers.stream(request(), { signal: controller.signal })
    const texts: string[] = []
    let response: ProviderResponse | undefined
    for await (const e of events) {
      if (e.type === 'text') {
        texts.push(e.text)
        controller.abort()
      }
      if (e.type === 'done') response = e.response
    }
    expect(response).toMatchObject({ finishReason: 'cancelled', error: { code: 'cancelled' } })
    expect(response?.output.length).toBeLessThan(4)
  })
})

describe('concurrency', () => {
  it('limits calls in flight per provider', async () => {
    const fresh = await startFakeOpenAI()
    try {
      const { providers } = setup({ concurrency: { openai: 2 } })
      for (let i = 0; i < 6; i++) fresh.enqueue({ kind: 'json', body: completion(), delayMs: 60 })
      const all = await Promise.all(Array.from({ length: 6 }, () => providers.call(request({ baseUrl: fresh.baseUrl }))))
      expect(all.every((r) => r.error === null)).toBe(true)
      expect(fresh.maxInFlight).toBe(2)
    } finally {
      await fresh.close()
    }
  })
})

describe('cache', () => {
  it('misses, then hits with cached: true, original usage and cost 0; disabled per call', async () => {
    const dir = tmpDir()
    const { providers } = setup({ projectDir: dir, cache: undefined })
    const before = fake.requests.length
    fake.enqueue({ kind: 'json', body: completion({ content: 'first', usage: { prompt: 1000, completion: 2000 } }) })
    const miss = await providers.call(request())
    expect(miss).toMatchObject({ output: 'first', cached: false })
    expect(miss.costUsd).toBeCloseTo((1000 * 0.15 + 2000 * 0.6) / 1e6)
    const hit = await providers.call(request())
    expect(hit).toMatchObject({ output: 'first', cached: true, costUsd: 0, usage: { inputTokens: 1000, outputTokens: 2000 } })
    expect(fake.requests.length - before).toBe(1)
    const off = await providers.call(request(), { cache: false })
    expect(off).toMatchObject({ output: 'ok', cached: false })
    expect(fake.requests.length - before).toBe(2)
    expect(cachedEntries(dir)).toHaveLength(1)
    const streamed = await done(providers.stream(request()))
    expect(streamed.response).toMatchObject({ output: 'first', cached: true })
    expect(streamed.texts).toEqual(['first'])
  })

  it('keys on everything that shapes the answer', async () => {
    const { providers } = setup({ cache: createMemoryCache() })
    const before = fake.requests.length
    await providers.call(request({ parameters: { temperature: 0 } }))
    await providers.call(request({ parameters: { temperature: 0.5 } }))
    await providers.call(request({ parameters: { temperature: 0 }, model: 'gpt-4o' }))
    await providers.call(request({ parameters: { temperature: 0 } }))
    expect(fake.requests.length - before).toBe(3)
  })

  it('never caches errors', async () => {
    const { providers } = setup({ cache: createMemoryCache(), policy: { maxRetries: 0 } })
    fake.enqueue(errorReply(400, 'bad'))
    expect((await providers.call(request({ model: 'never-cached' }))).error?.code).toBe('invalid_request')
    expect(await providers.call(request({ model: 'never-cached' }))).toMatchObject({ error: null, cached: false })
  })
})

describe('cost', () => {
  it('is null for an unknown model and taken from prices.yaml when the project overrides it', async () => {
    const dir = tmpDir()
    const plain = setup().providers
    expect((await plain.call(request({ model: 'my-finetune' }))).costUsd).toBeNull()
    fs.writeFileSync(path.join(dir, 'prices.yaml'), 'models:\n  my-finetune: { input: 1, output: 2 }\n  gpt-4o-mini: { input: 10, output: 20 }\n')
    const project = setup({ projectDir: dir, cache: false }).providers
    fake.enqueue({ kind: 'json', body: completion({ usage: { prompt: 1_000_000, completion: 1_000_000 } }) }, { kind: 'json', body: completion({ usage: { prompt: 1_000_000, completion: 0 } }) })
    expect((await project.call(request({ model: 'my-finetune' }))).costUsd).toBe(3)
    expect((await project.call(request())).costUsd).toBe(10)
  })
})

describe('registry', () => {
  it('runs a fresh project end to end with echo, no keys, no network', async () => {
    const providers = createProviders({ secrets: async () => undefined, projectDir: tmpDir() })
    const res = await providers.call({ provider: 'echo', model: 'echo', messages: [{ role: 'user', content: 'hello there' }] })
    expect(res).toMatchObject({ output: 'hello there', costUsd: 0, error: null, usage: { inputTokens: 3, outputTokens: 3 } })
    const streamed = await done(providers.get('echo').stream({ provider: 'ignored', model: 'echo', messages: [{ role: 'user', content: 'a b' }], parameters: { reply: 'fixed reply' } }))
    expect(streamed.texts.join('')).toBe('fixed reply')
  })

  it('answers unknown providers with an error value, and get() throws NOT_FOUND', async () => {
    const { providers } = setup()
    expect((await providers.call(request({ provider: 'nope' }))).error?.code).toBe('invalid_request')
    expect(() => providers.get('nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })

  it('maps openai-compatible to the OpenAI implementation with a base URL', async () => {
    const providers = createProviders({ secrets: async () => undefined, cache: false })
    expect(await providers.call(request({ provider: 'openai-compatible' }))).toMatchObject({ output: 'ok', error: null })
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer not-needed')
    expect((await providers.call(request({ provider: 'openai-compatible', baseUrl: undefined }))).error?.code).toBe('invalid_request')
  })

  it('registers the Anthropic provider', async () => {
    const { providers } = setup()
    expect(providers.get('anthropic').id).toBe('anthropic')
    expect((await providers.call({ provider: 'anthropic', model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] })).error?.code).toBe('auth') // no ANTHROPIC_API_KEY: refused before any network
  })

  it('accepts another vendor through register()', async () => {
    const { providers } = setup()
    providers.register({ id: 'custom', call: async () => ({ output: 'x', toolCalls: [], finishReason: 'stop', usage: null, costUsd: null, latencyMs: 0, cached: false, error: null }), stream: async function* () {} })
    expect((await providers.call(request({ provider: 'custom' }))).output).toBe('x')
  })

  it('never lets the key into errors, responses or cache files', async () => {
    const dir = tmpDir()
    const { providers } = setup({ projectDir: dir, cache: undefined, policy: { maxRetries: 0 } })
    // A server that echoes the key back, in the message and as a bearer header.
    fake.enqueue(errorReply(401, `Incorrect API key provided: ${KEY}. Header was Authorization: Bearer ${KEY}`))
    const failed = await providers.call(request())
    expect(failed.error?.code).toBe('auth')
    fake.enqueue({ kind: 'sse', chunks: streamChunks(), dropAfter: 1 })
    const dropped = await done(providers.stream(request()))
    const ok = await providers.call(request({ model: 'gpt-4o' }))
    const everything = JSON.stringify([failed, dropped, ok]) + cachedEntries(dir).join('') + ['', '-wal'].map((suffix) => { const file = path.join(dir, `${CACHE_DB}${suffix}`); return fs.existsSync(file) ? fs.readFileSync(file, 'latin1') : '' }).join('')
    expect(everything).not.toContain(KEY)
    expect(everything).not.toContain('sk-secret')
    expect(failed.error?.message).toContain('[REDACTED]')
  })
})
