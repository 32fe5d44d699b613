import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { SECTIONS } from '../../common/commands'
import { RECONNECT_GRACE_MS } from './app/StatusBar'
import { useAppStore } from './app/useAppStore'
import { loadSettings } from './state/uiState'
import { createFakeClient, entry, sampleProject } from './test/fakeClient'
import { renderApp, resetAppState } from './test/renderApp'

beforeEach(resetAppState)

async function ready() {
  await waitFor(() => expect(document.body.dataset.ready).toBe('true'))
}

describe('App shell', () => {
  it('shows the sections in order as buttons named by their titles', async () => {
    renderApp(createFakeClient())
    await ready()
    const nav = screen.getByRole('navigation', { name: 'Sections' })
    const names = within(nav).getAllByRole('button').map((b) => b.textContent)
    expect(names).toEqual(SECTIONS.map((s) => s.title))
    expect(screen.getByTestId('section-traces')).toHaveProperty('tagName', 'BUTTON')
  })

  it('gives every section a factual empty state', async () => {
    renderApp(createFakeClient())
    await ready()
    const expectations: Record<string, RegExp> = {
      prompts: /Prompts are Dotprompt files/,
      datasets: /No \.jsonl files in datasets\/ yet/,
      playground: /No \.yaml or \.yml files in models\/ yet/,
      traces: /Send spans from an app with the Weft SDK, any OpenTelemetry exporter, or the unchanged W&B Weave SDK/,
      evaluations: /No \.yaml or \.yml files in evals\/ yet/,
      annotate: /A queue names what to label/,
      monitor: /Volume, errors, latency, tokens, cost and online scores appear here as traces arrive/,
    }
    for (const section of SECTIONS) {
      fireEvent.click(screen.getByTestId(`section-${section.id}`))
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(section.title)
      expect(await screen.findByText(expectations[section.id]!)).toBeTruthy()
      expect(window.location.hash).toBe(`#/${section.id}`)
      expect(screen.getByTestId(`section-${section.id}`).getAttribute('aria-current')).toBe('page')
    }
  })

  it('lists real files of each kind', async () => {
    const client = createFakeClient({ objects: [entry('dataset', 'tickets', 2048), entry('model', 'fast'), entry('scorer', 'exact')] })
    renderApp(client)
    await ready()
    fireEvent.click(screen.getByTestId('section-datasets'))
    expect(await screen.findByText('tickets')).toBeTruthy()
    expect(screen.getByText('2.0 KB')).toBeTruthy()
    fireEvent.click(screen.getByTestId('section-playground'))
    // The list on the left (the Run pane beside it names the models too).
    expect(await screen.findByRole('button', { name: /fast/ })).toBeTruthy()
    fireEvent.click(screen.getByTestId('section-evaluations'))
    expect(await screen.findByText('exact')).toBeTruthy()
  })

  it('reloads a listing when objects.changed names its kind', async () => {
    const objects = [entry('dataset', 'tickets')]
    const client = createFakeClient({ objects })
    renderApp(client)
    await ready()
    fireEvent.click(screen.getByTestId('section-datasets'))
    await screen.findByText('tickets')
    objects.push(entry('dataset', 'faq'))
    act(() => client.emit('objects.changed', { kinds: ['dataset'] }))
    expect(await screen.findByText('faq')).toBeTruthy()
  })

  it('shows project, branch, connection and transport in the status bar', async () => {
    const client = createFakeClient()
    renderApp(client)
    await ready()
    const bar = screen.getByTestId('status-bar')
    expect(within(bar).getByTestId('status-project').textContent).toBe('Support bot')
    expect(within(bar).getByTestId('status-branch').textContent).toContain('main')
    expect(within(bar).getByTestId('status-branch').textContent).toContain('1a2b3c4')
    expect(within(bar).getByTestId('status-connection').textContent).toBe('connected')
    expect(within(bar).getByTestId('status-transport').textContent).toBe('web')
    vi.useFakeTimers()
    try {
      act(() => client.setConnection('disconnected'))
      expect(within(bar).getByTestId('status-connection').textContent).toBe('reconnecting…')
      act(() => vi.advanceTimersByTime(RECONNECT_GRACE_MS))
      expect(within(bar).getByTestId('status-connection').textContent).toBe('disconnected')
    } finally {
      vi.useRealTimers()
    }
    act(() => client.setConnection('connected'))
    expect(within(bar).getByTestId('status-connection').textContent).toBe('connected')
  })

  it('re-reads the project after a reconnect (events may have been missed)', async () => {
    const client = createFakeClient()
    renderApp(client)
    await ready()
    act(() => client.setConnection('disconnected'))
    client.handle('project.current', () => ({ project: sampleProject({ name: 'Renamed meanwhile' }) }))
    act(() => client.setConnection('connected'))
    await waitFor(() => expect(screen.getByTestId('status-project').textContent).toBe('Renamed meanwhile'))
  })

  it('shows the welcome screen when no project is open, and opens the sample from it', async () => {
    const client = createFakeClient({ project: null })
    client.handle('project.openSample', () => ({ project: sampleProject({ name: 'Weft sample' }) }))
    renderApp(client)
    await ready()
    expect(screen.getByTestId('welcome-screen')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Open sample project' }))
    await waitFor(() => expect(screen.getByTestId('status-project').textContent).toBe('Weft sample'))
    expect(screen.queryByTestId('welcome-screen')).toBeNull()
  })

  it('offers to initialise a folder that is not a Weft project yet', async () => {
    const dir = '/home/me/notes'
    const client = createFakeClient({
      project: sampleProject({ dir, name: 'notes', status: 'needs-init', reason: 'There is no weft.yaml in this folder.', config: null }),
    })
    client.handle('project.init', ({ dir }) => ({ project: sampleProject({ dir, name: 'notes' }) }))
    renderApp(client)
    await ready()
    expect(screen.getByRole('heading', { name: `${dir} is not a Weft project yet` })).toBeTruthy()
    expect(screen.getByText('There is no weft.yaml in this folder.')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Initialise Weft project here' }))
    await waitFor(() => expect(screen.queryByTestId('needs-init-screen')).toBeNull())
    expect(client.calls.find((c) => c.name === 'project.init')?.request).toEqual({ dir })
  })

  it('follows project.changed events', async () => {
    const client = createFakeClient()
    renderApp(client)
    await ready()
    act(() => client.emit('project.changed', { project: sampleProject({ name: 'Other', branch: 'dev' }) }))
    expect(screen.getByTestId('status-project').textContent).toBe('Other')
    act(() => client.emit('project.changed', { project: null }))
    expect(screen.getByTestId('welcome-screen')).toBeTruthy()
  })

  it('starts on the section in the hash and remembers the last one', async () => {
    window.location.hash = '#/monitor'
    useAppStore.setState({ section: 'monitor' })
    renderApp(createFakeClient())
    await ready()
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Monitor')
    fireEvent.click(screen.getByTestId('section-annotate'))
    await waitFor(async () => expect((await loadSettings()).lastSection).toBe('annotate'))
  })

  it('runs commands sent by the native menu', async () => {
    const client = createFakeClient()
    renderApp(client)
    await ready()
    act(() => client.emit('app.command', { command: 'go.traces' }))
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Traces')
    act(() => client.emit('app.command', { command: 'sidebar.toggle' }))
    expect(screen.getByTestId('sidebar').className).toContain('is-collapsed')
    // Collapsed items keep their titles as accessible names.
    expect(screen.getByRole('button', { name: 'Traces' })).toBeTruthy()
    act(() => client.emit('app.command', { command: 'theme.dark' }))
    expect(document.documentElement.dataset.theme).toBe('dark')
    act(() => client.emit('app.command', { command: 'theme.system' }))
    expect(document.documentElement.dataset.theme).toBeUndefined()
  })

  it('reports a workbench that cannot be reached instead of hanging', async () => {
    const client = createFakeClient()
    client.handle('project.current', () => {
      throw new Error('socket hang up')
    })
    renderApp(client)
    await waitFor(() => expect(document.body.dataset.ready).toBe('error'))
    expect(screen.getByText('Weft could not reach its workbench')).toBeTruthy()
  })
})
