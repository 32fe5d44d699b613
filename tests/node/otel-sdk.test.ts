/**
 * The real OpenTelemetry JS SDK (sdk-trace-base with the OTLP/HTTP JSON and
 * protobuf exporters) sending to the ingest server: what arrives in the trace
 * database, GenAI and OpenInference conventions included.
 */
import { context, SpanStatusCode, type Tracer } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestIngest, type TestIngest } from './ingestHarness'
import { findSpan } from './findSpan'

let ingest: TestIngest
const contextManager = new AsyncLocalStorageContextManager()

beforeAll(async () => {
  ingest = await startTestIngest()
  context.setGlobalContextManager(contextManager.enable())
})
afterAll(async () => {
  context.disable()
  await ingest?.close()
})

function provider(kind: 'json' | 'proto', token = ingest.token): BasicTracerProvider {
  const options = { url: `${ingest.url}/v1/traces`, headers: { authorization: `Bearer ${token}` } }
  const exporter = kind === 'json' ? new JsonExporter(options) : new ProtoExporter(options)
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `support-bot-${kind}` }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  })
}

/** An agent span with a GenAI chat call and an OpenInference retriever under it; returns the trace id. */
async function agentRun(tracer: Tracer, fail: boolean): Promise<string> {
  return tracer.startActiveSpan('agent.run', async (root) => {
    root.setAttribute('session.id', 'sess-42')
    await tracer.startActiveSpan('chat gpt-4o-mini', async (llm) => {
      llm.setAttributes({
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': 21,
        'gen_ai.usage.output_tokens': 8,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Where is my parcel?' }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'On its way.' }] }]),
        'app.custom': 'kept',
      })
      llm.end()
    })
    tracer.startActiveSpan('search docs', (retriever) => {
      retriever.setAttributes({ 'openinference.span.kind': 'RETRIEVER', 'input.value': 'parcel status' })
      if (fail) {
        retriever.recordException(new TypeError('index offline'))
        retriever.setStatus({ code: SpanStatusCode.ERROR, message: 'index offline' })
      }
      retriever.end()
    })
    root.end()
    return root.spanContext().traceId
  })
}

describe('OpenTelemetry SDK → OTLP/HTTP → trace database', () => {
  for (const kind of ['json', 'proto'] as const) {
    it(`stores a nested GenAI trace sent as ${kind}`, async () => {
      const p = provider(kind)
      const traceId = await agentRun(p.getTracer('weft-test'), kind === 'proto')
      await p.forceFlush()
      await p.shutdown()
      const found = ingest.traces.getTrace(traceId)
      expect(found?.trace).toMatchObject({ rootName: 'agent.run', spanCount: 3, totalTokens: 29, sessionId: 'sess-42', errorCount: kind === 'proto' ? 1 : 0 })
      const [root] = found!.roots
      // Siblings may start in the same microsecond, so find them by name.
      const child = (name: string) => root!.children.find((c) => c.name === name)!
      expect(root!.children.map((c) => [c.name, c.kind]).sort()).toEqual([['chat gpt-4o-mini', 'llm'], ['search docs', 'retrieval']])
      const llm = findSpan(ingest.traces, child('chat gpt-4o-mini').id)!
      expect(llm.usage).toEqual({ 'gpt-4o-mini-2024-07-18': { inputTokens: 21, outputTokens: 8 } })
      expect(JSON.stringify(llm.inputs)).toContain('Where is my parcel?')
      expect(JSON.stringify(llm.output)).toContain('On its way.')
      expect(llm.attributes).toMatchObject({ 'app.custom': 'kept', 'service.name': `support-bot-${kind}`, 'otel.scope.name': 'weft-test' })
      const retriever = findSpan(ingest.traces, child('search docs').id)!
      expect(retriever.inputs).toBe('parcel status')
      if (kind === 'proto') expect(retriever.error).toMatchObject({ message: 'index offline', type: 'TypeError' })
    })
  }

  it('loses the batch, not the app, when the token is wrong', async () => {
    const p = provider('json', `weft_${'z'.repeat(32)}`)
    const before = ingest.traces.count()
    await agentRun(p.getTracer('weft-test'), false)
    await p.forceFlush().catch(() => {})
    await p.shutdown().catch(() => {})
    expect(ingest.traces.count()).toBe(before)
  })
})
