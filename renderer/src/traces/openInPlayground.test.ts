import { beforeEach, describe, expect, it } from 'vitest'
import { useAppStore } from '../app/useAppStore'
import { INITIAL_PLAYGROUND_STATE, usePlaygroundStore } from '../playground/usePlaygroundStore'
import { INITIAL_PREVIEW_STATE, usePreviewStore } from '../prompts/usePreviewStore'
import { createFakeClient } from '../test/fakeClient'
import { openRunInPlayground, promptTextOf, saveSpanAsPrompt, weftRunOf } from './openInPlayground'

const base = {
  id: 's', traceId: 't', parentId: null, name: 'chat', kind: 'llm' as const, startMs: 1, endMs: 2, status: 'ok' as const, error: null,
  output: 'hi', usage: {}, costUsd: null, sessionId: null, inputTokens: 0, outputTokens: 0,
}

beforeEach(() => {
  usePlaygroundStore.setState({ ...INITIAL_PLAYGROUND_STATE })
  usePreviewStore.setState({ ...INITIAL_PREVIEW_STATE })
  window.location.hash = ''
})

describe('open in playground', () => {
  it("reopens one of Weft's own runs: that prompt version, model and variables", async () => {
    const span = { ...base, inputs: { messages: [], variables: { ticket: 'Broken export', n: 3 } }, attributes: { 'weft.prompt': 'prompt:summarize@latest', 'weft.prompt_digest': 'b'.repeat(40), 'weft.model': 'model:fast@' + 'c'.repeat(7) } }
    const run = weftRunOf(span)!
    const client = createFakeClient()
    client.handle('objects.versions', () => ({ versions: [{ n: 2, digest: 'a'.repeat(40) }, { n: 1, digest: 'b'.repeat(40) }] }) as never)
    await openRunInPlayground(client, run)
    expect(usePlaygroundStore.getState()).toMatchObject({ prompt: 'summarize', version: 'v1', models: ['fast'] })
    expect(usePreviewStore.getState().values).toEqual({ ticket: 'Broken export', n: '3' })
    expect(useAppStore.getState().section).toBe('playground')
  })

  it("turns an app's messages into a new prompt", async () => {
    const span = {
      ...base,
      inputs: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Where is {{order}}?' }, { role: 'assistant', content: 'Shipped.' }],
      attributes: { 'gen_ai.request.model': 'gpt-4o-mini' },
    }
    expect(weftRunOf(span)).toBeNull()
    const text = promptTextOf(span)!
    expect(text).toBe('{{!-- The traced app called gpt-4o-mini; pick a model config to run it. --}}\n{{role "system"}}\nBe brief.\n{{role "user"}}\nWhere is \\{{order}}?\n{{role "model"}}\nShipped.\n')
    const client = createFakeClient()
    client.handle('objects.save', () => ({ version: { n: 1 }, commit: 'x', created: true }) as never)
    expect(await saveSpanAsPrompt(client, span, 'from-chat')).toBe('prompt:from-chat@v1')
    expect(client.calls.find((c) => c.name === 'objects.save')?.request).toMatchObject({ kind: 'prompt', name: 'from-chat', content: text, baseVersion: null })
    expect(usePlaygroundStore.getState().prompt).toBe('from-chat')
    expect(promptTextOf({ ...span, inputs: { q: 1 } })).toBeNull()
  })
})
