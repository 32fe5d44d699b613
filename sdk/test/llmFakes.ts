/**
 * For the LLM wrapper tests: a span sink and the local OpenAI and Anthropic
 * fakes, started once per file with the SDK pointed at the sink, and the sink
 * emptied before each test.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { startFakeAnthropic, type FakeAnthropic } from '../../tests/node/fakeAnthropic'
import { startFakeOpenAI, type FakeOpenAI } from '../../tests/node/fakeOpenAI'
import { init, shutdown } from '../index'
import { startSink, type Sink } from './sink'

/** The running fakes (filled in by beforeAll). */
export interface LlmFakes {
  sink: Sink
  openaiFake: FakeOpenAI
  anthropicFake: FakeAnthropic
}

/** Registers the hooks; read the fakes from the returned object inside tests. */
export function useLlmFakes(): LlmFakes {
  const fakes = {} as LlmFakes
  beforeAll(async () => {
    ;[fakes.sink, fakes.openaiFake, fakes.anthropicFake] = await Promise.all([startSink(), startFakeOpenAI(), startFakeAnthropic()])
    init({ endpoint: fakes.sink.url, token: 'tok', flushIntervalMs: 5, warn: () => {} })
  })
  afterAll(async () => {
    await shutdown()
    await Promise.all([fakes.sink?.close(), fakes.openaiFake?.close(), fakes.anthropicFake?.close()])
  })
  beforeEach(() => {
    fakes.sink.spans.length = 0
  })
  return fakes
}
