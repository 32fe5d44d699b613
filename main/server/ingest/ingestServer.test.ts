import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SpanInput } from '../../../common/schemas/span'
import { startTestIngest, type TestIngest } from '../../../tests/node/ingestHarness'
import { ingestToken } from './ingestServer'
import { findSpan } from '../../../tests/node/findSpan'

let ingest: TestIngest
let small: TestIngest

beforeAll(async () => {
  ingest = await startTestIngest()
  small = await startTestIngest({ maxBodyBytes: 64 * 1024 })
})
afterAll(async () => {
  await ingest?.close()
  await small?.close()
})

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0')

/** Span ids are unique per trace here (`<trace>:<n>`), as random 64-bit ids are in practice. */
function span(id: number, parent: number | null, extra: Partial<SpanInput> = {}): SpanInput {
  const traceId = extra.traceId ?? hex(1, 32)
  const spanId = (n: number) => hex(parseInt(traceId.slice(-8), 16) * 1000 + n, 16)
  return {
    id: spanId(id),
    traceId,
    parentId: parent === null ? null : spanId(parent),
    name: `step-${id}`,
    startMs: 1_700_000_000_000 + id,
    endMs: 1_700_000_000_100 + id,
    ...extra,
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies of several shapes, asserted field by field
type Reply = { status: number; json: any }

async function post(target: TestIngest, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}`, ...headers },
    body: typeof body === 'string' ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : null }
}

describe('ingest server: native door', () => {
  it('stores a nested batch (children before their parent) as one trace tree', async () => {
    const traceId = hex(0xabc, 32)
    const spans = [span(3, 2, { traceId }), span(2, 1, { traceId, kind: 'llm', usage: { 'gpt-x': { inputTokens: 5, outputTokens: 7 } } }), span(1, null, { traceId, name: 'agent', kind: 'agent' })]
    const reply = await post(ingest, '/weft/v1/spans', { sdk: { name: 'weft-js', version: '0.1.0' }, spans })
    expect(reply).toEqual({ status: 200, json: { accepted: 3 } })
    const trace = ingest.traces.getTrace(traceId)
    expect(trace?.trace).toMatchObject({ rootName: 'agent', spanCount: 3, totalTokens: 12 })
    expect(trace?.roots[0]?.children[0]?.children[0]?.id).toBe(spans[0]!.id)
  })

  it('accepts the token as Basic api:TOKEN (Weave) and as x-weft-token', async () => {
    const basic = Buffer.from(`api:${ingest.token}`).toString('base64')
    expect((await post(ingest, '/weft/v1/spans', { spans: [] }, { authorization: `Basic ${basic}` })).status).toBe(200)
    const res = await fetch(`${ingest.url}/weft/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-weft-token': ingest.token }, body: '{"spans":[]}' })
    expect(res.status).toBe(200)
    expect(ingestToken({ headers: { authorization: 'Basic ' + Buffer.from('just-a-key').toString('base64') } })).toBe('just-a-key')
  })

  it('refuses a missing or unknown token with 401 and says how to get one', async () => {
    const none = await fetch(`${ingest.url}/weft/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"spans":[]}' })
    expect(none.status).toBe(401)
    expect(((await none.json()) as { reason: string }).reason).toMatch(/missing.*weft token/)
    const wrong = await post(ingest, '/weft/v1/spans', { spans: [] }, { authorization: `Bearer weft_${'x'.repeat(32)}` })
    expect(wrong.status).toBe(401)
    // Another project's token reaches that project, not this one.
    const other = await post(ingest, '/weft/v1/spans', { spans: [] }, { authorization: `Bearer ${small.token}` })
    expect(other.status).toBe(401)
  })

  it('answers 400 naming the span and field, and stores nothing of a bad batch', async () => {
    const traceId = hex(0xbad, 32)
    const reply = await post(ingest, '/weft/v1/spans', { spans: [span(1, null, { traceId }), { ...span(2, 1, { traceId }), startMs: 'yesterday' }] })
    expect(reply.status).toBe(400)
    expect(reply.json.reason).toMatch(/1\.startMs/)
    expect(ingest.traces.getTrace(traceId)).toBeUndefined()
    const notJson = await post(ingest, '/weft/v1/spans', '{"spans": [')
    expect(notJson.status).toBe(400)
    expect(notJson.json.reason).toMatch(/not valid JSON/)
    const noSpans = await post(ingest, '/weft/v1/spans', { spanz: [] })
    expect(noSpans.json.reason).toMatch(/spans/)
  })

  it('answers 413 to a body over the limit, declared or streamed, and to a compressed bomb', async () => {
    const big = JSON.stringify({ spans: [span(1, null, { output: 'x'.repeat(100_000) })] })
    expect((await post(small, '/weft/v1/spans', big)).status).toBe(413)
    const bomb = zlib.gzipSync(Buffer.from(JSON.stringify({ spans: [span(1, null, { output: ' '.repeat(1_000_000) })] })))
    expect(bomb.length).toBeLessThan(64 * 1024)
    const reply = await post(small, '/weft/v1/spans', bomb, { 'content-encoding': 'gzip' })
    expect(reply.status).toBe(413)
    expect(reply.json.reason).toMatch(/Decompressed body is larger/)
  })

  it('reads gzip bodies, and refuses an unknown encoding with 415', async () => {
    const traceId = hex(0x9219, 32)
    const body = zlib.gzipSync(Buffer.from(JSON.stringify({ spans: [span(1, null, { traceId })] })))
    expect((await post(ingest, '/weft/v1/spans', body, { 'content-encoding': 'gzip' })).status).toBe(200)
    expect(ingest.traces.getTrace(traceId)).toBeDefined()
    expect((await post(ingest, '/weft/v1/spans', body, { 'content-encoding': 'zstd' })).status).toBe(415)
  })

  it('stores a span with a 10 MB output and previews it', async () => {
    const output = 'y'.repeat(10 * 1024 * 1024)
    const s = span(77, null, { traceId: hex(0x10, 32), output })
    expect((await post(ingest, '/weft/v1/spans', { spans: [s] })).status).toBe(200)
    const stored = findSpan(ingest.traces, s.id)
    expect((stored?.output as string).length).toBe(output.length)
    const tree = ingest.traces.getTrace(hex(0x10, 32))
    expect(tree?.roots[0]?.outputPreview?.length).toBeLessThanOrEqual(500)
  })

  it('refuses unknown routes (404), wrong methods (405) and foreign Host headers (403)', async () => {
    expect((await post(ingest, '/nope', {})).status).toBe(404)
    const get = await fetch(`${ingest.url}/weft/v1/spans`, { headers: { authorization: `Bearer ${ingest.token}` } })
    expect(get.status).toBe(405)
    const url = new URL(ingest.url)
    const res = await new Promise<number>((resolve, reject) => {
      // fetch() cannot override Host; a raw request can, as a rebinding page's browser would.
      import('node:http').then(({ request }) => {
        const req = request({ host: url.hostname, port: url.port, path: '/weft/v1/spans', method: 'POST', headers: { host: 'evil.example:80', authorization: `Bearer ${ingest.token}` } }, (r) => {
          r.resume()
          resolve(r.statusCode ?? 0)
        })
        req.on('error', reject)
        req.end('{"spans":[]}')
      }, reject)
    })
    expect(res).toBe(403)
  })

  it('announces arrivals as coalesced traces.added events', async () => {
    // Let events of earlier tests' batches go out first.
    await new Promise((r) => setTimeout(r, 300))
    const seen: Array<{ traceIds: string[]; spans: number }> = []
    const off = ingest.workbench.on('traces.added', (e) => seen.push(e))
    const ids = Array.from({ length: 10 }, (_, i) => hex(0xe0 + i, 32))
    await Promise.all(ids.map((traceId) => post(ingest, '/weft/v1/spans', { spans: [span(1, null, { traceId }), span(2, 1, { traceId })] })))
    await new Promise((r) => setTimeout(r, 400))
    off()
    // Ten batches, far fewer events (one per 200 ms window), nothing lost.
    expect(seen.length).toBeGreaterThanOrEqual(1)
    expect(seen.length).toBeLessThanOrEqual(3)
    expect(seen.reduce((n, e) => n + e.spans, 0)).toBe(20)
    expect(seen.flatMap((e) => e.traceIds).sort()).toEqual(ids.sort())
  })

  it('serves getPrompt/getDataset reads from the project, with the same errors as the app', async () => {
    await ingest.workbench.call('objects.save', { kind: 'prompt', name: 'greet', content: '---\nmodel: echo/echo\n---\nHello {{name}}!\n' })
    const got = await post(ingest, '/weft/v1/objects/get', { ref: 'prompt:greet@latest' })
    expect(got.status).toBe(200)
    expect(got.json.content).toContain('Hello {{name}}!')
    const rendered = await post(ingest, '/weft/v1/prompts/render', { ref: 'prompt:greet@v1', variables: { name: 'Ada' } })
    expect(rendered.json.messages.at(-1).content).toContain('Hello Ada!')
    const missing = await post(ingest, '/weft/v1/objects/get', { ref: 'prompt:nope@v1' })
    expect(missing.status).toBe(404)
    const bad = await post(ingest, '/weft/v1/objects/get', { ref: 3 })
    expect(bad.status).toBe(400)
  })
})

describe('trace query operations', () => {
  it('lists, filters by attribute, sorts by latency and pages with a cursor', async () => {
    const spans: SpanInput[] = []
    for (let i = 0; i < 5; i++) {
      spans.push({ id: hex(0x500 + i, 16), traceId: hex(0x500 + i, 32), name: 'q-op', startMs: 1_800_000_000_000 + i * 1000, endMs: 1_800_000_000_000 + i * 1000 + (5 - i) * 10, attributes: { 'user.id': i % 2 ? 'odd' : 'even' } })
    }
    await post(ingest, '/weft/v1/spans', { spans })
    const wb = ingest.workbench
    const odd = await wb.call('traces.list', { name: 'q-op', attributes: { 'user.id': 'odd' } })
    expect(odd.traces.map((t) => t.traceId)).toEqual([hex(0x503, 32), hex(0x501, 32)])
    const slowest = await wb.call('traces.list', { name: 'q-op', sort: 'latency', limit: 2 })
    expect(slowest.traces.map((t) => t.latencyMs)).toEqual([50, 40])
    const next = await wb.call('traces.list', { name: 'q-op', sort: 'latency', limit: 2, cursor: slowest.nextCursor! })
    expect(next.traces.map((t) => t.latencyMs)).toEqual([30, 20])
    const view = await wb.call('traces.get', { traceId: hex(0x500, 32) })
    expect(view.spans[0]).toMatchObject({ depth: 0, childCount: 0, name: 'q-op' })
    const { span: full } = await wb.call('spans.get', { traceId: hex(0x500, 32), spanId: hex(0x500, 16) })
    expect(full.attributes).toEqual({ 'user.id': 'even' })
    await expect(wb.call('traces.get', { traceId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const stats = await wb.call('traces.stats', { fromMs: 1_800_000_000_000, toMs: 1_800_000_010_000 })
    expect(stats).toMatchObject({ count: 5, errors: 0, p50LatencyMs: 30 })
  })

  it('rotating the token refuses the old one', async () => {
    const target = await startTestIngest()
    try {
      const before = target.token
      const { token } = await target.workbench.call('ingest.rotateToken', {})
      expect(token).not.toBe(before)
      expect((await post(target, '/weft/v1/spans', { spans: [] })).status).toBe(401)
      expect((await post(target, '/weft/v1/spans', { spans: [] }, { authorization: `Bearer ${token}` })).status).toBe(200)
    } finally {
      await target.close()
    }
  })
})
