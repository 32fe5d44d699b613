/**
 * Git from the UI in web mode: create and switch branches from the status bar
 * and the palette, add a remote (with a token) and push to a real git server,
 * pull from it, say clearly when there is no remote, and offer unsaved drafts
 * back after a reload. The repository is checked with the git CLI, not just the screen.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { startGitServer, type GitServer } from '../node/gitServer'
import { assertBuilt, launchBrowser, makeTempDir, openSession, removeDir, saveScreenshot, endSession, startWebMode, waitForReady, type Session, type WebMode, runWeftCli } from './browser'

let browser: Browser
let session: Session | undefined
let server: WebMode
let gitServer: GitServer
let home: string
let remotes: string
let projectDir: string
let bareDir: string
const TOKEN = 'e2e-secret-token'

// Chromium logs every non-2xx response; a refusal a test provokes on purpose is not a bug.
let expectedStatuses: number[] = []

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim()

beforeAll(async () => {
  assertBuilt()
  home = makeTempDir('home')
  remotes = makeTempDir('remotes')
  bareDir = path.join(remotes, 'shared.git')
  git('init', '--bare', '--quiet', bareDir)
  gitServer = await startGitServer({ repos: { 'shared.git': bareDir }, token: TOKEN })
  browser = await launchBrowser()
  server = await startWebMode({ weftHome: home })
  projectDir = path.join(home, 'Sample Project')
})

afterAll(async () => {
  await server?.stop()
  await gitServer?.close()
  await browser?.close()
  removeDir(home)
  removeDir(remotes)
})

afterEach(async (context) => {
  const current = session
  session = undefined
  if (!current) return
  const unexpected = await endSession(current, context.task, expectedStatuses)
  expectedStatuses = []
  if (unexpected.length > 0) console.error(`weft serve said:\n${server.output().slice(-4000)}`)
  expect(unexpected, 'errors in the page').toEqual([])
})

async function openApp(): Promise<Page> {
  session = await openSession(browser)
  const p = session.page
  await p.goto(server.loginUrl)
  await waitForReady(p)
  await p.getByTestId('status-branch').waitFor()
  return p
}

const weft = (...args: string[]) => runWeftCli(home, ...args)

/** Saves prompt:summarize from a terminal with one line replaced. */
function saveSummarizeFromCli(replacement: string): void {
  const file = path.join(remotes, 'summarize.prompt')
  const text = fs.readFileSync(path.join(projectDir, 'prompts', 'summarize.prompt'), 'utf8')
  fs.writeFileSync(file, text.replace(/^Write .*$/m, replacement))
  weft('save', 'prompt:summarize', file, '--project', projectDir, '-m', 'From a terminal')
}

const branchText = (p: Page) => p.getByTestId('status-branch').textContent()

describe('git in the UI', () => {
  test('a pull with no remote says so and offers to add one', async () => {
    const p = await openApp()
    await p.getByTestId('git-pull').click()
    const dialog = p.getByTestId('add-remote-dialog')
    await expect.poll(() => dialog.textContent()).toContain('Nothing to pull from: this project has no remote yet')
    await saveScreenshot(p, 'git-pull-without-remote')
    await p.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
  })

  test('creates a branch from the status bar, and switches back from the palette', async () => {
    const p = await openApp()
    const start = git('-C', projectDir, 'branch', '--show-current')
    await p.getByTestId('status-branch').click()
    const dialog = p.getByTestId('branches-dialog')
    await dialog.getByRole('textbox', { name: 'New branch name' }).fill('experiment')
    await saveScreenshot(p, 'git-branches-dialog')
    await dialog.getByRole('button', { name: 'Create and switch' }).click()
    await expect.poll(() => branchText(p)).toContain('experiment')
    expect(git('-C', projectDir, 'branch', '--show-current')).toBe('experiment')
    await saveScreenshot(p, 'git-on-new-branch')

    // Keyboard only: palette, command, the branch list.
    await p.keyboard.press('Control+k')
    await p.keyboard.type('Switch Branch')
    await p.keyboard.press('Enter')
    await dialog.getByRole('button', { name: new RegExp(`^${start}`) }).click()
    await expect.poll(() => branchText(p)).toContain(start)
    expect(git('-C', projectDir, 'branch', '--show-current')).toBe(start)
  })

  test('adds a remote with a token, pushes to it, and pulls what others pushed', async () => {
    const p = await openApp()
    const branch = git('-C', projectDir, 'branch', '--show-current')
    await p.getByTestId('git-push').click()
    const dialog = p.getByTestId('add-remote-dialog')
    await expect.poll(() => dialog.textContent()).toContain('Nowhere to push to')
    await dialog.getByRole('textbox', { name: 'Repository URL' }).fill(`${gitServer.url}/shared.git`)
    await dialog.getByLabel('Access token').fill(TOKEN)
    await saveScreenshot(p, 'git-add-remote')
    await dialog.getByRole('button', { name: 'Add and push' }).click()
    await expect.poll(() => p.getByText(`Pushed ${branch} to origin`).isVisible(), { timeout: 15_000 }).toBe(true)
    expect(git('--git-dir', bareDir, 'log', '--format=%H', '-1', branch)).toBe(git('-C', projectDir, 'rev-parse', 'HEAD'))
    await expect.poll(() => p.getByTestId('status-ahead-behind').textContent()).toBe('↑0↓0')
    // The token lives outside the repository.
    expect(execFileSync('git', ['-C', projectDir, 'config', '--list'], { encoding: 'utf8' })).not.toContain(TOKEN)
    await saveScreenshot(p, 'git-pushed')

    // Someone else pushes a commit; Pull brings it in.
    const other = path.join(remotes, 'other')
    git('clone', '--quiet', '--branch', branch, bareDir, other)
    execFileSync('sh', ['-c', 'echo "notes from a colleague" > NOTES.md'], { cwd: other })
    git('-C', other, 'add', 'NOTES.md')
    git('-C', other, '-c', 'user.name=Colleague', '-c', 'user.email=c@example.com', 'commit', '--quiet', '-m', 'Add notes')
    git('-C', other, 'push', '--quiet', 'origin', branch)
    // As a hosted remote would: HEAD names the default branch (a fresh bare repository points at a missing master).
    git('--git-dir', bareDir, 'symbolic-ref', 'HEAD', `refs/heads/${branch}`)
    const theirs = git('-C', other, 'rev-parse', 'HEAD')
    await p.getByTestId('git-pull').click()
    await expect.poll(() => p.getByText(`Pulled from origin: fast-forward to ${theirs.slice(0, 7)}`).isVisible(), { timeout: 15_000 }).toBe(true)
    expect(git('-C', projectDir, 'rev-parse', 'HEAD')).toBe(theirs)
    await expect.poll(() => branchText(p)).toContain(theirs.slice(0, 7))
    await saveScreenshot(p, 'git-pulled')
  })

  test('a diverged remote: push says pull first, and the pull stops on the conflict changing nothing', async () => {
    const p = await openApp()
    const branch = git('-C', projectDir, 'branch', '--show-current')
    const other = path.join(remotes, 'other')
    git('-C', other, 'pull', '--quiet', 'origin', branch)
    const otherPrompt = path.join(other, 'prompts', 'summarize.prompt')
    fs.writeFileSync(otherPrompt, fs.readFileSync(otherPrompt, 'utf8').replace(/^Write .*$/m, 'Write ONE sentence.'))
    git('-C', other, '-c', 'user.name=Colleague', '-c', 'user.email=c@example.com', 'commit', '--quiet', '-am', 'One sentence')
    git('-C', other, 'push', '--quiet', 'origin', branch)
    saveSummarizeFromCli('Write THREE sentences.')
    await expect.poll(() => p.getByTestId('status-ahead-behind').textContent(), { timeout: 10_000 }).toBe('↑1↓0')
    const head = git('-C', projectDir, 'rev-parse', 'HEAD')

    expectedStatuses = [409]
    await p.getByTestId('git-push').click()
    await expect.poll(() => p.getByText(/^Push refused: .*pull first, then push$/).isVisible(), { timeout: 15_000 }).toBe(true)

    await p.getByTestId('git-pull').click()
    const dialog = p.getByTestId('pull-conflict-dialog')
    await expect.poll(() => dialog.textContent(), { timeout: 15_000 }).toContain('prompts/summarize.prompt — changed on both sides')
    expect(await dialog.textContent()).toContain('Your project is exactly as it was')
    expect(git('-C', projectDir, 'rev-parse', 'HEAD')).toBe(head)
    expect(fs.readFileSync(path.join(projectDir, 'prompts', 'summarize.prompt'), 'utf8')).toContain('Write THREE sentences.')
    await saveScreenshot(p, 'git-pull-conflict')
    await dialog.getByRole('button', { name: 'OK' }).click()
    // The fetch did happen: the status bar now knows the remote is one commit ahead too.
    await expect.poll(() => p.getByTestId('status-ahead-behind').textContent()).toBe('↑1↓1')
  })

  test('a draft whose file changed on disk meanwhile is restored as a conflict, never overwritten', async () => {
    const p = await openApp()
    await p.getByTestId('section-prompts').click()
    await p.getByRole('button', { name: /^summarize\b/ }).click()
    const lines = p.getByTestId('monaco-host').locator('.monaco-editor .view-lines')
    await expect.poll(() => lines.textContent()).toContain('{{')
    await lines.click()
    await p.keyboard.press('Control+End')
    await p.keyboard.type('My_unsaved_idea')
    await p.getByTestId('draft-notice').waitFor()
    await p.waitForTimeout(600) // the draft is written a moment after typing stops
    saveSummarizeFromCli('Write FOUR sentences.')
    await expect.poll(() => p.getByTestId('draft-notice').textContent(), { timeout: 5_000 }).toContain('changed on disk')
    await p.reload()
    await waitForReady(p)
    const row = p.getByTestId('restored-draft-prompt:summarize')
    await expect.poll(() => row.textContent()).toContain('changed on disk since')
    await row.getByRole('button', { name: 'Compare draft of prompt:summarize with the file' }).click()
    const compare = p.getByTestId('draft-compare')
    await expect.poll(() => compare.getByTestId('compare-disk').textContent()).toContain('Write FOUR sentences.')
    expect(await compare.getByTestId('compare-draft').textContent()).toContain('My_unsaved_idea')
    await saveScreenshot(p, 'drafts-conflict-compare')
    await compare.getByRole('button', { name: 'Close' }).click()
    expect(fs.readFileSync(path.join(projectDir, 'prompts', 'summarize.prompt'), 'utf8')).not.toContain('My_unsaved_idea')
    await row.getByRole('button', { name: 'Keep draft of prompt:summarize' }).click()
    await p.getByTestId('drafts-banner').waitFor({ state: 'hidden' })
  })

  test('a reload offers unsaved drafts back; one can be compared and discarded', async () => {
    const p = await openApp()
    await p.getByTestId('section-prompts').click()
    await p.getByRole('button', { name: /^summarize\b/ }).click()
    const lines = p.getByTestId('monaco-host').locator('.monaco-editor .view-lines')
    await expect.poll(() => lines.textContent()).toContain('{{')
    await lines.click()
    await p.keyboard.press('Control+End')
    await p.keyboard.type('Draft_before_reload')
    await p.getByTestId('draft-notice').waitFor()
    await p.waitForTimeout(600) // the draft is written a moment after typing stops

    await p.reload()
    await waitForReady(p)
    const banner = p.getByTestId('drafts-banner')
    await expect.poll(() => banner.textContent()).toContain('1 unsaved draft restored')
    await saveScreenshot(p, 'drafts-banner')
    await banner.getByRole('button', { name: 'Compare draft of prompt:summarize with the file' }).click()
    const compare = p.getByTestId('draft-compare')
    await expect.poll(() => compare.getByTestId('compare-draft').textContent()).toContain('Draft_before_reload')
    expect(await compare.getByTestId('compare-disk').textContent()).not.toContain('Draft_before_reload')
    await saveScreenshot(p, 'drafts-compare')
    await compare.getByRole('button', { name: 'Close' }).click()

    await banner.getByRole('button', { name: 'Discard draft of prompt:summarize' }).click()
    await banner.getByRole('button', { name: 'Really discard draft of prompt:summarize' }).click()
    await banner.waitFor({ state: 'hidden' })
    await expect.poll(() => lines.textContent()).not.toContain('Draft_before_reload')
    await p.reload()
    await waitForReady(p)
    await p.getByTestId('status-branch').waitFor()
    await p.waitForTimeout(500)
    expect(await banner.count()).toBe(0)
  })
})
