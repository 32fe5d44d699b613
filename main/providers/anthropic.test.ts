import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeAnthropic, type FakeAnthropic } from '../../tests/node/fakeAnthropic'
import { createAnthropicProvider, type AnthropicProviderError } from './anthropic'
import type { Provider, ProviderRequest, ProviderResponse, StreamEvent } from './types'

const KEY = 'sk-ant-test-SECRET-1234567890'
let fake: FakeAnthropic
let provider: Provider

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: KEY, echoKeyInErrors: true })
  provider = createAnthropicProvider({ apiKey: KEY, baseUrl: fake.url })
})
afterAll(() => fake.close())
beforeEach(() => void fake.requests.splice(0))

const request = (extra: Partial<ProviderRequest> = {}): ProviderRequest => ({
  provider: 'anthropic',
  model: 'claude-test',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
})

async function collect(events: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; done: ProviderResponse }> {
  const all: StreamEvent[] = []
  for await (const event of events) all.push(event)
  const last = all.at(-1)
  if (last?.type !== 'done') throw new Error('stream did not end with done')
  return { events: all, done: last.response }
}

const lastBody = () => fake.requests.at(-1)?.body ?? {}
const weatherCall = { type: 'tool_use' as const, id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', units: 'celsius' } }

describe('anthropic provider: call', () => {
  it('returns normalised text, usage and latency, with the default max_tokens', async () => {
    const response = await provider.call(request())
    expect(response).toMatchObject({ output: 'Hello from fake Claude.', finishReason: 'stop', usage: { inputTokens: 12, outputTokens: 7 }, cached: false, costUsd: null, error: null })
    expect(response.latencyMs).toBeGreaterThan(0)
    expect(lastBody()).toMatchObject({ model: 'claude-test', max_tokens: 1024, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] })
    expect(fake.requests.at(-1)?.apiKey).toBe(KEY)
  })

  it('lifts system messages to the top-level system and maps parameters', async () => {
    await provider.call(
      request({
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'Hi' },
        ],
        parameters: { max_tokens: 50, temperature: 0.2, top_p: 0.9, top_k: 40, stop: 'END', frequency_penalty: 1 },
        tools: [{ name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      }),
    )
    const body = lastBody()
    expect(body).toMatchObject({ system: 'Be terse.', max_tokens: 50, temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ['END'] })
    expect(body.tools).toEqual([{ name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }])
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }])
    expect(body).not.toHaveProperty('frequency_penalty')
  })

  it('asks for JSON through the system prompt', async () => {
    await provider.call(request({ messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Hi' }], responseFormat: { type: 'json', schema: { type: 'object' } } }))
    expect(lastBody().system).toMatch(/^Be terse\.\n\nRespond with a single valid JSON value only.*\{"type":"object"\}$/s)
  })

  it('rejects invalid parameters without a request', async () => {
    const response = await provider.call(request({ parameters: { max_tokens: 'lots' } }))
    expect(response.error?.code).toBe('invalid_request')
    expect(fake.requests).toHaveLength(0)
  })

  it('returns tool calls', async () => {
    fake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'Let me look.' }, weatherCall] })
    const response = await provider.call(request())
    expect(response).toMatchObject({ output: 'Let me look.', finishReason: 'tool_calls', toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris', units: 'celsius' } }] })
  })

  it('maps a tool round trip to tool_use and tool_result blocks', async () => {
    await provider.call(
      request({
        messages: [
          { role: 'system', content: 'Use tools.' },
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              { id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } },
              { id: 'toolu_2', name: 'get_weather', arguments: { city: 'Rome' } },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_1', content: '18°C' },
          { role: 'tool', toolCallId: 'toolu_2', content: '24°C' },
          { role: 'user', content: 'Thanks' },
        ],
      }),
    )
    expect(lastBody().system).toBe('Use tools.')
    expect(lastBody().messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: '24°C' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ])
  })

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
  ])('maps stop reason %s to %s', async (stopReason, finishReason) => {
    fake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'x' }], stopReason })
    expect((await provider.call(request())).finishReason).toBe(finishReason)
  })
})

describe('anthropic provider: stream', () => {
  it('yields text deltas, then done with usage and firstTokenMs', async () => {
    fake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'One two three.' }], usage: { input: 5, output: 3 } })
    const { events, done } = await collect(provider.stream(request()))
    expect(events.filter((e) => e.type === 'text').map((e) => (e.type === 'text' ? e.text : ''))).toEqual(['One ', 'two ', 'three.'])
    expect(done).toMatchObject({ output: 'One two three.', finishReason: 'stop', usage: { inputTokens: 5, outputTokens: 3 }, error: null, cached: false })
    expect(done.firstTokenMs).toBeGreaterThan(0)
    expect(done.firstTokenMs).toBeLessThanOrEqual(done.latencyMs)
    expect(lastBody().stream).toBe(true)
  })

  it('assembles tool calls from input_json_delta', async () => {
    fake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'Checking.' }, weatherCall, { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} }] })
    const { events, done } = await collect(provider.stream(request()))
    const calls = events.flatMap((e) => (e.type === 'tool_call' ? [e.call] : []))
    expect(calls).toEqual([
      { id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris', units: 'celsius' } },
      { id: 'toolu_2', name: 'now', arguments: {} },
    ])
    expect(done).toMatchObject({ output: 'Checking.', finishReason: 'tool_calls', toolCalls: calls })
  })

  it('ends with a network error that keeps the partial text when the connection drops', async () => {
    fake.reply({ kind: 'drop', text: 'Partial answer that never ends', deltas: 2 })
    const { events, done } = await collect(provider.stream(request()))
    expect(events.filter((e) => e.type === 'text')).toHaveLength(2)
    expect(done).toMatchObject({ output: 'Partial answer ', finishReason: 'error', error: { code: 'network' } })
    expect(done.usage).toEqual({ inputTokens: 12, outputTokens: 1 }) // what message_start said
  })

  it('maps an SSE error event mid-stream by its type, keeping the partial text', async () => {
    fake.reply({ kind: 'drop', text: 'Half an answer', deltas: 1, errorType: 'overloaded_error' })
    const { done } = await collect(provider.stream(request()))
    expect(done).toMatchObject({ output: 'Half ', finishReason: 'error', error: { code: 'server', message: 'overloaded_error' } })
  })

  it('ends with done, not a throw, when the request fails', async () => {
    fake.reply({ kind: 'error', status: 529, errorType: 'overloaded_error' })
    const { events, done } = await collect(provider.stream(request()))
    expect(events).toHaveLength(1)
    expect(done.error).toMatchObject({ code: 'server', status: 529 })
  })

  it('reports malformed SSE data as bad_response', async () => {
    fake.reply({ kind: 'malformed' })
    expect((await collect(provider.stream(request()))).done.error?.code).toBe('bad_response')
  })

  it('is cancelled by the signal mid-stream, keeping the partial text', async () => {
    fake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'a b c d e f' }], eventDelayMs: 200 })
    const controller = new AbortController()
    const events: StreamEvent[] = []
    for await (const event of provider.stream(request(), { signal: controller.signal })) {
      events.push(event)
      if (event.type === 'text') controller.abort()
    }
    expect(events.map((e) => e.type)).toEqual(['text', 'done'])
    expect(events.at(-1)).toMatchObject({ response: { output: 'a ', finishReason: 'cancelled', error: { code: 'cancelled' } } })
  })

  it('times out a stream that stalls after its headers', async () => {
    fake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'a b c d e f' }], eventDelayMs: 100 })
    const { done } = await collect(provider.stream(request(), { timeoutMs: 350 }))
    expect(done).toMatchObject({ finishReason: 'error', error: { code: 'timeout' } })
    expect(done.output.length).toBeGreaterThan(0)
  })
})

describe('anthropic provider: failures are values', () => {
  it('maps 429 to rate_limit with the retry-after value', async () => {
    fake.reply({ kind: 'error', status: 429, errorType: 'rate_limit_error', message: 'slow down', retryAfter: '7' })
    const response = await provider.call(request())
    expect(response).toMatchObject({ finishReason: 'error', output: '', error: { code: 'rate_limit', status: 429, retryAfterMs: 7000 } })
    expect(response.error?.message).toBe('slow down key=[redacted] (retry after 7 s)') // the fake echoes the key; we scrub it
    expect(fake.requests).toHaveLength(1) // the SDK did not retry on its own
  })

  it.each([
    [500, 'api_error'],
    [529, 'overloaded_error'],
  ])('maps %i to server', async (status, errorType) => {
    fake.reply({ kind: 'error', status, errorType })
    expect((await provider.call(request())).error).toMatchObject({ code: 'server', status })
    expect(fake.requests).toHaveLength(1)
  })

  it('maps 400 to invalid_request', async () => {
    fake.reply({ kind: 'error', status: 400, errorType: 'invalid_request_error', message: 'messages: bad' })
    expect((await provider.call(request())).error).toMatchObject({ code: 'invalid_request', status: 400 })
  })

  it('maps a slow answer to timeout', async () => {
    fake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'late' }], delayMs: 2_000 })
    const response = await provider.call(request(), { timeoutMs: 150 })
    expect(response.error?.code).toBe('timeout')
    expect(response.latencyMs).toBeLessThan(1_500)
  })

  it('maps a slow stream to timeout', async () => {
    fake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'late' }], delayMs: 2_000 })
    expect((await collect(provider.stream(request(), { timeoutMs: 150 }))).done.error?.code).toBe('timeout')
  })

  it('maps a request the SDK refuses to invalid_request', async () => {
    // Non-streamed calls this large must stream, the SDK says, before sending anything.
    const response = await provider.call(request({ parameters: { max_tokens: 1_000_000 } }))
    expect(response.error?.code).toBe('invalid_request')
    expect(fake.requests).toHaveLength(0)
  })

  it('maps malformed JSON to bad_response', async () => {
    fake.reply({ kind: 'malformed' })
    expect((await provider.call(request())).error?.code).toBe('bad_response')
  })

  it('maps a connection cut mid-body to network', async () => {
    fake.reply({ kind: 'drop', text: 'x', deltas: 0 })
    expect((await provider.call(request())).error?.code).toBe('network')
  })

  it('maps an unreachable server to network', async () => {
    const closed = await startFakeAnthropic()
    await closed.close()
    const offline = createAnthropicProvider({ apiKey: KEY, baseUrl: closed.url })
    expect((await offline.call(request())).error?.code).toBe('network')
  })

  it('maps cancellation to cancelled, before and during the request', async () => {
    expect((await provider.call(request(), { signal: AbortSignal.abort() })).error?.code).toBe('cancelled')
    fake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'late' }], delayMs: 2_000 })
    const response = await provider.call(request(), { signal: AbortSignal.timeout(50), timeoutMs: 5_000 })
    expect(response).toMatchObject({ finishReason: 'cancelled', error: { code: 'cancelled' } })
  })

  it('maps 401 to auth, and a missing key to auth without a request', async () => {
    const wrong = createAnthropicProvider({ apiKey: 'sk-ant-wrong-key', baseUrl: fake.url })
    expect((await wrong.call(request())).error).toMatchObject({ code: 'auth', status: 401 })
    const keyless = createAnthropicProvider({ apiKey: undefined, baseUrl: fake.url })
    fake.requests.splice(0)
    expect((await keyless.call(request())).error?.code).toBe('auth')
    expect((await collect(keyless.stream(request()))).done.error?.code).toBe('auth')
    expect(fake.requests).toHaveLength(0)
  })

  it('asks the registry secrets for the api_key_env of the model config, else ANTHROPIC_API_KEY', async () => {
    const asked: string[] = []
    const secrets = async (name: string) => (asked.push(name), name === 'TEAM_ANTHROPIC_KEY' ? KEY : undefined)
    const viaSecrets = createAnthropicProvider({ secrets })
    expect((await viaSecrets.call(request({ apiKeyEnv: 'TEAM_ANTHROPIC_KEY', baseUrl: fake.url }))).error).toBeNull()
    expect((await viaSecrets.call(request({ baseUrl: fake.url }))).error).toMatchObject({ code: 'auth', message: 'No Anthropic API key: set ANTHROPIC_API_KEY' })
    expect(asked).toEqual(['TEAM_ANTHROPIC_KEY', 'ANTHROPIC_API_KEY'])
  })

  it('never leaks the key, even when the server echoes it', async () => {
    const wrongKey = 'sk-ant-wrong-SECRET-0987654321'
    const wrong = createAnthropicProvider({ apiKey: wrongKey, baseUrl: fake.url })
    const leaked = JSON.stringify(await wrong.call(request())) + JSON.stringify((await collect(wrong.stream(request()))).events)
    expect(leaked).toContain('[redacted]') // the fake did echo it
    expect(leaked).not.toContain(wrongKey)
    fake.reply({ kind: 'error', status: 429, errorType: 'rate_limit_error' }, { kind: 'error', status: 500, errorType: 'api_error' })
    const responses = [await provider.call(request()), await provider.call(request()), await provider.call(request())]
    for (const response of responses) expect(JSON.stringify(response)).not.toContain(KEY)
    expect((responses[0]?.error as AnthropicProviderError).retryAfterMs).toBeUndefined()
  })
})
