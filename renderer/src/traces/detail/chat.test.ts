import { describe, expect, it } from 'vitest'
import { roleFamily, toConversation } from './chat'

describe('toConversation', () => {
  it('reads OpenAI chat: string and part contents, tool calls with JSON arguments, tool results', () => {
    const c = toConversation({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: 'http://x/a.png' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'rain' },
      ],
    })
    expect(c?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool'])
    expect(c?.messages[1]?.parts[1]).toEqual({ kind: 'data', value: { type: 'image_url', image_url: { url: 'http://x/a.png' } } })
    expect(c?.messages[2]?.parts).toEqual([{ kind: 'toolCall', name: 'weather', id: 'c1', arguments: { city: 'Oslo' } }])
    expect(c?.messages[3]?.parts).toEqual([{ kind: 'toolResult', id: 'c1', content: 'rain' }])
  })

  it('reads Anthropic messages with a top-level system, tool_use and tool_result', () => {
    const c = toConversation({
      system: [{ type: 'text', text: 'You are terse.' }],
      messages: [
        { role: 'assistant', content: [{ type: 'text', text: 'Checking' }, { type: 'tool_use', id: 't1', name: 'search', input: { q: 'x' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'found' }] }] },
      ],
    })
    expect(c?.messages[0]).toEqual({ role: 'system', parts: [{ kind: 'text', text: 'You are terse.' }] })
    expect(c?.messages[1]?.parts[1]).toEqual({ kind: 'toolCall', name: 'search', id: 't1', arguments: { q: 'x' } })
    expect(c?.messages[2]?.parts[0]).toMatchObject({ kind: 'toolResult', id: 't1', content: 'found' })
  })

  it('reads an Anthropic response with its stop reason', () => {
    const c = toConversation({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn' })
    expect(c).toEqual({ messages: [{ role: 'assistant', parts: [{ kind: 'text', text: 'Hi' }] }], finishReason: 'end_turn' })
  })

  it('reads OpenTelemetry GenAI parts', () => {
    const c = toConversation([
      { role: 'user', parts: [{ type: 'text', content: 'Weather?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'a', name: 'weather', arguments: { city: 'Oslo' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'a', response: { temp: 3 } }] },
    ])
    expect(c?.messages[0]?.parts).toEqual([{ kind: 'text', text: 'Weather?' }])
    expect(c?.messages[1]?.parts[0]).toMatchObject({ kind: 'toolCall', name: 'weather', arguments: { city: 'Oslo' } })
    expect(c?.messages[2]?.parts[0]).toEqual({ kind: 'toolResult', id: 'a', content: { temp: 3 } })
  })

  it("reads Weft's rendered prompt and model output", () => {
    expect(toConversation({ messages: [{ role: 'model', content: 'ok' }], config: {}, missing: [], unexpected: [] })?.messages[0]?.role).toBe('model')
    const out = toConversation({ text: 'Done', toolCalls: [{ id: '1', name: 'f', arguments: { a: 1 } }], finishReason: 'tool_calls' })
    expect(out?.finishReason).toBe('tool_calls')
    expect(out?.messages[0]?.parts).toEqual([
      { kind: 'text', text: 'Done' },
      { kind: 'toolCall', name: 'f', id: '1', arguments: { a: 1 } },
    ])
  })

  it('reads an OpenAI completion', () => {
    const c = toConversation({ choices: [{ message: { role: 'assistant', content: 'yo' }, finish_reason: 'stop' }] })
    expect(c?.finishReason).toBe('stop')
  })

  it('leaves other payloads alone', () => {
    for (const v of [null, 'text', 3, [], [1, 2], { a: 1 }, { messages: [] }, [{ role: 'user' }, { x: 1 }]]) expect(toConversation(v)).toBeNull()
  })
})

describe('roleFamily', () => {
  it('groups role names', () => {
    expect(['system', 'developer', 'user', 'model', 'assistant', 'tool', 'critic'].map(roleFamily)).toEqual([
      'system', 'system', 'user', 'assistant', 'assistant', 'tool', 'other',
    ])
  })
})

describe('toConversation on what OTLP ingest stores', () => {
  it('reads gen_ai output messages with their finish reason', () => {
    const c = toConversation({ messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hi' }], finish_reason: 'stop' }] })
    expect(c?.finishReason).toBe('stop')
    expect(c?.messages[0]?.parts).toEqual([{ kind: 'text', text: 'Hi' }])
  })

  it('reads system instructions alone and gen_ai.choice events', () => {
    const sys = toConversation({ system: [{ type: 'text', content: 'Be kind.' }], messages: [] })
    expect(sys?.messages).toEqual([{ role: 'system', parts: [{ kind: 'text', text: 'Be kind.' }] }])
    const choice = toConversation({ messages: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Yes' } }] })
    expect(choice?.finishReason).toBe('stop')
    expect(choice?.messages[0]?.role).toBe('assistant')
  })

  it('reads a tool event whose result id is `id`', () => {
    const c = toConversation({ messages: [{ role: 'tool', id: 'call_9', content: '42' }] })
    expect(c?.messages[0]?.parts).toEqual([{ kind: 'toolResult', id: 'call_9', content: '42' }])
  })
})

describe('toConversation on OpenInference', () => {
  it('unwraps message_content parts', () => {
    const c = toConversation({ messages: [{ role: 'user', contents: [{ message_content: { type: 'text', text: 'Hello' } }] }] })
    expect(c?.messages[0]?.parts).toEqual([{ kind: 'text', text: 'Hello' }])
  })
})
