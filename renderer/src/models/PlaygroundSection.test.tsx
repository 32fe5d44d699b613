import { fireEvent, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../../common/errors'
import { createFakeClient, entry } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'
import { saveOpenPrompt } from '../prompts/usePromptsStore'
import { loadDraft } from '../state/uiState'
import { flushModelDraft, resetModel } from './useModelStore'

const FAST = 'provider: openai\nmodel: gpt-4o-mini\nparameters:\n  temperature: 0.2\n'
const SECRET_REFUSED = 'models/fast.yaml:5: api_key: API keys never go into git: keep it in the OS keychain, or name an environment variable with api_key_env'

beforeEach(async () => {
  await resetAppState()
  resetModel()
})

function modelClient() {
  const client = createFakeClient({ objects: [entry('model', 'fast'), entry('model', 'offline')], files: { 'models/fast.yaml': FAST } })
  client.handle('objects.validate', ({ content }) =>
    content.includes('top_p: 3') ? { valid: false, issues: [{ path: 'parameters.top_p', message: 'Too big: expected number to be <=1', line: 5 }] } : { valid: true, issues: [] },
  )
  client.handle('objects.save', ({ content }) => {
    if (content.includes('api_key:')) throw new WeftError('INVALID_FILE', SECRET_REFUSED)
    return { version: { n: 2, digest: 'b'.repeat(40), commit: 'c'.repeat(40), time: '', author: '', email: '', message: '', labels: [], current: true }, commit: 'c'.repeat(40), created: true }
  })
  return client
}

async function openFast() {
  fireEvent.click(screen.getByTestId('section-playground'))
  fireEvent.click(await screen.findByRole('button', { name: /fast/ }))
  return (await screen.findByRole('textbox', { name: 'Model config fast (YAML)' })) as HTMLTextAreaElement
}

describe('Playground model configs', () => {
  it('edits a config through the form and the YAML view, which share one text', async () => {
    renderApp(modelClient())
    const yaml = await openFast()
    const temperature = screen.getByRole('textbox', { name: 'Temperature' }) as HTMLInputElement
    expect(temperature.value).toBe('0.2')
    fireEvent.change(temperature, { target: { value: '0.9' } })
    expect(yaml.value).toContain('temperature: 0.9')
    fireEvent.change(yaml, { target: { value: FAST.replace('gpt-4o-mini', 'gpt-4o') } })
    expect((screen.getByRole('textbox', { name: 'Model' }) as HTMLInputElement).value).toBe('gpt-4o')
  })

  it('shows validation problems at their field', async () => {
    renderApp(modelClient())
    await openFast()
    fireEvent.change(screen.getByRole('textbox', { name: 'Top p' }), { target: { value: '3' } })
    expect(await screen.findByText('Too big: expected number to be <=1')).toBeTruthy()
  })

  it('saves as a version, and shows why a config with a secret is refused', async () => {
    const client = modelClient()
    renderApp(client)
    const yaml = await openFast()
    fireEvent.change(yaml, { target: { value: FAST + 'api_key: sk-proj-abc\n' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save version' }))
    expect((await screen.findByTestId('model-save-error')).textContent).toContain('API keys never go into git')
    fireEvent.change(yaml, { target: { value: FAST + 'api_key_env: OPENAI_API_KEY\n' } })
    expect(screen.queryByTestId('model-save-error')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Save version' }))
    await waitFor(() => expect(client.calls.filter((c) => c.name === 'objects.save')).toHaveLength(2))
    expect(client.calls.filter((c) => c.name === 'objects.save')[1]?.request).toMatchObject({ kind: 'model', name: 'fast', baseVersion: expect.stringMatching(/^[0-9a-f]{40}$/) })
  })

  it('saves the open config on Ctrl/Cmd+S (the editor.save command) while it is on screen', async () => {
    const client = modelClient()
    renderApp(client)
    const yaml = await openFast()
    fireEvent.change(yaml, { target: { value: FAST.replace('0.2', '0.3') } })
    fireEvent.change(screen.getByRole('textbox', { name: 'Version message' }), { target: { value: 'Warmer' } })
    saveOpenPrompt(client)
    await waitFor(() => expect(client.calls.find((c) => c.name === 'objects.save')?.request).toMatchObject({ kind: 'model', name: 'fast', message: 'Warmer' }))
  })

  it('keeps edits as a draft that a reopened editor restores, until saved', async () => {
    const client = modelClient()
    renderApp(client)
    const yaml = await openFast()
    fireEvent.change(yaml, { target: { value: FAST.replace('0.2', '0.5') } })
    await flushModelDraft()
    expect((await loadDraft('/home/me/support-bot', 'model', 'fast'))?.content).toContain('temperature: 0.5')

    resetModel()
    fireEvent.click(await screen.findByRole('button', { name: /fast/ }))
    expect(((await screen.findByRole('textbox', { name: 'Model config fast (YAML)' })) as HTMLTextAreaElement).value).toContain('temperature: 0.5')
    fireEvent.click(screen.getByRole('button', { name: 'Save version' }))
    await waitFor(() => expect(client.calls.some((c) => c.name === 'objects.save')).toBe(true))
    await waitFor(async () => {
      await flushModelDraft()
      expect(await loadDraft('/home/me/support-bot', 'model', 'fast')).toBeUndefined()
    })
  })

  it('creates a model config from the offline starter as a new object', async () => {
    const client = modelClient()
    renderApp(client)
    fireEvent.click(screen.getByTestId('section-playground'))
    fireEvent.click(await screen.findByRole('button', { name: 'New model config' }))
    fireEvent.change(await screen.findByRole('textbox', { name: 'Model config name' }), { target: { value: 'my-model' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create model config' }))
    await waitFor(() => expect(client.calls.some((c) => c.name === 'objects.save')).toBe(true))
    const save = client.calls.find((c) => c.name === 'objects.save')!.request as { kind: string; name: string; content: string; baseVersion: null }
    expect(save).toMatchObject({ kind: 'model', name: 'my-model', baseVersion: null })
    expect(save.content).toContain('provider: echo')
    expect(await screen.findByText('Created model:my-model (v2)')).toBeTruthy()
  })
})
