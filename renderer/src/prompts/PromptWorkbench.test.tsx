import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { createElement } from 'react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { DiffViewProps } from '../editor/editorTypes'
import { createFakeClient, entry, type FakeClient } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'
import { resetHistory } from './useHistoryStore'
import { resetPreview } from './usePreviewStore'
import { saveOpenPrompt } from './usePromptsStore'

// Monaco's diff editor does not run in jsdom: both sides as plain text.
vi.mock('../editor/MonacoDiffEditor', () => ({
  default: (props: DiffViewProps) => createElement('pre', { 'data-testid': 'diff-text', 'data-side-by-side': String(props.sideBySide) }, `${props.original}\n=====\n${props.modified}`),
}))

const GREET = '---\ninput:\n  schema:\n    question: string\n---\nAnswer {{question}} as {{agent}}.\n'

beforeEach(async () => {
  await resetAppState()
  resetHistory()
  resetPreview()
})

function workbenchClient(): FakeClient {
  const files: Record<string, string> = { 'prompts/greet.prompt': GREET, 'datasets/tickets.jsonl': '{"id":"t1","question":"Where is it?"}\n' }
  const client = createFakeClient({ objects: [entry('prompt', 'greet'), entry('dataset', 'tickets')], files })
  client.handle('objects.validate', () => ({ valid: true, issues: [] }))
  client.handle('prompts.render', ({ variables }) => ({
    messages: [{ role: 'user', content: `Answer ${String((variables as Record<string, unknown>).question ?? '')} as .` }],
    config: {},
    missing: ['agent'],
    unexpected: [],
  }))
  client.handle('objects.get', ({ ref }) => ({
    resolved: { kind: 'dataset', name: 'tickets', digest: 'a'.repeat(40), n: 1, via: 'latest', ref },
    content: ref.startsWith('dataset:') ? files['datasets/tickets.jsonl']! : `text of ${ref}`,
  }))
  client.handle('objects.save', ({ kind, name }) => ({
    version: { n: 2, digest: 'b'.repeat(40), commit: 'c'.repeat(40), time: '', author: '', email: '', message: '', labels: [], current: true },
    commit: 'c'.repeat(40),
    created: kind === 'prompt' && name !== 'taken',
  }))
  const version = (n: number) => ({ n, digest: String(n).repeat(40), commit: 'c'.repeat(40), time: '2026-11-28T10:00:00Z', author: 'Ada', email: 'a@b.c', message: `Message ${n}`, labels: n === 2 ? ['production'] : [], current: n === 3 })
  client.handle('objects.versions', () => ({ versions: [version(3), version(2), version(1)] }))
  client.handle('objects.diff', ({ from }) => ({
    from: { kind: 'prompt', name: 'greet', digest: '1'.repeat(40), n: 1, via: 'ordinal', ref: from },
    to: null,
    diff: { kind: 'prompt', status: 'changed', text: { hunks: [], stats: { added: 1, removed: 1 } }, frontMatter: [{ path: 'config.temperature', change: 'changed', before: 0.2, after: 0.7 }] },
  }))
  return client
}

async function openGreet() {
  fireEvent.click(await screen.findByRole('button', { name: /greet/ }))
  return (await screen.findByRole('textbox', { name: 'Prompt greet' })) as HTMLTextAreaElement
}

describe('prompt workbench', () => {
  it('marks variables input.schema does not declare, and previews with typed and dataset values', async () => {
    renderApp(workbenchClient())
    await openGreet()
    expect((await screen.findByTestId('prompt-checks')).textContent).toContain('"agent" is not declared in input.schema')
    const field = screen.getByRole('textbox', { name: 'Variable question' })
    fireEvent.change(field, { target: { value: 'Hi' } })
    await waitFor(() => expect(screen.getByTestId('prompt-preview').textContent).toContain('Answer Hi as .'))
    expect(screen.getByTestId('prompt-preview').textContent).toContain('Missing: agent')

    fireEvent.change(screen.getByRole('combobox', { name: 'Dataset for sample values' }), { target: { value: 'tickets' } })
    const rows = await screen.findByRole('combobox', { name: 'Dataset row' })
    await waitFor(() => expect(within(rows).getAllByRole('option')).toHaveLength(2))
    fireEvent.change(rows, { target: { value: 't1' } })
    expect((screen.getByRole('textbox', { name: 'Variable question' }) as HTMLTextAreaElement).value).toBe('Where is it?')
  })

  it('asks for a message on save and sends it with the base version; Escape keeps the draft', async () => {
    const client = workbenchClient()
    renderApp(client)
    const editor = await openGreet()
    fireEvent.change(editor, { target: { value: GREET + 'More.\n' } })
    act(() => saveOpenPrompt())
    const dialog = await screen.findByTestId('save-dialog')
    fireEvent.keyDown(dialog, { key: 'Escape' })
    await waitFor(() => expect(screen.queryByTestId('save-dialog')).toBeNull())
    expect(client.calls.some((c) => c.name === 'objects.save')).toBe(false)

    fireEvent.click(screen.getByRole('button', { name: 'Save version' }))
    fireEvent.change(await screen.findByRole('textbox', { name: 'Version message' }), { target: { value: 'Add a line' } })
    fireEvent.submit(screen.getByRole('textbox', { name: 'Version message' }).closest('form')!)
    await waitFor(() => expect(client.calls.some((c) => c.name === 'objects.save')).toBe(true))
    expect(client.calls.find((c) => c.name === 'objects.save')?.request).toMatchObject({
      kind: 'prompt',
      name: 'greet',
      content: GREET + 'More.\n',
      message: 'Add a line',
      baseVersion: expect.stringMatching(/^[0-9a-f]{40}$/),
    })
  })

  it('creates a new prompt from the starter template as a first version', async () => {
    const client = workbenchClient()
    renderApp(client)
    fireEvent.click(await screen.findByRole('button', { name: 'New prompt' }))
    fireEvent.change(screen.getByRole('textbox', { name: 'Prompt name' }), { target: { value: 'welcome' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create prompt' }))
    await waitFor(() => expect(client.calls.some((c) => c.name === 'objects.save')).toBe(true))
    const request = client.calls.find((c) => c.name === 'objects.save')?.request as { baseVersion: unknown; content: string; name: string }
    expect(request).toMatchObject({ kind: 'prompt', name: 'welcome', baseVersion: null })
    expect(request.content).toContain('{{question}}')
  })

  it('compares two picked versions in the diff view with the front-matter changes listed', async () => {
    renderApp(workbenchClient())
    await openGreet()
    fireEvent.click(screen.getByRole('tab', { name: 'History' }))
    const history = await screen.findByTestId('prompt-history')
    expect(await within(history).findByText('Message 3')).toBeTruthy()
    expect(within(history).getByText('production')).toBeTruthy()
    fireEvent.click(within(history).getByRole('checkbox', { name: 'Pick v3 for comparing' }))
    fireEvent.click(within(history).getByRole('checkbox', { name: 'Pick v1 for comparing' }))
    fireEvent.click(within(history).getByRole('button', { name: 'Compare' }))
    const diff = await screen.findByTestId('diff-text')
    expect(diff.textContent).toBe('text of prompt:greet@v1\n=====\ntext of prompt:greet@v3')
    expect(screen.getByTestId('front-matter-changes').textContent).toContain('config.temperature')
    fireEvent.click(screen.getByRole('button', { name: 'Inline' }))
    expect(screen.getByTestId('diff-text').dataset.sideBySide).toBe('false')
    fireEvent.click(screen.getByRole('button', { name: 'Close diff' }))
    expect(await screen.findByRole('textbox', { name: 'Prompt greet' })).toBeTruthy()
  })
})
