/**
 * The SDK's one piece of global state, like every tracing SDK: the settings
 * from `init` (or the environment) and the exporter. Everything here is
 * defensive: a bad setting becomes a warning, never an exception in the app.
 */
import { Exporter, type ExportStats } from './exporter'
import { DEFAULT_VALUE_LIMITS, type ValueLimits } from './serialize'
import type { Attributes, Scope } from './span'

/** Options of {@link init}; everything is optional. */
export interface InitOptions {
  /** The project name, for messages; the token already selects the project on the server. */
  project?: string
  /** Weft's ingest URL, e.g. `http://127.0.0.1:4319`. Default: env `WEFT_ENDPOINT`. */
  endpoint?: string
  /** The project's ingest token (`weft token`). Default: env `WEFT_TOKEN`. */
  token?: string
  /** Attributes put on every span. */
  attributes?: Attributes
  /** Most spans waiting to be sent (default 100,000); beyond it new spans are dropped and counted. */
  maxQueueSpans?: number
  /** Most bytes of encoded spans waiting to be sent (default 48 MB). */
  maxQueueBytes?: number
  /** Spans per request (default 5,000). */
  maxBatchSpans?: number
  /** Bytes per request (default 4 MB; the server accepts 64 MB). */
  maxBatchBytes?: number
  /** A partial batch goes out after this long (default 250 ms). */
  flushIntervalMs?: number
  /** How long a batch is retried while Weft is down (default 30 s). */
  retryForMs?: number
  /** How long the process may be held open at exit to send what is left (default 5 s). */
  exitFlushTimeoutMs?: number
  /** One request's time limit (default 10 s). */
  requestTimeoutMs?: number
  /** Requests in flight at once (default 2). */
  maxInFlight?: number
  /** Gzip request bodies (default: only when the endpoint is not on this machine). */
  compress?: boolean
  /** Bounds on recorded inputs and outputs. */
  valueLimits?: Partial<ValueLimits>
  /** Where warnings go (default `console.warn`). */
  warn?: (message: string) => void
}

/** What the SDK is configured with right now. */
export interface SdkState {
  initialized: boolean
  exporter: Exporter | null
  endpoint: string | undefined
  token: string | undefined
  limits: ValueLimits
  /** The scope of spans that start outside any op: global attributes only. */
  rootScope: Scope | undefined
  warn: (message: string) => void
}

/** The global state (module singleton). */
export const state: SdkState = {
  initialized: false,
  exporter: null,
  endpoint: undefined,
  token: undefined,
  limits: DEFAULT_VALUE_LIMITS,
  rootScope: undefined,
  warn: (message) => console.warn(message),
}

const EMPTY_STATS: ExportStats = { sent: 0, dropped: 0, failed: 0, queued: 0 }
// Counts of exporters replaced by a later init, so stats() never goes backwards.
const retired = { ...EMPTY_STATS }
let exitHookInstalled = false

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && value > 0 ? value : fallback
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.')
  } catch {
    return false
  }
}

function installExitHook(): void {
  if (exitHookInstalled || typeof process === 'undefined' || typeof process.on !== 'function') return
  exitHookInstalled = true
  // beforeExit fires when the event loop is empty: the moment to send what is left. Requests
  // then keep the loop alive; once idle, beforeExit fires again and finds nothing to do.
  process.on('beforeExit', () => state.exporter?.flushAtExit())
}

/**
 * Configures tracing. Without an endpoint and token (here or in `WEFT_ENDPOINT` /
 * `WEFT_TOKEN`) ops still run but nothing is sent, and one warning says so.
 */
export function init(options: InitOptions = {}): void {
  try {
    if (options.warn) state.warn = options.warn
    const env = typeof process !== 'undefined' ? process.env : {}
    const endpoint = options.endpoint ?? env.WEFT_ENDPOINT
    const token = options.token ?? env.WEFT_TOKEN
    const previous = state.exporter
    // A second init replaces the exporter; the old one sends what it holds first.
    if (previous) void previous.shutdown().finally(() => retire(previous))
    state.initialized = true
    state.endpoint = endpoint
    state.token = token
    state.limits = { ...DEFAULT_VALUE_LIMITS, ...options.valueLimits }
    state.rootScope = options.attributes ? { span: null, attributes: { ...options.attributes } } : undefined
    state.exporter = null
    if (!endpoint || !token) {
      state.warn(`Weft: no ${!endpoint ? 'endpoint (WEFT_ENDPOINT)' : 'token (WEFT_TOKEN)'} configured; ops run but no spans are sent.`)
      return
    }
    try {
      new URL(endpoint)
    } catch {
      state.warn(`Weft: the endpoint "${endpoint}" is not a URL; ops run but no spans are sent.`)
      return
    }
    state.exporter = new Exporter({
      endpoint,
      token,
      maxQueueSpans: positive(options.maxQueueSpans, 100_000),
      maxQueueBytes: positive(options.maxQueueBytes, 48_000_000),
      maxBatchSpans: Math.min(positive(options.maxBatchSpans, 5_000), 100_000),
      maxBatchBytes: positive(options.maxBatchBytes, 4_000_000),
      flushIntervalMs: positive(options.flushIntervalMs, 250),
      retryForMs: positive(options.retryForMs, 30_000),
      exitFlushTimeoutMs: positive(options.exitFlushTimeoutMs, 5_000),
      requestTimeoutMs: positive(options.requestTimeoutMs, 10_000),
      maxInFlight: positive(options.maxInFlight, 2),
      compress: options.compress ?? !isLoopback(endpoint),
      // This exporter's warnings go where its init said, even after a later init.
      warn: state.warn,
    })
    installExitHook()
  } catch (error) {
    state.exporter = null
    state.warn(`Weft: tracing is off (${error instanceof Error ? error.message : String(error)}).`)
  }
}

/** The exporter, configuring from the environment on first use so `WEFT_*` alone is enough. */
export function activeExporter(): Exporter | null {
  if (!state.initialized) init()
  return state.exporter
}

/** Spans sent, dropped (queue full), failed (refused or Weft unreachable) and still queued. */
export function stats(): ExportStats {
  const current = state.exporter?.stats() ?? EMPTY_STATS
  return { sent: current.sent + retired.sent, dropped: current.dropped + retired.dropped, failed: current.failed + retired.failed, queued: current.queued }
}

/** Sends every finished span now; resolves when done (or after `timeoutMs`). For serverless handlers. */
export async function flush(options: { timeoutMs?: number } = {}): Promise<void> {
  try {
    await state.exporter?.flush(options.timeoutMs)
  } catch {}
}

/** Flushes, then stops tracing (ops keep running untraced) and closes the connection. */
export async function shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
  const exporter = state.exporter
  state.exporter = null
  try {
    await exporter?.shutdown(options.timeoutMs)
  } catch {}
  if (exporter) retire(exporter)
}

function retire(exporter: Exporter): void {
  const after = exporter.stats()
  retired.sent += after.sent
  retired.dropped += after.dropped
  retired.failed += after.failed
}
