/** The OTLP door over HTTP: partial success for malformed spans, JSON and protobuf replies, content types. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import protobuf from 'protobufjs/light.js'
import { startTestIngest, type TestIngest } from '../../../tests/node/ingestHarness'
import { encodeOtlpProtobuf } from '../../traces/otlp/proto'

let ingest: TestIngest
beforeAll(async () => {
  ingest = await startTestIngest()
})
afterAll(async () => {
  await ingest?.close()
})

const TRACE = 'aa8efff798038103d269b633813fc60c'
const span = (id: string, over: Record<string, unknown> = {}) => ({ traceId: TRACE, spanId: id, name: `op-${id}`, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000', ...over })
const body = (spans: unknown[]) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] })

async function post(payload: Buffer | string, type: string) {
  const res = await fetch(`${ingest.url}/v1/traces`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${ingest.token}` }, body: typeof payload === 'string' ? payload : new Uint8Array(payload) })
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) }
}

describe('OTLP door', () => {
  it('keeps the good spans of a batch and reports the rejected one (JSON)', async () => {
    const reply = await post(JSON.stringify(body([span('1111111111111111'), span('2222222222222222', { traceId: 'short' }), span('3333333333333333')])), 'application/json')
    expect(reply.status).toBe(200)
    const json = JSON.parse(reply.bytes.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } }
    expect(json.partialSuccess.rejectedSpans).toBe('1')
    expect(json.partialSuccess.errorMessage).toMatch(/resourceSpans\.0\.scopeSpans\.0\.spans\.1\.traceId/)
    expect(ingest.traces.getTrace(TRACE)?.trace.spanCount).toBe(2)
  })

  it('answers protobuf with protobuf, partial success included', async () => {
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64')
    const good = { traceId: b64('bb8efff798038103d269b633813fc60c'), spanId: b64('4444444444444444'), name: 'proto-op', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000' }
    const bad = { ...good, spanId: b64('5555555555555555'), name: '' }
    const reply = await post(encodeOtlpProtobuf(body([good, bad])), 'application/x-protobuf')
    expect(reply.status).toBe(200)
    expect(reply.type).toBe('application/x-protobuf')
    const Response = protobuf.Root.fromJSON({
      nested: {
        R: { fields: { partialSuccess: { type: 'P', id: 1 } } },
        P: { fields: { rejectedSpans: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } } },
      },
    }).lookupType('R')
    const decoded = Response.toObject(Response.decode(reply.bytes), { longs: String }) as { partialSuccess: { rejectedSpans: string; errorMessage: string } }
    expect(decoded.partialSuccess.rejectedSpans).toBe('1')
    expect(decoded.partialSuccess.errorMessage).toMatch(/spans\.1\.name/)
    expect(ingest.traces.getTrace('bb8efff798038103d269b633813fc60c')?.trace.rootName).toBe('proto-op')
  })

  it('refuses a batch with nothing storable, a broken envelope, bad protobuf and other content types', async () => {
    expect((await post(JSON.stringify(body([span('6666666666666666', { name: '' })])), 'application/json')).status).toBe(400)
    expect((await post(JSON.stringify({ resourceSpans: 'no' }), 'application/json')).status).toBe(400)
    const garbage = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff]), 'application/x-protobuf')
    expect(garbage.status).toBe(400)
    expect(garbage.type).toBe('application/x-protobuf')
    expect((await post('resourceSpans=1', 'application/x-www-form-urlencoded')).status).toBe(415)
  })
})
