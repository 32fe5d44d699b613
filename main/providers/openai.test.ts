import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completion, errorReply, startFakeOpenAI, streamChunks, type FakeOpenAI } from '../../tests/node/fakeOpenAI'
import { createOpenAIProvider } from './openai'
import type { ProviderRequest, ProviderResponse, StreamEvent } from './types'

const KEY = 'sk-test-abcdefghijklmnop'
let fake: FakeOpenAI
const secrets = async (name: string) => (name === 'OPENAI_API_KEY' ? KEY : undefined)
const provider = createOpenAIProvider({ secrets })
const request = (extra: Partial<ProviderRequest> = {}): ProviderRequest => ({ provider: 'openai', model: 'gpt-4o-mini', baseUrl: fake.baseUrl, messages: [{ role: 'user', content: 'hi' }], ...extra })

async function collect(events: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; done: ProviderResponse }> {
  const all: StreamEvent[] = []
  for await (const e of events) all.push(e)
  const last = all.at(-1)
  if (last?.type !== 'done') throw new Error('no done event')
  return { events: all, done: last.response }
}

beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())

describe('openai provider', () => {
  it('makes a plain call with system prompt and parameters', async () => {
    fake.enqueue({ kind: 'json', body: completion({ content: 'Hello!', usage: { prompt: 12, completion: 3 } }) })
    const res = await provider.call(request({ messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'hi' }], parameters: { temperature: 0.2, max_tokens: 50, top_p: 0.9, stop: ['\n'] } }))
    expect(res).toMatchObject({ output: 'Hello!', finishReason: 'stop', usage: { inputTokens: 12, outputTokens: 3 }, error: null, cached: false })
    const sent = fake.requests.at(-1)!
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 50, top_p: 0.9, stop: ['\n'], messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'hi' }] })
  })

  it('streams text deltas, then done with usage', async () => {
    fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: ['Hel', 'lo', '!'], usage: { prompt: 7, completion: 3 } }) })
    const { events, done } = await collect(provider.stream(request()))
    expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['Hel', 'lo', '!'])
    expect(done).toMatchObject({ output: 'Hello!', usage: { inputTokens: 7, outputTokens: 3 }, finishReason: 'stop', error: null })
    expect(done.firstTokenMs).toBeTypeOf('number')
    expect(fake.requests.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } })
  })

  it('sends tools and parses tool calls (non-streamed)', async () => {
    fake.enqueue({ kind: 'json', body: completion({ content: null, toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }] }) })
    const tools = [{ name: 'weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]
    const res = await provider.call(request({ tools }))
    expect(res.toolCalls).toEqual([{ id: 'call_1', name: 'weather', arguments: { city: 'Oslo' } }])
    expect(res.finishReason).toBe('tool_calls')
    expect(fake.requests.at(-1)!.body.tools).toEqual([{ type: 'function', function: tools[0] }])
  })

  it('sends a tool-call conversation back in OpenAI form', async () => {
    await provider.call(request({ messages: [{ role: 'user', content: 'weather?' }, { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'weather', arguments: { city: 'Oslo' } }] }, { role: 'tool', content: 'sunny', toolCallId: 'c1' }] }))
    expect(fake.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', content: 'sunny', tool_call_id: 'c1' },
    ])
  })

  it('assembles streamed tool calls from fragments', async () => {
    fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: [], toolCalls: [{ id: 'call_a', name: 'add', arguments: '{"a":1,"b":2}' }, { id: 'call_b', name: 'neg', arguments: 'not json' }] }) })
    const { events, done } = await collect(provider.stream(request({ tools: [{ name: 'add', parameters: {} }] })))
    const calls = events.filter((e) => e.type === 'tool_call').map((e) => (e as { call: unknown }).call)
    expect(calls).toEqual([{ id: 'call_a', name: 'add', arguments: { a: 1, b: 2 } }, { id: 'call_b', name: 'neg', arguments: 'not json' }])
    expect(done.toolCalls).toEqual(calls)
    expect(done.finishReason).toBe('tool_calls')
  })

  it('asks for JSON output, with a schema as structured output', async () => {
    fake.enqueue({ kind: 'json', body: completion({ content: '{"answer":42}' }) })
    const res = await provider.call(request({ responseFormat: { type: 'json' } }))
    expect(JSON.parse(res.output)).toEqual({ answer: 42 })
    expect(fake.requests.at(-1)!.body.response_format).toEqual({ type: 'json_object' })
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'], additionalProperties: false }
    await provider.call(request({ responseFormat: { type: 'json', schema } }))
    expect(fake.requests.at(-1)!.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema, strict: true } })
  })

  it('reports malformed JSON as bad_response', async () => {
    fake.enqueue({ kind: 'raw', body: '{"choices": [ oops' })
    const res = await provider.call(request())
    expect(res.error?.code).toBe('bad_response')
    expect(res.finishReason).toBe('error')
  })

  it('reports a malformed stream chunk as bad_response', async () => {
    fake.enqueue({ kind: 'sse', chunks: [], raw: ['{"choices": [ oops'] })
    const events = provider.stream(request())
    let last: StreamEvent | undefined
    for await (const e of events) last = e
    expect(last).toMatchObject({ type: 'done', response: { error: { code: 'bad_response' } } })
  })

  it('reports a 200 without choices as bad_response', async () => {
    fake.enqueue({ kind: 'json', body: { id: 'x' } })
    expect((await provider.call(request())).error?.code).toBe('bad_response')
  })

  it('keeps the partial text when the connection drops mid-stream', async () => {
    fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: ['par', 'tial', 'never'] }), dropAfter: 3 })
    const { done } = await collect(provider.stream(request()))
    expect(done.error?.code).toBe('network')
    expect(done.output).toBe('partial')
    expect(done.finishReason).toBe('error')
  })

  it('maps HTTP statuses to error codes with Retry-After', async () => {
    fake.enqueue(errorReply(401, 'bad key'), errorReply(429, 'slow down', { 'retry-after': '3' }), errorReply(503, 'down'), errorReply(400, 'bad param'))
    expect((await provider.call(request())).error).toMatchObject({ code: 'auth', status: 401 })
    expect((await provider.call(request())).error).toMatchObject({ code: 'rate_limit', status: 429, retryAfterMs: 3000 })
    expect((await provider.call(request())).error).toMatchObject({ code: 'server', status: 503 })
    expect((await provider.call(request())).error).toMatchObject({ code: 'invalid_request', status: 400 })
  })

  it('needs a key for openai but not for an openai-compatible server; the latter needs a base URL', async () => {
    const none = async () => undefined
    expect((await createOpenAIProvider({ secrets: none }).call(request())).error).toMatchObject({ code: 'auth', message: 'No API key: set OPENAI_API_KEY' })
    const compatible = createOpenAIProvider({ secrets: none, id: 'openai-compatible' })
    expect((await compatible.call(request({ provider: 'openai-compatible' }))).error).toBeNull()
    expect((await compatible.call(request({ provider: 'openai-compatible', baseUrl: undefined }))).error?.code).toBe('invalid_request')
  })

  it('reads the key from the env var the model config names', async () => {
    const named = createOpenAIProvider({ secrets: async (n) => (n === 'MY_KEY' ? 'sk-mine-1234567890' : undefined) })
    await named.call(request({ apiKeyEnv: 'MY_KEY' }))
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-mine-1234567890')
  })
})
