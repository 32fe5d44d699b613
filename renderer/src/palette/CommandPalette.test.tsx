import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { APP_COMMANDS } from '../../../common/commands'
import { createFakeClient, sampleProject } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'

beforeEach(resetAppState)

async function ready() {
  await waitFor(() => expect(document.body.dataset.ready).toBe('true'))
}

const pressKey = (key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body) =>
  act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }))
  })

describe('command palette', () => {
  it('opens with Ctrl+K and lists every command with its shortcut', async () => {
    renderApp(createFakeClient())
    await ready()
    pressKey('k', { ctrlKey: true })
    const palette = screen.getByTestId('command-palette')
    for (const command of APP_COMMANDS) expect(within(palette).getByText(command.title)).toBeTruthy()
    expect(within(palette).getByText('Ctrl+Shift+N')).toBeTruthy()
  })

  it('shows ⌘ shortcuts on macOS and opens with ⌘K', async () => {
    renderApp(createFakeClient(), true)
    await ready()
    pressKey('k', { ctrlKey: true })
    expect(screen.queryByTestId('command-palette')).toBeNull()
    pressKey('k', { metaKey: true })
    expect(within(screen.getByTestId('command-palette')).getByText('⌘K')).toBeTruthy()
  })

  it('filters as you type and runs the chosen command with Enter', async () => {
    renderApp(createFakeClient())
    await ready()
    pressKey('k', { ctrlKey: true })
    const input = screen.getByRole('combobox', { name: 'Search commands' })
    fireEvent.change(input, { target: { value: 'traces' } })
    const palette = screen.getByTestId('command-palette')
    await waitFor(() => expect(within(palette).queryByText('Go to Prompts')).toBeNull())
    expect(within(palette).getByText('Go to Traces')).toBeTruthy()
    fireEvent.keyDown(input, { key: 'Enter' })
    expect(screen.queryByTestId('command-palette')).toBeNull()
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Traces')
  })

  it('offers recent projects as "Open <name>"', async () => {
    const client = createFakeClient({
      recent: [
        { dir: '/home/me/support-bot', name: 'Support bot', openedAt: '2025-01-02T00:00:00Z' },
        { dir: '/home/me/rag', name: 'RAG eval', openedAt: '2025-01-01T00:00:00Z' },
      ],
    })
    client.handle('project.open', ({ dir }) => ({ project: sampleProject({ dir, name: 'RAG eval' }) }))
    renderApp(client)
    await ready()
    pressKey('k', { ctrlKey: true })
    const palette = screen.getByTestId('command-palette')
    // The open project is not offered again.
    expect(within(palette).queryByText('Open Support bot')).toBeNull()
    fireEvent.click(within(palette).getByText('Open RAG eval'))
    await waitFor(() => expect(screen.getByTestId('status-project').textContent).toBe('RAG eval'))
  })

  it('closes with Escape', async () => {
    renderApp(createFakeClient())
    await ready()
    pressKey('k', { ctrlKey: true })
    fireEvent.keyDown(screen.getByRole('combobox', { name: 'Search commands' }), { key: 'Escape' })
    expect(screen.queryByTestId('command-palette')).toBeNull()
  })
})

describe('keyboard shortcuts', () => {
  it('switches sections with Ctrl+digit and toggles the sidebar with Ctrl+B', async () => {
    renderApp(createFakeClient())
    await ready()
    pressKey('4', { ctrlKey: true })
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Traces')
    pressKey('b', { ctrlKey: true })
    expect(screen.getByTestId('sidebar').className).toContain('is-collapsed')
  })

  it('"?" opens the help overlay listing every shortcut; Escape closes it', async () => {
    renderApp(createFakeClient())
    await ready()
    pressKey('?', { shiftKey: true })
    const help = screen.getByTestId('help-overlay')
    for (const command of APP_COMMANDS.filter((c) => c.shortcut)) expect(within(help).getByText(command.title)).toBeTruthy()
    fireEvent.keyDown(help, { key: 'Escape' })
    expect(screen.queryByTestId('help-overlay')).toBeNull()
  })

  it('"?" typed into a text field is text, not a shortcut', async () => {
    renderApp(createFakeClient())
    await ready()
    pressKey('k', { ctrlKey: true })
    pressKey('?', { shiftKey: true }, screen.getByRole('combobox', { name: 'Search commands' }))
    expect(screen.queryByTestId('help-overlay')).toBeNull()
  })

  it('Ctrl+O in web mode asks for a path and opens it', async () => {
    const client = createFakeClient()
    client.handle('project.open', ({ dir }) => ({ project: sampleProject({ dir, name: 'notes', status: 'needs-init', config: null }) }))
    renderApp(client)
    await ready()
    pressKey('o', { ctrlKey: true })
    const dialog = await screen.findByTestId('open-folder-dialog')
    fireEvent.change(within(dialog).getByLabelText(/Folder path/), { target: { value: '/home/me/notes' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Open' }))
    expect(await screen.findByTestId('needs-init-screen')).toBeTruthy()
    expect(screen.queryByTestId('open-folder-dialog')).toBeNull()
  })

  it('Ctrl+O on the desktop uses the native folder picker', async () => {
    const client = createFakeClient({ pickDirectory: true })
    client.handle('app.pickDirectory', () => ({ dir: '/picked' }))
    client.handle('project.open', ({ dir }) => ({ project: sampleProject({ dir, name: 'picked' }) }))
    renderApp(client)
    await ready()
    pressKey('o', { ctrlKey: true })
    await waitFor(() => expect(screen.getByTestId('status-project').textContent).toBe('picked'))
    expect(screen.queryByTestId('open-folder-dialog')).toBeNull()
  })
})
