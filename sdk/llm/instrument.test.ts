/**
 * The double-counting guard (Weave records two nested identical calls with
 * doubled usage when a client is both auto-patched and wrapped, weave.md §2.6):
 * here every combination makes exactly one llm span with usage counted once.
 * Its own file: instrument() patches the SDK classes for the whole process.
 */
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { beforeAll, describe, expect, it } from 'vitest'
import type { FakeAnthropic } from '../../tests/node/fakeAnthropic'
import { completion, type FakeOpenAI } from '../../tests/node/fakeOpenAI'
import { flush, instrument, op, wrapAnthropic, wrapOpenAI } from '../index'
import { useLlmFakes } from '../test/llmFakes'
import type { Sink } from '../test/sink'

const fakes = useLlmFakes()
let sink: Sink
let openaiFake: FakeOpenAI
let anthropicFake: FakeAnthropic
beforeAll(() => {
  ;({ sink, openaiFake, anthropicFake } = fakes)
})

const newOpenAI = () => new OpenAI({ apiKey: 'sk-test', baseURL: openaiFake.baseUrl, maxRetries: 0 })
const newAnthropic = () => new Anthropic({ apiKey: 'sk-ant', baseURL: anthropicFake.url, maxRetries: 0 })

/** Makes one chat call inside a parent op; returns the llm spans and the parent. */
async function oneCall(client: OpenAI) {
  openaiFake.enqueue({ kind: 'json', body: { ...(completion({ usage: { prompt: 9, completion: 3 } }) as object), model: 'gpt-4o-mini-2024-07-18' } })
  const before = openaiFake.requests.length
  await op(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }), { name: 'parent' })()
  await flush()
  expect(openaiFake.requests.length - before).toBe(1)
  const llm = sink.spans.filter((s) => s.kind === 'llm')
  sink.spans.length = 0
  return llm
}

describe('no double counting', () => {
  it('a client wrapped twice records one call', async () => {
    const llm = await oneCall(wrapOpenAI(wrapOpenAI(newOpenAI())))
    expect(llm).toHaveLength(1)
    expect(llm[0]!.usage).toEqual({ 'gpt-4o-mini-2024-07-18': { inputTokens: 9, outputTokens: 3 } })
  })

  it('a traced client delegating to another traced client records one call (the runtime guard)', async () => {
    const inner = wrapOpenAI(newOpenAI())
    // Like a proxy or a second tracing library: a different function layered over an instrumented one.
    const facade = { chat: { completions: { create: (...args: Parameters<OpenAI['chat']['completions']['create']>) => inner.chat.completions.create(...args) } } }
    const llm = await oneCall(wrapOpenAI(facade) as unknown as OpenAI)
    expect(llm).toHaveLength(1)
    expect(llm[0]!.usage).toEqual({ 'gpt-4o-mini-2024-07-18': { inputTokens: 9, outputTokens: 3 } })
  })

  it('instrument() patches the installed classes, and wrapping an instrumented client adds nothing', async () => {
    const bare = newOpenAI()
    const wrappedFirst = wrapOpenAI(newOpenAI())
    const patched = await instrument()
    expect(patched).toEqual(expect.arrayContaining(['openai.chat.completions.create', 'openai.responses.create', 'anthropic.messages.create']))
    // A second instrument() finds everything patched already.
    expect(await instrument()).toEqual([])
    for (const client of [bare, wrappedFirst, wrapOpenAI(newOpenAI()), wrapOpenAI(wrapOpenAI(newOpenAI()))]) {
      const llm = await oneCall(client)
      expect(llm).toHaveLength(1)
      expect(llm[0]!.usage).toEqual({ 'gpt-4o-mini-2024-07-18': { inputTokens: 9, outputTokens: 3 } })
    }
  })

  it('Anthropic: instrumented, wrapped and the stream helper make one span each', async () => {
    await instrument({ anthropic: Anthropic })
    for (const client of [newAnthropic(), wrapAnthropic(newAnthropic()), wrapAnthropic(wrapAnthropic(newAnthropic()))]) {
      anthropicFake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'hi' }], usage: { input: 5, output: 2 } })
      await client.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      anthropicFake.reply({ kind: 'message', blocks: [{ type: 'text', text: 'hi' }], usage: { input: 5, output: 2 } })
      await client.messages.stream({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()
      await flush()
      const llm = sink.spans.filter((s) => s.kind === 'llm')
      expect(llm).toHaveLength(2)
      for (const span of llm) expect(span.usage).toEqual({ 'claude-test': { inputTokens: 5, outputTokens: 2 } })
      sink.spans.length = 0
    }
  })
})
