import { describe, expect, it } from 'vitest'
import { SpanInputSchema } from '../../common/schemas/span'
import { otlpAnyValue, spansFromOtlpJson } from './otlp'

const TRACE = '5b8efff798038103d269b633813fc60c'
const ROOT = 'eee19b7ec3c1b174'
const CHILD = 'aaa19b7ec3c1b175'

type Attr = { key: string; value: Record<string, unknown> }
const s = (key: string, v: string): Attr => ({ key, value: { stringValue: v } })
const i = (key: string, v: number): Attr => ({ key, value: { intValue: String(v) } })

function span(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: TRACE, spanId: ROOT, name: 'op', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001500000000', ...over }
}

function body(spans: unknown[], resource: Attr[] = [s('service.name', 'my-app')]): unknown {
  return { resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ scope: { name: 'test-scope', version: '1.0' }, spans }] }] }
}

function one(spanBody: Record<string, unknown>) {
  const spans = spansFromOtlpJson(body([spanBody]))
  expect(spans).toHaveLength(1)
  // Every produced span must be acceptable to the trace store.
  return SpanInputSchema.parse(spans[0])
}

describe('spansFromOtlpJson: GenAI semantic conventions', () => {
  it('maps a chat span with JSON messages and usage', () => {
    const input = [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]
    const output = [{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny.' }], finish_reason: 'stop' }]
    const result = one(
      span({
        name: 'chat gpt-4o',
        kind: 3,
        status: { code: 1 },
        attributes: [
          s('gen_ai.operation.name', 'chat'),
          s('gen_ai.provider.name', 'openai'),
          s('gen_ai.request.model', 'gpt-4o'),
          s('gen_ai.response.model', 'gpt-4o-2024-08-06'),
          i('gen_ai.usage.input_tokens', 12),
          i('gen_ai.usage.output_tokens', 3),
          s('gen_ai.input.messages', JSON.stringify(input)),
          s('gen_ai.output.messages', JSON.stringify(output)),
          s('gen_ai.conversation.id', 'conv-1'),
        ],
      }),
    )
    expect(result).toMatchObject({
      id: ROOT,
      traceId: TRACE,
      parentId: null,
      name: 'chat gpt-4o',
      kind: 'llm',
      startMs: 1700000000000,
      endMs: 1700000001500,
      status: 'ok',
      error: null,
      inputs: { messages: input },
      output: { messages: output },
      usage: { 'gpt-4o-2024-08-06': { inputTokens: 12, outputTokens: 3 } },
      sessionId: 'conv-1',
    })
    expect(result.attributes).toMatchObject({
      'service.name': 'my-app',
      'otel.scope.name': 'test-scope',
      'otel.span_kind': 'SPAN_KIND_CLIENT',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
    })
    // Payloads moved to inputs/output are not stored twice.
    expect(result.attributes).not.toHaveProperty('gen_ai.input.messages')
  })

  it('reads the older flattened prompt/completion form and prompt_tokens, keyed by request model', () => {
    const result = one(
      span({
        attributes: [
          s('gen_ai.operation.name', 'text_completion'),
          s('gen_ai.request.model', 'claude-3'),
          i('gen_ai.usage.prompt_tokens', 5),
          i('gen_ai.usage.completion_tokens', 7),
          s('gen_ai.prompt.0.role', 'system'),
          s('gen_ai.prompt.0.content', 'Be brief.'),
          s('gen_ai.prompt.1.role', 'user'),
          s('gen_ai.prompt.1.content', 'Hi'),
          s('gen_ai.completion.0.role', 'assistant'),
          s('gen_ai.completion.0.content', 'Hello'),
        ],
      }),
    )
    expect(result.kind).toBe('llm')
    expect(result.inputs).toEqual({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] })
    expect(result.output).toEqual({ messages: [{ role: 'assistant', content: 'Hello' }] })
    expect(result.usage).toEqual({ 'claude-3': { inputTokens: 5, outputTokens: 7 } })
  })

  it('reads messages from gen_ai.*.message and gen_ai.choice events', () => {
    const result = one(
      span({
        attributes: [s('gen_ai.operation.name', 'chat')],
        events: [
          { name: 'gen_ai.user.message', timeUnixNano: '1700000000100000000', attributes: [s('content', 'Hi')] },
          { name: 'gen_ai.choice', attributes: [i('index', 0), s('finish_reason', 'stop'), s('message', '{"role":"assistant","content":"Yo"}')] },
        ],
      }),
    )
    expect(result.inputs).toEqual({ messages: [{ role: 'user', content: 'Hi' }] })
    expect(result.output).toEqual({ messages: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Yo' } }] })
    expect(result.attributes).not.toHaveProperty('otel.events')
  })

  it.each([
    ['embeddings', 'embedding'],
    ['execute_tool', 'tool'],
    ['invoke_agent', 'agent'],
    ['create_agent', 'agent'],
    ['something_new', 'other'],
  ])('maps operation %s to kind %s', (op, kind) => {
    expect(one(span({ attributes: [s('gen_ai.operation.name', op)] })).kind).toBe(kind)
  })
})

describe('spansFromOtlpJson: OpenInference', () => {
  it('maps an LLM span with flattened messages and tool calls', () => {
    const result = one(
      span({
        attributes: [
          s('openinference.span.kind', 'LLM'),
          s('llm.model_name', 'gpt-4o-mini'),
          i('llm.token_count.prompt', 20),
          i('llm.token_count.completion', 8),
          s('llm.input_messages.0.message.role', 'user'),
          s('llm.input_messages.0.message.content', 'Weather in Oslo?'),
          s('llm.output_messages.0.message.role', 'assistant'),
          s('llm.output_messages.0.message.tool_calls.0.tool_call.id', 'call_1'),
          s('llm.output_messages.0.message.tool_calls.0.tool_call.function.name', 'get_weather'),
          s('llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments', '{"city":"Oslo"}'),
          s('input.value', '{"messages":[]}'),
          s('input.mime_type', 'application/json'),
          s('session.id', 'sess-9'),
          s('llm.provider', 'openai'),
        ],
      }),
    )
    expect(result.kind).toBe('llm')
    expect(result.inputs).toEqual({ messages: [{ role: 'user', content: 'Weather in Oslo?' }] })
    expect(result.output).toEqual({
      messages: [{ role: 'assistant', tool_calls: [{ id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] }],
    })
    expect(result.usage).toEqual({ 'gpt-4o-mini': { inputTokens: 20, outputTokens: 8 } })
    expect(result.sessionId).toBe('sess-9')
    // Structured messages win; the raw request stays as an attribute.
    expect(result.attributes).toMatchObject({ 'input.value': '{"messages":[]}', 'llm.provider': 'openai' })
    expect(Object.keys(result.attributes).some((k) => k.startsWith('llm.input_messages'))).toBe(false)
  })

  it('maps a chain → retriever tree with parent ids and JSON/text values', () => {
    const spans = spansFromOtlpJson(
      body([
        span({
          name: 'RAG',
          attributes: [s('openinference.span.kind', 'CHAIN'), s('input.value', '{"q":"cats"}'), s('input.mime_type', 'application/json'), s('output.value', 'Cats purr.')],
        }),
        span({
          spanId: CHILD,
          parentSpanId: ROOT,
          name: 'retrieve',
          startTimeUnixNano: '1700000000200000000',
          endTimeUnixNano: '1700000000400000000',
          attributes: [s('openinference.span.kind', 'RETRIEVER'), s('input.value', 'cats'), s('retrieval.documents.0.document.content', 'Cats purr.')],
        }),
      ]),
    ).map((x) => SpanInputSchema.parse(x))
    expect(spans.map((x) => [x.name, x.kind, x.id, x.parentId])).toEqual([
      ['RAG', 'chain', ROOT, null],
      ['retrieve', 'retrieval', CHILD, ROOT],
    ])
    expect(spans[0]?.inputs).toEqual({ q: 'cats' })
    expect(spans[0]?.output).toBe('Cats purr.')
    expect(spans[1]?.inputs).toBe('cats')
    expect(spans[1]?.attributes['retrieval.documents.0.document.content']).toBe('Cats purr.')
  })

  it.each([
    ['TOOL', 'tool'],
    ['EMBEDDING', 'embedding'],
    ['AGENT', 'agent'],
    ['RERANKER', 'retrieval'],
    ['GUARDRAIL', 'other'],
    ['EVALUATOR', 'evaluation'],
  ])('maps span kind %s to %s', (oiKind, kind) => {
    expect(one(span({ attributes: [s('openinference.span.kind', oiKind)] })).kind).toBe(kind)
  })
})

describe('spansFromOtlpJson: ids, times, status, attributes', () => {
  it('normalises base64 ids to the same lowercase hex as hex ids', () => {
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64')
    const fromB64 = one(span({ traceId: b64(TRACE), spanId: b64(CHILD), parentSpanId: b64(ROOT) }))
    const fromHex = one(span({ traceId: TRACE.toUpperCase(), spanId: CHILD.toUpperCase(), parentSpanId: ROOT }))
    expect([fromB64.traceId, fromB64.id, fromB64.parentId]).toEqual([TRACE, CHILD, ROOT])
    expect([fromHex.traceId, fromHex.id, fromHex.parentId]).toEqual([TRACE, CHILD, ROOT])
    expect(one(span({ parentSpanId: '' })).parentId).toBeNull()
    expect(one(span({ parentSpanId: '0000000000000000' })).parentId).toBeNull()
  })

  it('accepts numeric times and reports a span without an end as running', () => {
    const result = one(span({ startTimeUnixNano: 1_700_000_000_000_000_000, endTimeUnixNano: undefined }))
    expect(result.startMs).toBeCloseTo(1_700_000_000_000, -1)
    expect(result).toMatchObject({ endMs: null, status: 'running' })
  })

  it('turns status code 2 and an exception event into an error', () => {
    const exception = {
      name: 'exception',
      timeUnixNano: '1700000001000000000',
      attributes: [s('exception.type', 'RateLimitError'), s('exception.message', 'Too many requests'), s('exception.stacktrace', 'Traceback...')],
    }
    const result = one(span({ status: { code: 'STATUS_CODE_ERROR' }, events: [exception] }))
    expect(result.status).toBe('error')
    expect(result.error).toEqual({ message: 'Too many requests', type: 'RateLimitError', stack: 'Traceback...' })
    expect(result.attributes['otel.events']).toEqual([
      { name: 'exception', timeMs: 1700000001000, attributes: { 'exception.type': 'RateLimitError', 'exception.message': 'Too many requests', 'exception.stacktrace': 'Traceback...' } },
    ])
    expect(one(span({ status: { code: 2, message: 'boom' } })).error).toEqual({ message: 'boom' })
    // A handled exception (status not error) stays an ok span.
    expect(one(span({ status: { code: 0 }, events: [exception] })).status).toBe('ok')
  })

  it('keeps unknown attributes, with span attributes winning over resource ones', () => {
    const result = one(
      span({
        attributes: [s('custom.flag', 'x'), { key: 'custom.list', value: { arrayValue: { values: [{ intValue: '1' }] } } }, s('deployment.environment', 'dev')],
      }),
    )
    expect(result.attributes).toMatchObject({ 'custom.flag': 'x', 'custom.list': [1], 'service.name': 'my-app', 'deployment.environment': 'dev' })
    expect(result.kind).toBe('other')
    expect(result.usage).toEqual({})
  })

  it('keeps hostile keys as plain data without touching prototypes', () => {
    // Checked before SpanInputSchema, whose record parsing is the store's concern.
    const [result] = spansFromOtlpJson(body([span({ attributes: [s('__proto__', 'x'), s('llm.input_messages.0.__proto__.polluted', 'yes')] })]))
    if (!result?.attributes) throw new Error('expected a span with attributes')
    expect(Object.getOwnPropertyDescriptor(result.attributes, '__proto__')?.value).toBe('x')
    expect(result.attributes['llm.input_messages.0.__proto__.polluted']).toBe('yes')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('exports otlpAnyValue for other doors', () => {
    expect(otlpAnyValue({ kvlistValue: { values: [{ key: 'n', value: { intValue: '3' } }] } })).toEqual({ n: 3 })
  })

  it('accepts empty exports', () => {
    expect(spansFromOtlpJson({})).toEqual([])
    expect(spansFromOtlpJson({ resourceSpans: [{ scopeSpans: [{}] }] })).toEqual([])
  })
})
