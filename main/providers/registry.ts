/**
 * The one place providers are registered, and the one pipeline every call goes
 * through: cache → per-provider concurrency → retries/timeout → vendor → cost →
 * key redaction → cache. Vendor files stay small because they only translate.
 *
 * Cache hits come back `cached: true` with the original usage and `costUsd: 0`
 * (nothing was paid for this answer; the original cost was reported when it was).
 */
import { WeftError } from '../../common/errors'
import { createAnthropicProvider } from './anthropic'
import { cacheKey, createProjectCache, type ResponseCache } from './cache'
import { createEchoProvider } from './echo'
import { createOpenAIProvider } from './openai'
import { loadPrices, costOf, type PriceTable } from './prices'
import { SHIPPED_PRICES } from './priceList'
import { attemptSignal, callWithRetries, createLimiter, DEFAULT_RETRY_POLICY, explainAbort, failedResponse, isRetryable, retryDelayMs, systemClock, type Clock, type Limiter, type RetryPolicy } from './resilience'
import { keyNameFor, redactText } from './secrets'
import type { CallOptions, Provider, ProviderRequest, ProviderResponse, SecretSource, StreamEvent } from './types'

/** Dependencies of the provider layer, as one object. */
export interface ProvidersOptions {
  secrets: SecretSource
  /** Enables the file cache under `<projectDir>/.weft/` and the project's `prices.yaml`. */
  projectDir?: string
  /** Price table; default: shipped prices merged with `prices.yaml` (pass `await loadPrices(dir)` to see a bad file's error). */
  prices?: PriceTable
  /** Response cache; default: a file cache when `projectDir` is given; `false` disables. */
  cache?: ResponseCache | false
  policy?: Partial<RetryPolicy>
  clock?: Clock
  /** Calls at once per provider (default 4), or per provider id (`*`: every provider not named). */
  concurrency?: number | Record<string, number>
  /** Extra or replacement vendor implementations (tests, plugins). */
  vendors?: Provider[]
}

/** Per-call options of the registry: the vendor options plus cache control. */
export interface ProvidersCallOptions extends CallOptions {
  /** false: neither read nor write the cache for this call. */
  cache?: boolean
}

/** The provider layer. */
export interface Providers {
  /** A provider by id, its calls going through the whole pipeline; throws NOT_FOUND for an unknown id. */
  get(id: string): Provider
  /** Adds or replaces a vendor implementation. */
  register(provider: Provider): void
  call(request: ProviderRequest, options?: ProvidersCallOptions): Promise<ProviderResponse>
  stream(request: ProviderRequest, options?: ProvidersCallOptions): AsyncIterable<StreamEvent>
}

/** Builds the provider layer with the built-in vendors (openai, openai-compatible, anthropic, echo). */
export function createProviders(options: ProvidersOptions): Providers {
  const vendors = new Map<string, Provider>()
  const register = (p: Provider) => void vendors.set(p.id, p)
  register(createOpenAIProvider({ secrets: options.secrets, id: 'openai' }))
  register(createOpenAIProvider({ secrets: options.secrets, id: 'openai-compatible' }))
  register(createAnthropicProvider({ secrets: options.secrets }))
  register(createEchoProvider())
  // New vendors register here (or through `vendors` / register()); they get retries, cache, cost and
  // redaction from this pipeline, so they must turn their SDK's own retries off.
  for (const p of options.vendors ?? []) register(p)

  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.policy }
  const clock = options.clock ?? systemClock
  const cache = options.cache === false ? undefined : (options.cache ?? (options.projectDir ? createProjectCache(options.projectDir) : undefined))
  let prices: Promise<PriceTable> | undefined = options.prices ? Promise.resolve(options.prices) : undefined
  // A broken prices.yaml must not fail calls; shipped prices still apply (loadPrices reports the error to whoever loads it directly).
  const pricesNow = () => (prices ??= loadPrices(options.projectDir).catch(() => ({ ...SHIPPED_PRICES })))
  const limiters = new Map<string, Limiter>()
  const limiterFor = (id: string) => {
    let limiter = limiters.get(id)
    if (!limiter) {
      const max = typeof options.concurrency === 'number' ? options.concurrency : (options.concurrency?.[id] ?? options.concurrency?.['*'] ?? 4)
      limiters.set(id, (limiter = createLimiter(max)))
    }
    return limiter
  }

  async function finish(request: ProviderRequest, response: ProviderResponse, started: number, useCache: boolean, key: string | undefined): Promise<ProviderResponse> {
    let result = { ...response, latencyMs: Date.now() - started }
    if (result.costUsd === null) result.costUsd = costOf(await pricesNow(), request.model, result.usage)
    if (result.error) {
      // Belt and braces: vendors mask their keys, but a server may echo one back in an error body.
      const keyName = keyNameFor(request.provider === 'openai-compatible' ? 'openai' : request.provider, request.apiKeyEnv)
      const key = keyName ? await options.secrets(keyName) : undefined
      result = { ...result, error: { ...result.error, message: redactText(result.error.message, key ? [key] : []) } }
    } else if (useCache && cache && key) {
      await cache.set(key, result).catch(() => {}) // a full disk must not fail a call that succeeded
    }
    return result
  }

  async function lookup(request: ProviderRequest, useCache: boolean): Promise<{ key?: string; hit?: ProviderResponse }> {
    if (!useCache || !cache) return {}
    const key = cacheKey(request)
    const hit = await cache.get(key)
    return { key, hit: hit && !hit.error ? { ...hit, cached: true, costUsd: 0 } : undefined }
  }

  async function call(request: ProviderRequest, callOptions: ProvidersCallOptions = {}): Promise<ProviderResponse> {
    const started = Date.now()
    const vendor = vendors.get(request.provider)
    if (!vendor) return failedResponse('invalid_request', `Unknown provider: ${request.provider}`)
    const useCache = callOptions.cache !== false
    const { key, hit } = await lookup(request, useCache)
    if (hit) return { ...hit, latencyMs: Date.now() - started }
    const attemptPolicy = { ...policy, timeoutMs: callOptions.timeoutMs ?? policy.timeoutMs }
    const response = await callWithRetries((signal) => vendor.call(request, { signal, timeoutMs: attemptPolicy.timeoutMs }), { policy: attemptPolicy, clock, signal: callOptions.signal, limiter: limiterFor(vendor.id) })
    return finish(request, response, started, useCache, key)
  }

  async function* stream(request: ProviderRequest, callOptions: ProvidersCallOptions = {}): AsyncIterable<StreamEvent> {
    const started = Date.now()
    const signal = callOptions.signal
    const vendor = vendors.get(request.provider)
    if (!vendor) return yield { type: 'done', response: failedResponse('invalid_request', `Unknown provider: ${request.provider}`) }
    const useCache = callOptions.cache !== false
    const { key, hit } = await lookup(request, useCache)
    if (hit) {
      if (hit.output) yield { type: 'text', text: hit.output }
      for (const c of hit.toolCalls) yield { type: 'tool_call', call: c }
      return yield { type: 'done', response: { ...hit, latencyMs: Date.now() - started, firstTokenMs: Date.now() - started } }
    }
    const timeoutMs = callOptions.timeoutMs ?? policy.timeoutMs
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) return yield { type: 'done', response: failedResponse('cancelled', 'Cancelled', Date.now() - started) }
      let release: () => void
      try {
        release = await limiterFor(vendor.id).acquire(signal)
      } catch {
        return yield { type: 'done', response: failedResponse('cancelled', 'Cancelled', Date.now() - started) }
      }
      const scope = attemptSignal(timeoutMs, signal)
      let yielded = false
      let firstTokenMs: number | undefined
      let final: ProviderResponse | undefined
      try {
        for await (const event of vendor.stream(request, { signal: scope.signal, timeoutMs })) {
          if (event.type === 'done') {
            final = event.response
            break
          }
          yielded = true
          firstTokenMs ??= Date.now() - started // from the caller's start, so queueing and retries count
          yield event
        }
      } finally {
        scope.dispose()
        release()
      }
      final = explainAbort(final ?? failedResponse('bad_response', 'The stream ended without a final event'), signal, scope.timedOut(), timeoutMs)
      // Once text has reached the caller a retry would repeat it, so only a failure before the first event is retried.
      if (!yielded && isRetryable(final.error) && retry < policy.maxRetries && !signal?.aborted) {
        await clock.sleep(retryDelayMs(retry + 1, policy, final.error?.retryAfterMs), signal)
        continue
      }
      return yield { type: 'done', response: { ...(await finish(request, final, started, useCache, key)), firstTokenMs } }
    }
  }

  const wrapped = new Map<string, Provider>()
  return {
    register,
    call,
    stream,
    get(id) {
      if (!vendors.has(id)) throw new WeftError('NOT_FOUND', `Unknown provider: ${id}`)
      let p = wrapped.get(id)
      if (!p) wrapped.set(id, (p = { id, call: (r, o) => call({ ...r, provider: id }, o), stream: (r, o) => stream({ ...r, provider: id }, o) }))
      return p
    },
  }
}
