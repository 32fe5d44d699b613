/**
 * wrapOpenAI / wrapAnthropic through the official SDKs against the local
 * fakes in tests/node: one llm span per call with messages, model, params,
 * output, usage keyed by the response's model, streamed output assembled.
 */
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { beforeAll, describe, expect, it } from 'vitest'
import type { FakeAnthropic } from '../../tests/node/fakeAnthropic'
import { completion, streamChunks, type FakeOpenAI } from '../../tests/node/fakeOpenAI'
import { flush, op, wrapAnthropic, wrapOpenAI } from '../index'
import { useLlmFakes } from '../test/llmFakes'
import type { SentSpan, Sink } from '../test/sink'

const fakes = useLlmFakes()
let sink: Sink
let openaiFake: FakeOpenAI
let anthropicFake: FakeAnthropic
beforeAll(() => {
  ;({ sink, openaiFake, anthropicFake } = fakes)
})

async function llmSpans(): Promise<SentSpan[]> {
  await flush()
  return sink.spans.filter((s) => s.kind === 'llm')
}
const openai = () => wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: openaiFake.baseUrl, maxRetries: 0 }))
const anthropic = () => wrapAnthropic(new Anthropic({ apiKey: 'sk-ant', baseURL: anthropicFake.url, maxRetries: 0 }))

describe('wrapOpenAI', () => {
  it('records a chat completion: messages, model and params in, message out, usage under the reported model', async () => {
    openaiFake.enqueue({ kind: 'json', body: { ...(completion({ content: 'Paris', usage: { prompt: 9, completion: 3 } }) as object), model: 'gpt-4o-mini-2024-07-18' } })
    const client = openai()
    const ask = op(async (question: string) => {
      const reply = await client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0.2, messages: [{ role: 'user', content: question }] })
      return reply.choices[0]!.message.content
    }, { name: 'ask', kind: 'chain' })
    expect(await ask('Capital of France?')).toBe('Paris')
    await flush()
    const parent = sink.spans.find((s) => s.name === 'ask')!
    const [span] = await llmSpans()
    expect(span).toMatchObject({
      name: 'openai.chat.completions.create',
      parentId: parent.id,
      inputs: { model: 'gpt-4o-mini', temperature: 0.2, messages: [{ role: 'user', content: 'Capital of France?' }] },
      output: { role: 'assistant', content: 'Paris' },
      usage: { 'gpt-4o-mini-2024-07-18': { inputTokens: 9, outputTokens: 3 } },
      attributes: { 'llm.provider': 'openai', 'llm.request.model': 'gpt-4o-mini', 'llm.response.model': 'gpt-4o-mini-2024-07-18', 'llm.finish_reason': 'stop' },
    })
    expect(await llmSpans()).toHaveLength(1)
  })

  it('assembles a streamed answer with tool calls and the usage chunk, ending the span with the stream', async () => {
    openaiFake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: ['Let', ' me', ' check'], toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }], usage: { prompt: 11, completion: 6 } }) })
    const stream = await openai().chat.completions.create({ model: 'fake', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Weather?' }] })
    expect(await llmSpans()).toHaveLength(0)
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('Let me check')
    const [span] = await llmSpans()
    expect(span).toMatchObject({
      output: { role: 'assistant', content: 'Let me check', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      usage: { fake: { inputTokens: 11, outputTokens: 6 } },
      attributes: { 'llm.stream': true, 'llm.finish_reason': 'tool_calls' },
    })
  })

  it('keeps the APIPromise helpers: withResponse still works and the call is recorded once', async () => {
    const { data, response } = await openai().chat.completions.create({ model: 'fake', messages: [{ role: 'user', content: 'hi' }] }).withResponse()
    expect(data.choices[0]!.message.content).toBe('ok')
    expect(response.status).toBe(200)
    expect(await llmSpans()).toHaveLength(1)
  })

  it('records responses.create, plain and streamed', async () => {
    openaiFake.enqueue({ kind: 'json', body: { id: 'resp_1', object: 'response', model: 'gpt-5-2025', status: 'completed', output: [{ type: 'message', id: 'm1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi there', annotations: [] }] }], usage: { input_tokens: 4, output_tokens: 2, total_tokens: 6 } } })
    const client = openai()
    const plain = await client.responses.create({ model: 'gpt-5', input: 'Say hi' })
    expect(plain.output_text).toBe('Hi there')
    openaiFake.enqueue({
      kind: 'sse',
      chunks: [
        { type: 'response.output_text.delta', delta: 'Hel', item_id: 'm1', output_index: 0, content_index: 0, sequence_number: 1 },
        { type: 'response.output_text.delta', delta: 'lo', item_id: 'm1', output_index: 0, content_index: 0, sequence_number: 2 },
        { type: 'response.completed', sequence_number: 3, response: { id: 'resp_2', object: 'response', model: 'gpt-5-2025', output: [], usage: { input_tokens: 5, output_tokens: 1 } } },
      ],
    })
    const events = await client.responses.create({ model: 'gpt-5', input: 'Say hello', stream: true })
    for await (const _ of events) void _
    const spans = await llmSpans()
    expect(spans.map((s) => [s.name, s.output, s.usage])).toEqual([
      ['openai.responses.create', 'Hi there', { 'gpt-5-2025': { inputTokens: 4, outputTokens: 2 } }],
      ['openai.responses.create', 'Hello', { 'gpt-5-2025': { inputTokens: 5, outputTokens: 1 } }],
    ])
    expect(spans[1]!.inputs).toEqual({ model: 'gpt-5', input: 'Say hello', stream: true })
  })

  it('records an API error on the span and throws the SDK error unchanged', async () => {
    openaiFake.enqueue({ kind: 'json', status: 400, body: { error: { message: 'bad model', type: 'invalid_request_error', code: null } } })
    const error = await openai().chat.completions.create({ model: 'nope', messages: [] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    const [span] = await llmSpans()
    expect(span).toMatchObject({ status: 'error', error: { type: 'BadRequestError' } })
    expect((span!.error as { message: string }).message).toContain('bad model')
  })
})

describe('wrapAnthropic', () => {
  it('records messages.create with content blocks and usage', async () => {
    anthropicFake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'Bonjour' }], usage: { input: 14, output: 4 } })
    const message = await anthropic().messages.create({ model: 'claude-test-1', max_tokens: 50, system: 'Be brief', messages: [{ role: 'user', content: 'Hello in French' }] })
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Bonjour' })
    const [span] = await llmSpans()
    expect(span).toMatchObject({
      name: 'anthropic.messages.create',
      inputs: { model: 'claude-test-1', max_tokens: 50, system: 'Be brief', messages: [{ role: 'user', content: 'Hello in French' }] },
      output: { role: 'assistant', content: [{ type: 'text', text: 'Bonjour' }] },
      usage: { 'claude-test-1': { inputTokens: 14, outputTokens: 4 } },
      attributes: { 'llm.provider': 'anthropic', 'llm.finish_reason': 'end_turn' },
    })
  })

  it('records a stream: create(stream) and the messages.stream() helper, once each', async () => {
    anthropicFake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'One two three' }, { type: 'tool_use', id: 'tu_1', name: 'lookup', input: { q: 'x' } }], usage: { input: 20, output: 9 } })
    const stream = await anthropic().messages.create({ model: 'claude-test-1', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Count' }] })
    for await (const _ of stream) void _
    anthropicFake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'Helper text' }], usage: { input: 3, output: 2 } })
    const final = await anthropic().messages.stream({ model: 'claude-test-2', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage()
    expect(final.content[0]).toMatchObject({ text: 'Helper text' })
    const spans = await llmSpans()
    expect(spans).toHaveLength(2)
    expect(spans[0]).toMatchObject({
      output: { role: 'assistant', content: [{ type: 'text', text: 'One two three' }, { type: 'tool_use', id: 'tu_1', name: 'lookup', input: { q: 'x' } }] },
      usage: { 'claude-test-1': { inputTokens: 20, outputTokens: 9 } },
      attributes: { 'llm.finish_reason': 'tool_use' },
    })
    expect(spans[1]).toMatchObject({ output: { content: [{ type: 'text', text: 'Helper text' }] }, usage: { 'claude-test-2': { inputTokens: 3, outputTokens: 2 } } })
  })
})
