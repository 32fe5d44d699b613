import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import type { RecentProject } from '../../../common/schemas/project'
import { WeftError } from '../../../common/errors'
import { createFakeClient, sampleProject } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'

beforeEach(resetAppState)

const recent: RecentProject[] = [
  { dir: '/home/me/support-bot', name: 'Support bot', openedAt: '2025-01-02T00:00:00Z' },
  { dir: '/home/me/rag', name: 'RAG eval', openedAt: '2025-01-01T00:00:00Z' },
]

async function openSwitcher() {
  await waitFor(() => expect(document.body.dataset.ready).toBe('true'))
  fireEvent.click(screen.getByRole('button', { name: 'Project: Support bot' }))
  return screen.getByRole('menu', { name: 'Projects' })
}

describe('project switcher', () => {
  it('opens a recent project', async () => {
    const client = createFakeClient({ recent })
    client.handle('project.open', ({ dir }) => ({ project: sampleProject({ dir, name: 'RAG eval' }) }))
    renderApp(client)
    const menu = await openSwitcher()
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'Open RAG eval' }))
    await waitFor(() => expect(screen.getByTestId('status-project').textContent).toBe('RAG eval'))
    expect(screen.queryByRole('menu')).toBeNull()
  })

  it('removes a project from the recent list', async () => {
    const client = createFakeClient({ recent })
    client.handle('project.forget', ({ dir }) => ({ projects: recent.filter((p) => p.dir !== dir) }))
    renderApp(client)
    const menu = await openSwitcher()
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'Remove RAG eval from recent' }))
    await waitFor(() => expect(within(menu).queryByRole('menuitem', { name: 'Open RAG eval' })).toBeNull())
    expect(client.calls.find((c) => c.name === 'project.forget')?.request).toEqual({ dir: '/home/me/rag' })
  })

  it('creates a new project from a folder and a name', async () => {
    const client = createFakeClient()
    client.handle('project.init', ({ dir, name }) => ({ project: sampleProject({ dir, name: name ?? 'x' }) }))
    renderApp(client)
    const menu = await openSwitcher()
    fireEvent.click(within(menu).getByRole('menuitem', { name: /New project/ }))
    const dialog = screen.getByTestId('new-project-dialog')
    fireEvent.change(within(dialog).getByLabelText(/^Folder/), { target: { value: '/home/me/new' } })
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'New one' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create project' }))
    await waitFor(() => expect(screen.getByTestId('status-project').textContent).toBe('New one'))
    expect(client.calls.find((c) => c.name === 'project.init')?.request).toEqual({ dir: '/home/me/new', name: 'New one' })
  })

  it('keeps the dialog open and shows the error when a folder cannot be opened', async () => {
    const client = createFakeClient()
    client.handle('project.open', () => {
      throw new WeftError('NOT_A_DIRECTORY', '/nope is not a folder')
    })
    renderApp(client)
    const menu = await openSwitcher()
    fireEvent.click(within(menu).getByRole('menuitem', { name: /Open folder/ }))
    const dialog = await screen.findByTestId('open-folder-dialog')
    fireEvent.change(within(dialog).getByLabelText(/Folder path/), { target: { value: '/nope' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Open' }))
    expect((await screen.findByRole('alert')).textContent).toContain('/nope is not a folder')
    expect(screen.getByTestId('open-folder-dialog')).toBeTruthy()
  })
})
