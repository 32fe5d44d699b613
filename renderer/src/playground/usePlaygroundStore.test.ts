import { beforeEach, describe, expect, it } from 'vitest'
import type { ResponseOf } from '../../../common/contract'
import { createFakeClient } from '../test/fakeClient'
import { addDatasetRow, applyDefaults, resetPlayground, runAll, stopAll, toggleModel, usePlaygroundStore } from './usePlaygroundStore'

const DIGEST = 'd'.repeat(40)

function runResult(runId: string, model: string, output: string, extra: Partial<ResponseOf<'models.run'>['response']> = {}): ResponseOf<'models.run'> {
  return {
    runId,
    prompt: { ref: 'prompt:summarize', digest: DIGEST },
    model: { ref: model, digest: DIGEST },
    rendered: { config: {}, messages: [], missing: [], unexpected: [] },
    response: { output, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2 }, costUsd: null, latencyMs: 12, cached: false, error: null, ...extra },
  }
}

beforeEach(() => resetPlayground())

describe('playground store', () => {
  it('defaults to summarize and the offline model, and caps the models at four', () => {
    applyDefaults(['classify-ticket', 'summarize'], ['fast', 'offline', 'a', 'b', 'c'])
    expect(usePlaygroundStore.getState()).toMatchObject({ prompt: 'summarize', models: ['offline'] })
    for (const m of ['fast', 'a', 'b', 'c']) toggleModel(m)
    expect(usePlaygroundStore.getState().models).toEqual(['offline', 'fast', 'a', 'b'])
    toggleModel('offline')
    expect(usePlaygroundStore.getState().models).toEqual(['fast', 'a', 'b'])
  })

  it('runs one streaming call per model and routes run.delta by runId', async () => {
    const client = createFakeClient()
    const pending = new Map<string, (r: ResponseOf<'models.run'>) => void>()
    client.handle('models.run', (req) => new Promise((resolve) => pending.set(req.runId!, resolve)))
    toggleModel('offline')
    toggleModel('local')
    const done = runAll(client, { prompt: 'prompt:summarize@v1', promptText: 'x', variables: { ticket: 'hi' } })
    const [a, b] = usePlaygroundStore.getState().columns
    expect(a!.runId).not.toBe(b!.runId)
    await Promise.resolve()
    client.emit('run.delta', { runId: a!.runId, text: 'Hel' })
    client.emit('run.delta', { runId: b!.runId, text: 'Other' })
    client.emit('run.delta', { runId: 'someone-else', text: 'nope' })
    client.emit('run.delta', { runId: a!.runId, text: 'lo' })
    expect(usePlaygroundStore.getState().columns.map((c) => c.text)).toEqual(['Hello', 'Other'])
    const runs = client.calls.filter((c) => c.name === 'models.run').map((c) => c.request)
    expect(runs).toEqual([
      expect.objectContaining({ prompt: 'prompt:summarize@v1', model: 'model:offline', stream: true, runId: a!.runId, variables: { ticket: 'hi' } }),
      expect.objectContaining({ model: 'model:local', stream: true, runId: b!.runId }),
    ])
    pending.get(a!.runId)!(runResult(a!.runId, 'model:offline', 'Hello'))
    pending.get(b!.runId)!(runResult(b!.runId, 'model:local', '', { error: { code: 'auth', message: 'no API key: set OPENAI_API_KEY' }, finishReason: 'error' }))
    await done
    const columns = usePlaygroundStore.getState().columns
    expect(columns.map((c) => c.status)).toEqual(['done', 'failed'])
    expect(columns[1]!.result?.response.error?.code).toBe('auth')
  })

  it('Stop cancels every running column', async () => {
    const client = createFakeClient()
    client.handle('models.run', () => new Promise(() => {}))
    client.handle('models.cancel', () => ({ cancelled: true }))
    toggleModel('offline')
    toggleModel('local')
    void runAll(client, { content: 'draft', promptText: 'draft', variables: {} })
    await stopAll(client)
    const cancelled = client.calls.filter((c) => c.name === 'models.cancel').map((c) => (c.request as { runId: string }).runId)
    expect(cancelled).toEqual(usePlaygroundStore.getState().columns.map((c) => c.runId))
    expect(client.calls.find((c) => c.name === 'models.run')?.request).toMatchObject({ content: 'draft' })
  })

  it('adds a row as a new dataset version based on the digest it read', async () => {
    const client = createFakeClient()
    client.handle('objects.get', () => ({ resolved: { kind: 'dataset', name: 'tickets', digest: DIGEST, n: 1, via: 'latest', ref: 'dataset:tickets' }, content: '{"id":"t-1","ticket":"a"}\n' }))
    client.handle('objects.save', () => ({ version: { n: 2, digest: 'e'.repeat(40), commit: 'c'.repeat(40), time: '', author: '', email: '', message: '', labels: [], current: true }, commit: 'c'.repeat(40), created: true }))
    expect(await addDatasetRow(client, 'tickets', { ticket: 'b' }, 'summary')).toBe(2)
    const save = client.calls.find((c) => c.name === 'objects.save')!.request as { content: string; baseVersion: string }
    expect(save.baseVersion).toBe(DIGEST)
    const lines = save.content.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(JSON.parse(lines[1]!)).toMatchObject({ id: expect.stringMatching(/^pg-/), ticket: 'b', expected: 'summary' })
  })
})
