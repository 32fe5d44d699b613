import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../../common/errors'
import { runCommand } from '../app/runCommand'
import { createFakeClient, sampleProject, type FakeClient } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'
import { INITIAL_GIT_STATE, useGitStore, type Branch } from './useGitStore'

const HEAD = sampleProject().head!
const OTHER = 'b'.repeat(40)

beforeEach(async () => {
  await resetAppState()
  useGitStore.setState({ ...INITIAL_GIT_STATE })
})

function gitClient(branches: Branch[], remotes: { name: string; url: string }[] = []): FakeClient {
  const client = createFakeClient()
  client.handle('branches.list', () => ({ current: branches.find((b) => b.isCurrent)?.name ?? null, branches }))
  client.handle('remotes.list', () => ({ remotes }))
  return client
}

const main: Branch = { name: 'main', head: HEAD, isCurrent: true, upstream: 'origin/main', ahead: 2, behind: 1 }
const feature: Branch = { name: 'feature', head: OTHER, isCurrent: false }

describe('git in the status bar', () => {
  it('shows the branch with ahead/behind vs its upstream, refreshed on project.changed', async () => {
    const branches = [main, feature]
    const client = gitClient(branches)
    renderApp(client)
    const counts = await screen.findByTestId('status-ahead-behind')
    expect(counts.textContent).toBe('↑2↓1')
    expect(screen.getByTestId('status-branch').getAttribute('aria-label')).toContain('2 ahead, 1 behind origin/main')
    branches[0] = { ...main, ahead: 0, behind: 0 }
    act(() => client.emit('project.changed', { project: sampleProject() }))
    await waitFor(() => expect(screen.getByTestId('status-ahead-behind').textContent).toBe('↑0↓0'))
  })

  it('switches branch from the dialog, and says which files a refused switch would overwrite', async () => {
    const client = gitClient([main, feature])
    let refuse = true
    client.handle('branches.switch', ({ name }) => {
      if (refuse) {
        throw new WeftError('CONFLICT', 'Switching would overwrite uncommitted changes to prompts/a.prompt', [
          { path: 'files', file: 'prompts/a.prompt', message: 'has uncommitted changes' },
        ])
      }
      return { current: name, head: OTHER }
    })
    renderApp(client)
    fireEvent.click(await screen.findByTestId('status-branch'))
    const dialog = await screen.findByTestId('branches-dialog')
    // Keyboard: the current branch has focus, arrows move through the list.
    expect(document.activeElement?.textContent).toContain('main')
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' })
    expect(document.activeElement?.textContent).toContain('feature')
    fireEvent.click(within(dialog).getByRole('button', { name: /^feature/ }))
    const problem = await within(dialog).findByTestId('branch-problem')
    expect(problem.textContent).toContain('Weft did not switch to feature')
    expect(problem.textContent).toContain('prompts/a.prompt')

    refuse = false
    fireEvent.click(within(dialog).getByRole('button', { name: /^feature/ }))
    await waitFor(() => expect(screen.queryByTestId('branches-dialog')).toBeNull())
    expect(screen.getByTestId('status-branch').textContent).toContain('feature')
    expect(screen.getByText('Switched to branch feature')).toBeTruthy()
  })

  it('creates a branch from the palette command and switches to it', async () => {
    const client = gitClient([main])
    client.handle('branches.create', ({ name }) => ({ name, head: HEAD, isCurrent: true }))
    renderApp(client)
    await screen.findByTestId('status-branch')
    act(() => void runCommand(client, 'git.newBranch'))
    const input = await screen.findByRole('textbox', { name: 'New branch name' })
    expect(document.activeElement).toBe(input)
    fireEvent.change(input, { target: { value: 'shorter' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create and switch' }))
    await waitFor(() => expect(screen.getByTestId('status-branch').textContent).toContain('shorter'))
    expect(client.calls.find((c) => c.name === 'branches.create')?.request).toEqual({ name: 'shorter', checkout: true })
  })

  it('a pull with no remote offers to add one (token as a password), then pulls', async () => {
    const remotes: { name: string; url: string }[] = []
    const client = gitClient([main], remotes)
    client.handle('remotes.add', ({ name, url }) => {
      remotes.push({ name, url })
      return { remotes }
    })
    client.handle('sync.pull', () => ({ status: 'fast-forward', head: OTHER, previous: HEAD }))
    renderApp(client)
    fireEvent.click(await screen.findByTestId('git-pull'))
    const dialog = await screen.findByTestId('add-remote-dialog')
    expect(dialog.textContent).toContain('Nothing to pull from: this project has no remote yet')
    expect(within(dialog).getByLabelText('Access token').getAttribute('type')).toBe('password')
    fireEvent.change(within(dialog).getByLabelText('Repository URL'), { target: { value: 'https://git.example/p.git' } })
    fireEvent.change(within(dialog).getByLabelText('Access token'), { target: { value: 's3cret' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add and pull' }))
    expect(await screen.findByText('Pulled from origin: fast-forward to bbbbbbb')).toBeTruthy()
    expect(client.calls.find((c) => c.name === 'remotes.add')?.request).toEqual({ name: 'origin', url: 'https://git.example/p.git', token: 's3cret' })
  })

  it('shows a pull conflict in words: nothing changed, and which files', async () => {
    const client = gitClient([main], [{ name: 'origin', url: 'https://git.example/p.git' }])
    client.handle('sync.pull', () => ({
      status: 'conflict',
      head: HEAD,
      theirs: OTHER,
      files: [{ path: 'prompts/summarize.prompt', kind: 'both-modified', ours: HEAD, theirs: OTHER, base: null }],
    }))
    renderApp(client)
    fireEvent.click(await screen.findByTestId('git-pull'))
    const dialog = await screen.findByTestId('pull-conflict-dialog')
    expect(dialog.textContent).toContain('Pull stopped: nothing changed')
    expect(dialog.textContent).toContain('prompts/summarize.prompt — changed on both sides')
  })

  it('disables both buttons with a spinner while a push runs, and puts errors in words', async () => {
    const client = gitClient([main], [{ name: 'origin', url: 'https://git.example/p.git' }])
    let finish: (error: Error) => void = () => {}
    client.handle('sync.push', () => new Promise((_, reject) => (finish = reject)))
    renderApp(client)
    fireEvent.click(await screen.findByTestId('git-push'))
    await waitFor(() => expect(screen.getByTestId('git-push').textContent).toBe('Pushing…'))
    expect((screen.getByTestId('git-pull') as HTMLButtonElement).disabled).toBe(true)
    await act(async () => finish(new WeftError('NETWORK', 'Cannot reach the remote https://git.example/p.git: ECONNREFUSED')))
    expect(await screen.findByText('Push failed, nothing changed: Cannot reach the remote https://git.example/p.git: ECONNREFUSED')).toBeTruthy()
    expect((screen.getByTestId('git-pull') as HTMLButtonElement).disabled).toBe(false)

    client.handle('sync.push', () => {
      throw new WeftError('CONFLICT', 'The remote "origin" has commits on main that this project does not have yet: pull first, then push')
    })
    fireEvent.click(screen.getByTestId('git-push'))
    expect(await screen.findByText(/^Push refused: .*pull first, then push$/)).toBeTruthy()
  })
})
