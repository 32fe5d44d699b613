import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { loadDraft, saveDraft } from '../state/uiState'
import { createFakeClient, entry, sampleProject } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'
import { markLines } from './DraftCompare'
import { resetDrafts } from './useDraftsStore'

const dir = sampleProject().dir
const SUMMARIZE = 'Summarize {{ticket}}.\n'
const files = { 'prompts/summarize.prompt': SUMMARIZE, 'prompts/classify.prompt': 'Classify NOW\n', 'datasets/tickets.jsonl': '{"id":"a"}\n' }
const objects = [entry('prompt', 'summarize'), entry('prompt', 'classify'), entry('dataset', 'tickets')]
const at = new Date().toISOString()

beforeEach(async () => {
  await resetAppState()
  resetDrafts()
})

async function seed() {
  await saveDraft({ projectDir: dir, kind: 'prompt', name: 'summarize', content: SUMMARIZE + 'Be brief.\n', base: SUMMARIZE, updatedAt: at })
  // The file changed on disk after this draft began.
  await saveDraft({ projectDir: dir, kind: 'prompt', name: 'classify', content: 'Classify mine\n', base: 'Classify\n', updatedAt: at })
  await saveDraft({ projectDir: dir, kind: 'dataset', name: 'tickets', content: '{"id":"b"}\n', base: '{"id":"a"}\n', updatedAt: at })
  await saveDraft({ projectDir: '/elsewhere', kind: 'prompt', name: 'other', content: 'x', base: '', updatedAt: at })
}

describe('restored drafts banner', () => {
  it('says how many drafts were restored and marks the ones whose file changed', async () => {
    await seed()
    renderApp(createFakeClient({ objects, files }))
    const banner = await screen.findByTestId('drafts-banner')
    expect(banner.textContent).toContain('3 unsaved drafts restored')
    expect(banner.textContent).toContain('One file has changed on disk since')
    expect(within(banner).getByTestId('restored-draft-prompt:classify').textContent).toContain('changed on disk since')
    expect(within(banner).getByTestId('restored-draft-prompt:summarize').textContent).not.toContain('changed on disk')
    expect(within(banner).getByTestId('restored-draft-dataset:tickets')).toBeTruthy()
  })

  it('compares a conflicting draft with the file, showing both sides and the base', async () => {
    await seed()
    renderApp(createFakeClient({ objects, files }))
    fireEvent.click(await screen.findByRole('button', { name: 'Compare draft of prompt:classify with the file' }))
    const dialog = await screen.findByTestId('draft-compare')
    expect(within(dialog).getByTestId('compare-disk').textContent).toContain('Classify NOW')
    expect(within(dialog).getByTestId('compare-draft').textContent).toContain('Classify mine')
    expect(dialog.textContent).toContain('The file changed on disk after this draft began')
    expect(dialog.textContent).toContain('The file when the draft began')
  })

  it('discards a draft only after a confirmation, deleting it from the UI database', async () => {
    await seed()
    renderApp(createFakeClient({ objects, files }))
    fireEvent.click(await screen.findByRole('button', { name: 'Discard draft of prompt:summarize' }))
    expect(await loadDraft(dir, 'prompt', 'summarize')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Really discard draft of prompt:summarize' }))
    await waitFor(() => expect(screen.queryByTestId('restored-draft-prompt:summarize')).toBeNull())
    expect(await loadDraft(dir, 'prompt', 'summarize')).toBeUndefined()
    expect(screen.getByTestId('drafts-banner').textContent).toContain('2 unsaved drafts restored')
  })

  it('opens a prompt draft in the editor; keep hides a draft without deleting it', async () => {
    await seed()
    renderApp(createFakeClient({ objects, files }))
    fireEvent.click(await screen.findByRole('button', { name: 'Keep draft of dataset:tickets' }))
    expect(await loadDraft(dir, 'dataset', 'tickets')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Open draft of prompt:summarize' }))
    const editor = (await screen.findByRole('textbox', { name: 'Prompt summarize' })) as HTMLTextAreaElement
    expect(editor.value).toBe(SUMMARIZE + 'Be brief.\n')
    expect(screen.getByTestId('draft-notice')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Keep all' }))
    await waitFor(() => expect(screen.queryByTestId('drafts-banner')).toBeNull())
  })

  it('checks a large file\'s edit-list draft against the version it began from, without reading the file', async () => {
    await saveDraft({ projectDir: dir, kind: 'dataset', name: 'tickets', content: '{"edits":[]}', base: 'digest:' + 'a'.repeat(40), updatedAt: at })
    const client = createFakeClient({ objects, files })
    renderApp(client)
    const row = await screen.findByTestId('restored-draft-dataset:tickets')
    // The fake lists every object without a version: the file is not the version the draft began from.
    expect(row.textContent).toContain('changed on disk since')
    expect(row.textContent).toContain('large file')
    expect(within(row).queryByRole('button', { name: /Compare/ })).toBeNull()
    expect(client.calls.some((c) => c.name === 'objects.read')).toBe(false)
  })

  it('shows nothing when there are no drafts', async () => {
    renderApp(createFakeClient({ objects, files }))
    await screen.findByTestId('status-branch')
    expect(screen.queryByTestId('drafts-banner')).toBeNull()
  })

  it('marks lines only on one side', () => {
    const [left, right] = markLines('a\nb\nc\n', 'a\nB\nc\nd\n')
    expect(left.filter((l) => l.changed).map((l) => l.text)).toEqual(['b'])
    expect(right.filter((l) => l.changed).map((l) => l.text)).toEqual(['B', 'd'])
  })
})
