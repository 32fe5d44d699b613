import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flush, init, op, shutdown, stats as totals, withAttributes, type ExportStats, type InitOptions } from './index'
import { startSink, type Sink } from './test/sink'

let sink: Sink
let warnings: string[]
let base: ExportStats

/** Counts since this test began (the SDK's counts are per process). */
function stats(): ExportStats {
  const now = totals()
  return { sent: now.sent - base.sent, dropped: now.dropped - base.dropped, failed: now.failed - base.failed, queued: now.queued }
}

beforeEach(async () => {
  sink = await startSink()
  warnings = []
  base = totals()
})
afterEach(async () => {
  await shutdown({ timeoutMs: 300 })
  await sink.close()
})

function start(options: InitOptions = {}): void {
  // This test's list: a previous test's exporter, still giving up on its last batch, must not write here.
  const mine = warnings
  init({ endpoint: sink.url, token: 'tok', flushIntervalMs: 5, warn: (m) => mine.push(m), ...options })
}
const noop = op(() => undefined, { name: 'noop' })
function spans(n: number): void {
  for (let i = 0; i < n; i++) noop()
}
const batches = () => sink.requests.filter((r) => r.path === '/weft/v1/spans')
const sizes = () => batches().map((r) => (r.body.spans as unknown[]).length)
const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('export', () => {
  it('sends in batches by count and by bytes, each span once', async () => {
    start({ maxBatchSpans: 10 })
    spans(25)
    await flush()
    expect(sizes()).toEqual([10, 10, 5])
    expect(new Set(sink.spans.map((s) => s.id)).size).toBe(25)
    sink.requests.length = 0
    start({ maxBatchBytes: 1000 })
    const big = op((text: string) => text.length, { name: 'big' })
    for (let i = 0; i < 10; i++) big('x'.repeat(300))
    await flush()
    expect(batches().length).toBeGreaterThanOrEqual(4)
    for (const r of batches()) expect(r.bytes).toBeLessThan(1200)
    expect(stats()).toMatchObject({ sent: 35, dropped: 0, failed: 0, queued: 0 })
  })

  it('drops the newest spans when the queue is full, counts them and warns once, never blocking', async () => {
    sink.always({ hang: true })
    start({ maxQueueSpans: 50, maxBatchSpans: 20, maxInFlight: 1, requestTimeoutMs: 60_000 })
    const started = performance.now()
    spans(1000)
    const elapsed = performance.now() - started
    expect(elapsed).toBeLessThan(500)
    await until(() => batches().length === 1)
    const s = stats()
    // One batch of 20 in flight, 50 queued, the rest dropped.
    expect(s.queued).toBe(50)
    expect(s.dropped).toBe(1000 - 50 - 20)
    expect(warnings.filter((w) => w.includes('queue is full'))).toHaveLength(1)
  })

  it('retries 5xx and 429 with backoff, then delivers without a warning', async () => {
    sink.reply({ status: 500 }, { status: 503 }, { status: 429, headers: { 'retry-after': '0' } })
    start()
    spans(3)
    await flush()
    expect(batches().length).toBe(4)
    expect(sink.spans).toHaveLength(3)
    expect(stats()).toMatchObject({ sent: 3, failed: 0 })
    expect(warnings).toEqual([])
  })

  it('gives up on a batch after the retry budget with ONE warning for the whole outage', async () => {
    sink.always({ status: 500 })
    start({ retryForMs: 300, maxBatchSpans: 5 })
    spans(20)
    await flush()
    expect(stats()).toMatchObject({ sent: 0, failed: 20, queued: 0 })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/unreachable.*HTTP 500/)
    // Weft is back: spans flow again; a new outage would warn again.
    sink.always(undefined)
    spans(2)
    await flush()
    expect(stats()).toMatchObject({ sent: 2, failed: 20 })
  })

  it('treats a server that never answers like one that is down, within the request timeout', async () => {
    sink.always({ hang: true })
    start({ retryForMs: 200, requestTimeoutMs: 100 })
    spans(4)
    await flush()
    expect(stats()).toMatchObject({ failed: 4, sent: 0 })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/no answer in 100 ms/)
  })

  it('drops 401 and 400 batches without retry, with one clear warning each', async () => {
    sink.always({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'unknown token' } } })
    start({ maxBatchSpans: 2 })
    spans(6)
    await flush()
    expect(batches().length).toBe(3)
    expect(stats()).toMatchObject({ failed: 6, sent: 0 })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/HTTP 401: unknown token.*WEFT_TOKEN/)
    sink.always({ status: 400, body: { error: { code: 'INVALID_REQUEST', message: 'spans.0.name: too long' } } })
    spans(1)
    await flush()
    expect(warnings).toHaveLength(2)
    expect(warnings[1]).toMatch(/HTTP 400: spans.0.name: too long/)
  })

  it('splits a batch the server finds too large (413) and retries the halves', async () => {
    start({ maxBatchSpans: 16 })
    const sized = op((text: string) => text, { name: 'sized' })
    // Each span carries ~200 bytes twice (input and output): four spans fit the limit, sixteen do not.
    sink.maxBytes = 2500
    for (let i = 0; i < 16; i++) sized(`${i}`.padEnd(200, '.'))
    await flush()
    expect(sink.spans).toHaveLength(16)
    expect(new Set(sink.spans.map((s) => (s.inputs as { text: string }).text.split('.')[0])).size).toBe(16)
    expect(batches().length).toBeGreaterThan(4)
    expect(stats()).toMatchObject({ sent: 16, failed: 0 })
    // One span alone over the limit is dropped with a warning, the others still arrive.
    sized('y'.repeat(5000))
    sized('small')
    await flush()
    expect(stats()).toMatchObject({ sent: 17, failed: 1 })
    expect(warnings).toEqual([expect.stringMatching(/larger than the server accepts/)])
  })

  it('keeps the app fast and alive when nothing listens at the endpoint', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    init({ endpoint: `http://127.0.0.1:${port}`, token: 'tok', retryForMs: 200, flushIntervalMs: 5, warn: (m) => warnings.push(m) })
    const started = performance.now()
    spans(20_000)
    expect(performance.now() - started).toBeLessThan(2000)
    await flush()
    expect(stats()).toMatchObject({ sent: 0, failed: 20_000, dropped: 0 })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/ECONNREFUSED/)
  })

  it('puts init() attributes on every span, under withAttributes and op-level ones', async () => {
    start({ attributes: { service: 'api', env: 'test' } })
    noop()
    await withAttributes({ env: 'canary' }, async () => noop())
    await flush()
    expect(sink.spans.map((s) => s.attributes)).toEqual([{ service: 'api', env: 'test' }, { service: 'api', env: 'canary' }])
  })

  it('gzips bodies when asked', async () => {
    start({ compress: true })
    spans(3)
    await flush()
    expect(batches()[0]!.headers['content-encoding']).toBe('gzip')
    expect(sink.spans).toHaveLength(3)
  })

  it('flushes on demand, and after shutdown ops still run but send nothing', async () => {
    start({ flushIntervalMs: 60_000 })
    spans(3)
    expect(sink.spans).toHaveLength(0)
    await flush()
    expect(sink.spans).toHaveLength(3)
    spans(2)
    await shutdown()
    expect(sink.spans).toHaveLength(5)
    expect(noop()).toBeUndefined()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(sink.spans).toHaveLength(5)
    expect(stats()).toMatchObject({ sent: 5, queued: 0 })
  })

  it('runs ops untraced with one warning when no endpoint or token is configured', async () => {
    const saved = { endpoint: process.env.WEFT_ENDPOINT, token: process.env.WEFT_TOKEN }
    delete process.env.WEFT_ENDPOINT
    delete process.env.WEFT_TOKEN
    try {
      init({ warn: (m) => warnings.push(m) })
      expect(op((a: number) => a + 1)(1)).toBe(2)
      expect(await op(async () => 'x')()).toBe('x')
      await flush()
      expect(warnings).toEqual([expect.stringMatching(/no endpoint \(WEFT_ENDPOINT\)/)])
      expect(sink.requests).toHaveLength(0)
    } finally {
      Object.assign(process.env, { WEFT_ENDPOINT: saved.endpoint ?? '', WEFT_TOKEN: saved.token ?? '' })
      if (saved.endpoint === undefined) delete process.env.WEFT_ENDPOINT
      if (saved.token === undefined) delete process.env.WEFT_TOKEN
    }
  })
})
