import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { INITIAL_APP_STATE, useAppStore } from '../app/useAppStore'
import { clearObjects } from '../objects/useObjectsStore'
import { INITIAL_PROJECT_STATE, useProjectStore } from '../project/useProjectStore'
import { loadDraft } from '../state/uiState'
import { createFakeClient, entry, sampleProject } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'
import { DRAFT_DELAY_MS, flushDraft, resetPrompts } from './usePromptsStore'

beforeEach(resetAppState)

const SUMMARIZE = '---\nmodel: fast\n---\nSummarize {{ticket}}.\n'
const files = { 'prompts/summarize.prompt': SUMMARIZE, 'prompts/classify.prompt': 'Classify {{text}}' }
const objects = [entry('prompt', 'summarize'), entry('prompt', 'classify')]
const dir = sampleProject().dir

async function openSummarize() {
  fireEvent.click(await screen.findByRole('button', { name: /summarize/ }))
  return (await screen.findByRole('textbox', { name: 'Prompt summarize' })) as HTMLTextAreaElement
}

// What a window reload does to the renderer: memory is gone, IndexedDB stays.
function simulateReload() {
  cleanup()
  resetPrompts()
  clearObjects()
  useProjectStore.setState({ ...INITIAL_PROJECT_STATE })
  useAppStore.setState({ ...INITIAL_APP_STATE })
  delete document.body.dataset.ready
}

describe('Prompts section', () => {
  it('lists prompt files and opens one in the editor', async () => {
    const client = createFakeClient({ objects, files })
    renderApp(client)
    expect(await screen.findByRole('button', { name: /classify/ })).toBeTruthy()
    const editor = await openSummarize()
    expect(editor.value).toBe(SUMMARIZE)
    expect(screen.getByTestId('monaco-host')).toBeTruthy()
    expect(client.calls.find((c) => c.name === 'objects.list')?.request).toEqual({ kind: 'prompt' })
    expect(client.calls.find((c) => c.name === 'objects.read')?.request).toEqual({ kind: 'prompt', name: 'summarize' })
    expect(screen.queryByTestId('draft-notice')).toBeNull()
  })

  it('keeps edits as a draft that survives a reload, until discarded', async () => {
    renderApp(createFakeClient({ objects, files }))
    const editor = await openSummarize()
    fireEvent.change(editor, { target: { value: SUMMARIZE + 'Be brief.\n' } })
    expect(screen.getByTestId('draft-notice').textContent).toContain('Draft — kept on this machine, not yet a version')
    await act(() => flushDraft())
    expect((await loadDraft(dir, 'prompt', 'summarize'))?.content).toBe(SUMMARIZE + 'Be brief.\n')

    simulateReload()
    renderApp(createFakeClient({ objects, files }))
    // The open prompt is restored from the UI database, with its draft.
    const restored = (await screen.findByRole('textbox', { name: 'Prompt summarize' })) as HTMLTextAreaElement
    expect(restored.value).toBe(SUMMARIZE + 'Be brief.\n')
    expect(screen.getByTestId('draft-notice')).toBeTruthy()

    fireEvent.click(screen.getByRole('button', { name: 'Discard draft' }))
    await waitFor(() => expect(screen.queryByTestId('draft-notice')).toBeNull())
    expect(((await screen.findByRole('textbox', { name: 'Prompt summarize' })) as HTMLTextAreaElement).value).toBe(SUMMARIZE)
    expect(await loadDraft(dir, 'prompt', 'summarize')).toBeUndefined()
  })

  it('writes the draft on its own shortly after typing stops', async () => {
    renderApp(createFakeClient({ objects, files }))
    const editor = await openSummarize()
    fireEvent.change(editor, { target: { value: 'x' } })
    await new Promise((r) => setTimeout(r, DRAFT_DELAY_MS + 100))
    expect((await loadDraft(dir, 'prompt', 'summarize'))?.content).toBe('x')
    // Typing the file's text back drops the draft.
    fireEvent.change(editor, { target: { value: SUMMARIZE } })
    expect(screen.queryByTestId('draft-notice')).toBeNull()
    await act(() => flushDraft())
    expect(await loadDraft(dir, 'prompt', 'summarize')).toBeUndefined()
  })

  it('shows a file changed outside Weft, and keeps a draft when there is one', async () => {
    const liveFiles = { ...files }
    const client = createFakeClient({ objects, files: liveFiles })
    renderApp(client)
    const editor = await openSummarize()
    liveFiles['prompts/summarize.prompt'] = 'Edited in vim'
    act(() => client.emit('objects.changed', { kinds: ['prompt'] }))
    await waitFor(() => expect(editor.value).toBe('Edited in vim'))

    fireEvent.change(editor, { target: { value: 'my draft' } })
    liveFiles['prompts/summarize.prompt'] = 'Edited again'
    act(() => client.emit('objects.changed', { kinds: ['prompt'] }))
    await waitFor(() => expect(screen.getByTestId('draft-notice').textContent).toContain('changed on disk'))
    expect(editor.value).toBe('my draft')
  })

  it('says where prompt files go when there are none', async () => {
    renderApp(createFakeClient({ objects: [] }))
    expect(await screen.findByText('No prompts yet')).toBeTruthy()
    expect(screen.queryByRole('navigation', { name: 'Prompt files' })).toBeNull()
    expect(screen.getByRole('heading', { name: 'No prompts yet' })).toBeTruthy()
  })
})
