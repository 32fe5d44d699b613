/**
 * One retry policy for every provider (the SDKs' own retries are off): a
 * timeout per attempt, exponential backoff with jitter on 429/5xx/network
 * errors, Retry-After honoured but capped, no retry on other 4xx, and
 * cancellation that stops at once. Sleep and clock are injected so tests run
 * in milliseconds.
 */
import type { ProviderResponse } from './types'

/** Time source and sleeper; tests pass a fake. */
export interface Clock {
  now(): number
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** How hard to try. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number
  baseDelayMs: number
  maxDelayMs: number
  /** A server asking for longer than this is not waited for beyond it. */
  maxRetryAfterMs: number
  /** Per attempt. */
  timeoutMs: number
  /** 0..1, for jitter. */
  random: () => number
}

/** Defaults sized for interactive use: a few quick retries, then give up. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 60_000, timeoutMs: 120_000, random: Math.random }

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve()
      const onAbort = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** True for failures worth another attempt: rate limits, server errors, network trouble. */
export function isRetryable(error: ProviderResponse['error']): boolean {
  return !!error && (error.code === 'rate_limit' || error.code === 'server' || error.code === 'network')
}

/** Wait before retry number `retry` (1-based): Retry-After when given (capped), else full-jitter exponential backoff. */
export function retryDelayMs(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  // Half fixed, half random: spreads clients out yet never retries instantly.
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2)
}

/** A signal for one attempt: aborts on the caller's signal or the attempt's timeout. */
export function attemptSignal(timeoutMs: number, outer?: AbortSignal): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort(new Error(`Timed out after ${timeoutMs} ms`))
  }, timeoutMs)
  const onAbort = () => controller.abort(outer?.reason)
  if (outer?.aborted) onAbort()
  else outer?.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer)
      outer?.removeEventListener('abort', onAbort)
    },
  }
}

/** A response standing for a failure that happened outside the vendor call. */
export function failedResponse(code: NonNullable<ProviderResponse['error']>['code'], message: string, latencyMs = 0, partial?: Partial<ProviderResponse>): ProviderResponse {
  return { output: '', toolCalls: [], usage: null, costUsd: null, latencyMs, cached: false, ...partial, finishReason: code === 'cancelled' ? 'cancelled' : 'error', error: { code, message } }
}

/** Rewrites an attempt's error once we know why its signal aborted (the vendor only sees "aborted"). */
export function explainAbort(response: ProviderResponse, outer: AbortSignal | undefined, timedOut: boolean, timeoutMs: number): ProviderResponse {
  if (outer?.aborted) return { ...response, finishReason: 'cancelled', error: { code: 'cancelled', message: 'Cancelled' } }
  if (timedOut && (!response.error || response.error.code === 'cancelled' || response.error.code === 'network')) {
    return { ...response, finishReason: 'error', error: { code: 'timeout', message: `No answer within ${timeoutMs} ms` } }
  }
  return response
}

/** Runs `attempt` under the policy; never throws for provider failures. */
export async function callWithRetries(attempt: (signal: AbortSignal) => Promise<ProviderResponse>, options: { policy: RetryPolicy; clock: Clock; signal?: AbortSignal; limiter?: Limiter }): Promise<ProviderResponse> {
  const { policy, clock, signal, limiter } = options
  const started = clock.now()
  for (let retry = 0; ; retry++) {
    if (signal?.aborted) return failedResponse('cancelled', 'Cancelled', clock.now() - started)
    let release: () => void = () => {}
    try {
      release = (await limiter?.acquire(signal)) ?? release
    } catch {
      return failedResponse('cancelled', 'Cancelled', clock.now() - started)
    }
    // The timeout starts once a slot is held: waiting in the queue is not the server being slow.
    const scope = attemptSignal(policy.timeoutMs, signal)
    let response: ProviderResponse
    try {
      response = explainAbort(await attempt(scope.signal), signal, scope.timedOut(), policy.timeoutMs)
    } finally {
      scope.dispose()
      release()
    }
    if (!isRetryable(response.error) || retry >= policy.maxRetries || signal?.aborted) return response
    await clock.sleep(retryDelayMs(retry + 1, policy, response.error?.retryAfterMs), signal)
  }
}

/** A concurrency gate; `acquire` resolves with a release function, or rejects when `signal` aborts first. */
export interface Limiter {
  acquire(signal?: AbortSignal): Promise<() => void>
  readonly active: number
}

/** Limits how many calls run at once (one per provider). */
export function createLimiter(max: number): Limiter {
  let active = 0
  const waiting: Array<() => void> = []
  const release = () => {
    active--
    waiting.shift()?.()
  }
  return {
    get active() {
      return active
    },
    acquire(signal) {
      return new Promise((resolve, reject) => {
        const grant = () => {
          signal?.removeEventListener('abort', onAbort)
          active++
          let released = false
          resolve(() => {
            if (released) return
            released = true
            release()
          })
        }
        const onAbort = () => {
          const i = waiting.indexOf(grant)
          if (i >= 0) waiting.splice(i, 1)
          reject(signal?.reason ?? new Error('Cancelled'))
        }
        if (signal?.aborted) return onAbort()
        if (active < max) return grant()
        waiting.push(grant)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
  }
}
