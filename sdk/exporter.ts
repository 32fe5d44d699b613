/**
 * The background export of finished spans: a bounded queue of encoded spans,
 * sent in batches (by count and by bytes) to `POST /weft/v1/spans`.
 *
 * What it promises the app: enqueueing never blocks and never throws; memory
 * stays bounded (when the app outpaces Weft the newest spans are dropped and
 * counted); a Weft that is down costs a bounded retry (~30 s per batch) and
 * one warning per outage, never a crash, an exit or a slowdown of the app.
 */
import http from 'node:http'
import https from 'node:https'
import { gzip } from 'node:zlib'
import { SpanArena, splitBatch, type Batch } from './arena'
import { SDK_VERSION } from './version'

/** Exporter settings (see `init` for the defaults). */
export interface ExporterOptions {
  endpoint: string
  token: string
  maxQueueSpans: number
  /** Bound on queued span text, in UTF-8 bytes. */
  maxQueueBytes: number
  maxBatchSpans: number
  maxBatchBytes: number
  flushIntervalMs: number
  /** How long one batch is retried on network errors, 5xx and 429 before it is dropped. */
  retryForMs: number
  /** The retry budget at process exit, so an app whose Weft is down still exits promptly. */
  exitFlushTimeoutMs: number
  requestTimeoutMs: number
  maxInFlight: number
  compress: boolean
  warn: (message: string) => void
}

/** Counts of spans: sent and acknowledged, dropped at the queue, failed after sending, still queued. */
export interface ExportStats {
  sent: number
  dropped: number
  failed: number
  queued: number
}

type Outcome = { type: 'ok' } | { type: 'retry'; reason: string; retryAfterMs?: number } | { type: 'reject'; status: number; reason: string } | { type: 'tooLarge' }

const BODY_HEAD = Buffer.from(`{"sdk":{"name":"weft-js","version":"${SDK_VERSION}"},"spans":[`)
const BODY_TAIL = Buffer.from(']}')

/** Seconds or an HTTP date, as Retry-After allows; capped so a server cannot park the SDK. */
function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (!text) return undefined
  const seconds = Number(text)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - Date.now()
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 10_000) : undefined
}

/** Sends finished spans to Weft in the background. */
export class Exporter {
  private readonly arena: SpanArena
  private inFlight = 0
  private timer: NodeJS.Timeout | undefined
  private readonly sleeping = new Set<NodeJS.Timeout>()
  private readonly active = new Set<http.ClientRequest>()
  private exitTimer: NodeJS.Timeout | undefined
  private idleWaiters: (() => void)[] = []
  private exitDeadline = Infinity
  private closed = false
  private readonly warned = new Set<string>()
  private readonly counts = { sent: 0, dropped: 0, failed: 0 }
  private readonly url: URL
  private readonly transport: typeof http | typeof https
  private readonly agent: http.Agent

  constructor(private readonly options: ExporterOptions) {
    this.url = new URL('weft/v1/spans', options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`)
    this.transport = this.url.protocol === 'https:' ? https : http
    // Keep-alive: one connection reused for every batch; idle sockets are unref'd by the agent.
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: options.maxInFlight })
    this.arena = new SpanArena(options)
  }

  /** Queues one encoded span; drops (and counts) it when the queue is full. Never throws. */
  enqueue(text: string): void {
    const readyBefore = this.arena.readyCount
    if (this.closed || !this.arena.append(text)) {
      this.counts.dropped++
      if (!this.closed) this.warnOnce('queue', `Weft: the export queue is full (${this.arena.queued} spans); newer spans are dropped and counted in stats().dropped until Weft catches up.`)
      return
    }
    // A batch just filled up: send it now if there is room; otherwise a partial batch waits for the timer.
    if (this.arena.readyCount > readyBefore) {
      if (this.inFlight < this.options.maxInFlight) this.pump(false)
    } else if (this.timer === undefined) {
      this.armTimer()
    }
  }

  /** A partial batch goes out after `flushIntervalMs`; unref'd so it never keeps the app alive. */
  private armTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.pump(true)
    }, this.options.flushIntervalMs)
    this.timer.unref()
  }

  /** Counts so far. */
  stats(): ExportStats {
    return { ...this.counts, queued: this.arena.queued }
  }

  /** Sends everything queued; resolves when nothing is queued or in flight (or after `timeoutMs`). */
  flush(timeoutMs = Infinity): Promise<void> {
    this.pump(true)
    if (this.isIdle()) return Promise.resolve()
    return new Promise<void>((resolve) => {
      let timeout: NodeJS.Timeout | undefined
      const done = () => {
        if (timeout) clearTimeout(timeout)
        resolve()
      }
      this.idleWaiters.push(done)
      if (Number.isFinite(timeoutMs)) timeout = setTimeout(done, timeoutMs)
    })
  }

  /** Flushes, then stops: later spans are dropped (counted) and the connection is closed. */
  async shutdown(timeoutMs?: number): Promise<void> {
    await this.flush(timeoutMs)
    this.closed = true
    this.agent.destroy()
  }

  /**
   * At process exit (`beforeExit`): send what is left, with retry timers
   * holding the process open for at most `exitFlushTimeoutMs`.
   */
  flushAtExit(): void {
    if (this.isIdle() || this.closed) return
    this.exitDeadline = Math.min(this.exitDeadline, Date.now() + this.options.exitFlushTimeoutMs)
    for (const timer of this.sleeping) timer.ref()
    // A Weft that accepts connections but never answers would otherwise hold the app for the request timeout.
    this.exitTimer ??= setTimeout(() => {
      for (const request of this.active) request.destroy(new Error('gave up at exit'))
    }, this.options.exitFlushTimeoutMs).unref()
    this.pump(true)
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.arena.queued === 0
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return
    this.warned.add(key)
    try {
      this.options.warn(message)
    } catch {}
  }

  /** Starts ready batches while there is room in flight; `force` (timer, flush, exit) also sends the partial one. */
  private pump(force: boolean): void {
    if (force) this.arena.seal()
    while (this.inFlight < this.options.maxInFlight) {
      const batch = this.arena.take()
      if (batch === undefined) break
      this.inFlight++
      void this.sendBatch(batch).finally(() => {
        this.arena.release(batch)
        this.inFlight--
        const flushing = this.exitDeadline !== Infinity || this.idleWaiters.length > 0
        this.pump(flushing)
        if (!flushing && this.arena.queued > 0 && this.timer === undefined) this.armTimer()
        if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve()
      })
    }
  }

  private async sendBatch(batch: Batch): Promise<void> {
    const started = Date.now()
    const count = batch.ends.length
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.post(batch.bytes)
      if (outcome.type === 'ok') {
        this.counts.sent += count
        // A later outage deserves its own warning.
        this.warned.delete('unreachable')
        return
      }
      if (outcome.type === 'tooLarge') {
        if (count === 1) {
          this.counts.failed++
          this.warnOnce('tooLarge', 'Weft: a span was larger than the server accepts (413) and was dropped.')
          return
        }
        const [first, second] = splitBatch(batch)
        await this.sendBatch(first)
        await this.sendBatch(second)
        return
      }
      if (outcome.type === 'reject') {
        this.counts.failed += count
        const hint = outcome.status === 401 ? ' Check WEFT_TOKEN (the project token: `weft token`).' : ''
        this.warnOnce(`reject-${outcome.status}`, `Weft refused a batch of ${count} spans (HTTP ${outcome.status}: ${outcome.reason}); such batches are dropped without retry.${hint}`)
        return
      }
      const delay = outcome.retryAfterMs ?? Math.min(250 * 2 ** attempt, 5000) * (0.75 + Math.random() * 0.5)
      const deadline = Math.min(started + this.options.retryForMs, this.exitDeadline)
      if (this.closed || Date.now() + delay > deadline) {
        this.counts.failed += count
        this.warnOnce('unreachable', `Weft is unreachable at ${this.options.endpoint} (${outcome.reason}); spans are dropped after ${Math.round((Date.now() - started) / 1000)} s of retries and counted in stats().failed.`)
        return
      }
      await this.sleep(delay)
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer)
        resolve()
      }, ms)
      // Retries must not keep the app alive, except while flushing at exit.
      if (this.exitDeadline === Infinity) timer.unref()
      this.sleeping.add(timer)
    })
  }

  private async post(spans: Buffer): Promise<Outcome> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` }
    let parts = [BODY_HEAD, spans, BODY_TAIL]
    if (this.options.compress) {
      const zipped = await new Promise<Buffer | undefined>((resolve) => gzip(Buffer.concat(parts), (error, out) => resolve(error ? undefined : out)))
      if (zipped !== undefined) {
        parts = [zipped]
        headers['content-encoding'] = 'gzip'
      }
    }
    headers['content-length'] = String(parts.reduce((total, part) => total + part.length, 0))
    return new Promise<Outcome>((resolve) => {
      let settled = false
      const settle = (outcome: Outcome) => {
        if (!settled) {
          settled = true
          resolve(outcome)
        }
      }
      try {
        const request = this.transport.request(this.url, { method: 'POST', headers, agent: this.agent }, (response) => {
          const status = response.statusCode ?? 0
          let reply = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => {
            if (reply.length < 4096) reply += chunk
          })
          response.on('error', (error) => settle({ type: 'retry', reason: error.message }))
          response.on('end', () => {
            if (status >= 200 && status < 300) return settle({ type: 'ok' })
            if (status === 413) return settle({ type: 'tooLarge' })
            if (status === 429 || status === 408 || status >= 500) return settle({ type: 'retry', reason: `HTTP ${status}`, retryAfterMs: parseRetryAfter(response.headers['retry-after']) })
            settle({ type: 'reject', status, reason: errorMessage(reply) })
          })
        })
        request.setTimeout(this.options.requestTimeoutMs, () => request.destroy(new Error(`no answer in ${this.options.requestTimeoutMs} ms`)))
        request.on('error', (error) => settle({ type: 'retry', reason: error.message }))
        this.active.add(request)
        request.on('close', () => this.active.delete(request))
        for (let i = 0; i < parts.length - 1; i++) request.write(parts[i])
        request.end(parts[parts.length - 1])
      } catch (error) {
        settle({ type: 'retry', reason: error instanceof Error ? error.message : String(error) })
      }
    })
  }
}

/** The server's `{error:{message}}`, or the start of whatever it said. */
function errorMessage(reply: string): string {
  try {
    const parsed = JSON.parse(reply) as { error?: { message?: unknown } | string }
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message
    if (typeof message === 'string') return message.slice(0, 500)
  } catch {}
  return reply.slice(0, 200) || 'no reason given'
}
