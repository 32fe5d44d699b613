import { describe, expect, it } from 'vitest'
import { createEchoProvider, estimateTokens } from './echo'
import type { StreamEvent } from './types'

describe('echo provider', () => {
  const echo = createEchoProvider()

  it('echoes the last user message with estimated tokens and zero cost', async () => {
    const res = await echo.call({ provider: 'echo', model: 'echo', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'first' }, { role: 'assistant', content: 'a' }, { role: 'user', content: 'second one' }] })
    expect(res).toMatchObject({ output: 'second one', costUsd: 0, error: null, finishReason: 'stop', usage: { inputTokens: 1 + 2 + 1 + 3, outputTokens: 3 } })
    expect(estimateTokens('')).toBe(0)
  })

  it('answers with parameters.reply when set, and streams it word by word', async () => {
    const events: StreamEvent[] = []
    for await (const e of echo.stream({ provider: 'echo', model: 'echo', messages: [{ role: 'user', content: 'x' }], parameters: { reply: 'one two three' } })) events.push(e)
    expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['one ', 'two ', 'three'])
    expect(events.at(-1)).toMatchObject({ type: 'done', response: { output: 'one two three', costUsd: 0 } })
  })

  it('honours cancellation', async () => {
    const controller = new AbortController()
    controller.abort()
    expect((await echo.call({ provider: 'echo', model: 'echo', messages: [] }, { signal: controller.signal })).error?.code).toBe('cancelled')
  })
})
