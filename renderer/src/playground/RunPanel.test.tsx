import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ResponseOf } from '../../../common/contract'
import { resetModel } from '../models/useModelStore'
import { resetPreview } from '../prompts/usePreviewStore'
import { usePromptsStore } from '../prompts/usePromptsStore'
import { createFakeClient, entry } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'
import { resetPlayground } from './usePlaygroundStore'

const DIGEST = 'a'.repeat(40)
const PROMPT = '---\ninput:\n  schema:\n    ticket: string\n---\n{{role "user"}}\n{{ticket}}\n'

beforeEach(async () => {
  await resetAppState()
  resetModel()
  resetPreview()
  resetPlayground()
})

function playgroundClient() {
  const client = createFakeClient({ objects: [entry('prompt', 'summarize'), entry('model', 'fast'), entry('model', 'offline'), entry('dataset', 'tickets')] })
  client.handle('objects.versions', () => ({
    versions: [{ n: 2, digest: DIGEST, commit: DIGEST, time: '', author: '', email: '', message: '', labels: ['production'], current: true }],
  }))
  client.handle('objects.get', () => ({ resolved: { kind: 'prompt', name: 'summarize', digest: DIGEST, n: 2, via: 'latest', ref: 'prompt:summarize' }, content: PROMPT }))
  client.handle('prompts.render', () => ({ messages: [{ role: 'user', content: 'hi' }], config: {}, missing: [], unexpected: [] }))
  client.handle('models.run', (req): ResponseOf<'models.run'> => {
    const offline = req.model === 'model:offline'
    return {
      runId: req.runId!,
      prompt: { ref: req.prompt ?? null, digest: DIGEST },
      model: { ref: req.model, digest: DIGEST },
      rendered: { messages: [], config: {}, missing: [], unexpected: [] },
      response: {
        output: offline ? 'echoed ticket' : '',
        toolCalls: [],
        finishReason: offline ? 'stop' : 'error',
        usage: offline ? { inputTokens: 7, outputTokens: 3 } : null,
        costUsd: null,
        latencyMs: 5,
        cached: offline,
        error: offline ? null : { code: 'auth', message: 'no API key: set OPENAI_API_KEY' },
      },
    }
  })
  return client
}

describe('Playground run panel', () => {
  it('runs the picked version on offline (the default) and fast, showing usage, cache and errors in words', async () => {
    const client = playgroundClient()
    renderApp(client)
    fireEvent.click(screen.getByTestId('section-playground'))
    const offline = (await screen.findByRole('checkbox', { name: 'Run with offline' })) as HTMLInputElement
    await waitFor(() => expect(offline.checked).toBe(true))
    fireEvent.click(screen.getByRole('checkbox', { name: 'Run with fast' }))
    await screen.findByRole('option', { name: 'v2 (production)' })
    fireEvent.change(screen.getByRole('combobox', { name: 'Prompt version' }), { target: { value: 'v2' } })
    fireEvent.change(await screen.findByRole('textbox', { name: 'Variable ticket' }), { target: { value: 'Broken export' } })
    const run = screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement
    await waitFor(() => expect(run.disabled).toBe(false))
    fireEvent.click(run)

    const offlineColumn = await screen.findByTestId('run-column-offline')
    await waitFor(() => expect(within(offlineColumn).getByTestId('run-usage').textContent).toBe('7 in · 3 out tokens · 5 ms · cost unknown'))
    expect(within(offlineColumn).getByText('cached')).toBeTruthy()
    expect(within(screen.getByTestId('run-column-fast')).getByRole('alert').textContent).toBe('auth: no API key: set OPENAI_API_KEY')
    expect(client.calls.find((c) => c.name === 'models.run')?.request).toMatchObject({ prompt: 'prompt:summarize@v2', variables: { ticket: 'Broken export' }, stream: true })
  })

  it("runs the prompt editor's unsaved draft as content, and saves it as a new version", async () => {
    const client = playgroundClient()
    client.handle('objects.save', () => ({ version: { n: 3, digest: DIGEST, commit: DIGEST, time: '', author: '', email: '', message: '', labels: [], current: true }, commit: DIGEST, created: true }))
    renderApp(client)
    fireEvent.click(screen.getByTestId('section-playground'))
    await screen.findByRole('checkbox', { name: 'Run with offline' })
    act(() => usePromptsStore.setState({ projectDir: '/home/me/support-bot', name: 'summarize', status: 'ready', disk: PROMPT, text: PROMPT + 'Be brief.\n' }))
    await screen.findByRole('option', { name: 'unsaved draft' })
    fireEvent.change(screen.getByRole('combobox', { name: 'Prompt version' }), { target: { value: 'draft' } })
    fireEvent.change(await screen.findByRole('textbox', { name: 'Variable ticket' }), { target: { value: 'Hi' } })
    fireEvent.click(screen.getByRole('button', { name: 'Run' }))
    await screen.findByTestId('run-column-offline')
    expect(client.calls.find((c) => c.name === 'models.run')?.request).toMatchObject({ content: PROMPT + 'Be brief.\n', model: 'model:offline' })
    fireEvent.click(await screen.findByRole('button', { name: 'Save as new version' }))
    await waitFor(() => expect(client.calls.find((c) => c.name === 'objects.save')?.request).toMatchObject({ kind: 'prompt', name: 'summarize', content: PROMPT + 'Be brief.\n' }))
    expect(await screen.findByText('Saved prompt:summarize as v3')).toBeTruthy()
  })

  it('keeps the config editor one tab away', async () => {
    renderApp(playgroundClient())
    fireEvent.click(screen.getByTestId('section-playground'))
    fireEvent.click(await screen.findByRole('tab', { name: 'Config' }))
    expect(await screen.findByText('No model config open')).toBeTruthy()
    fireEvent.click(screen.getByRole('tab', { name: 'Run' }))
    expect(await screen.findByTestId('run-panel')).toBeTruthy()
  })
})
