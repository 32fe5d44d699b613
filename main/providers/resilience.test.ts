import { describe, expect, it } from 'vitest'
import { callWithRetries, createLimiter, DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, retryDelayMs, type Clock } from './resilience'
import type { ProviderResponse } from './types'

const ok: ProviderResponse = { output: 'ok', toolCalls: [], finishReason: 'stop', usage: null, costUsd: null, latencyMs: 0, cached: false, error: null }
const fail = (code: NonNullable<ProviderResponse['error']>['code'], retryAfterMs?: number): ProviderResponse => ({ ...ok, output: '', finishReason: 'error', error: { code, message: code, retryAfterMs } })
const clock = (): Clock & { sleeps: number[] } => {
  const sleeps: number[] = []
  return { sleeps, now: () => 0, sleep: async (ms) => void sleeps.push(ms) }
}

describe('resilience', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('0.5', now)).toBe(500)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it('backs off exponentially with jitter, capped; Retry-After wins but is capped too', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 2000 }
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, { ...policy, random: () => 1 }))).toEqual([100, 200, 400, 800, 1000])
    expect(retryDelayMs(3, { ...policy, random: () => 0 })).toBe(200)
    expect(retryDelayMs(1, policy, 1500)).toBe(1500)
    expect(retryDelayMs(1, policy, 60_000)).toBe(2000)
  })

  it('retries only rate limits, server and network errors', () => {
    expect(['rate_limit', 'server', 'network'].every((c) => isRetryable({ code: c as 'server', message: '' }))).toBe(true)
    expect(['auth', 'invalid_request', 'bad_response', 'timeout', 'cancelled'].some((c) => isRetryable({ code: c as 'auth', message: '' }))).toBe(false)
  })

  it('retries until success and stops at the first non-retryable error', async () => {
    const c = clock()
    const replies = [fail('network'), fail('rate_limit', 1234), ok]
    const res = await callWithRetries(async () => replies.shift()!, { policy: { ...DEFAULT_RETRY_POLICY, random: () => 0 }, clock: c })
    expect(res).toBe(ok)
    expect(c.sleeps).toEqual([250, 1234])
    const once = [fail('auth'), ok]
    expect((await callWithRetries(async () => once.shift()!, { policy: DEFAULT_RETRY_POLICY, clock: c })).error?.code).toBe('auth')
  })

  it('limits concurrency and lets a queued caller cancel', async () => {
    const limiter = createLimiter(1)
    const release = await limiter.acquire()
    const controller = new AbortController()
    const queued = limiter.acquire(controller.signal)
    controller.abort()
    await expect(queued).rejects.toBeDefined()
    const next = limiter.acquire()
    expect(limiter.active).toBe(1)
    release()
    release() // releasing twice must not free two slots
    const releaseNext = await next
    expect(limiter.active).toBe(1)
    releaseNext()
    expect(limiter.active).toBe(0)
  })
})
