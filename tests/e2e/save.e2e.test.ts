/**
 * Saving a prompt from the editor: type in Monaco, Ctrl+S, and the change is a
 * new version in git — on disk, in the version list, with the draft gone.
 * A save based on an old version (someone else saved meanwhile) is refused and
 * the draft is kept.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { assertBuilt, launchBrowser, makeTempDir, openSession, removeDir, saveScreenshot, endSession, startWebMode, waitForReady, type Session, type WebMode, runWeftCli } from './browser'

let browser: Browser
let session: Session | undefined
let server: WebMode
let home: string
let projectDir: string

const weft = (...args: string[]) => runWeftCli(home, ...args)

beforeAll(async () => {
  assertBuilt()
  home = makeTempDir('home')
  browser = await launchBrowser()
  server = await startWebMode({ weftHome: home })
  projectDir = path.join(home, 'Sample Project')
})

afterAll(async () => {
  await server?.stop()
  await browser?.close()
  removeDir(home)
})

afterEach(async (context) => {
  const current = session
  session = undefined
  // The refused save is a 409 the test provokes.
  if (current) expect(await endSession(current, context.task, [409]), 'errors in the page').toEqual([])
})

async function openPrompt(name: string): Promise<Page> {
  session = await openSession(browser)
  const p = session.page
  await p.goto(server.loginUrl)
  await waitForReady(p)
  await p.getByTestId('section-prompts').click()
  await p.getByRole('button', { name: new RegExp(`^${name}\\b`) }).click()
  const lines = p.getByTestId('monaco-host').locator('.monaco-editor .view-lines')
  await expect.poll(() => lines.textContent()).toContain('{{')
  return p
}

async function typeAtEnd(p: Page, text: string): Promise<void> {
  const lines = p.getByTestId('monaco-host').locator('.monaco-editor .view-lines')
  await lines.click()
  await p.keyboard.press('Control+End')
  await p.keyboard.type(text)
  await expect.poll(() => lines.textContent()).toContain(text)
}

describe('saving from the editor', () => {
  test('Ctrl+S saves the draft as a new version in git', async () => {
    const p = await openPrompt('summarize')
    await typeAtEnd(p, 'Answer_in_English')
    await p.getByTestId('draft-notice').waitFor({ state: 'visible' })
    await saveScreenshot(p, 'prompt-draft-before-save')
    await p.keyboard.press('Control+s')
    // Ctrl+S asks for a version message; Enter with none keeps the default one.
    await p.getByTestId('save-dialog').waitFor({ state: 'visible' })
    await p.keyboard.press('Enter')
    await expect.poll(() => p.getByText('Saved prompt:summarize as v2').isVisible()).toBe(true)
    await p.getByTestId('draft-notice').waitFor({ state: 'hidden' })
    expect(fs.readFileSync(path.join(projectDir, 'prompts/summarize.prompt'), 'utf8')).toContain('Answer_in_English')
    expect(weft('versions', 'prompt:summarize', '--project', projectDir)).toMatch(/^\* v2 .*Update prompt:summarize/)
    expect(weft('get', 'prompt:summarize@v1', '--project', projectDir)).not.toContain('Answer_in_English')
  })

  test('a save based on an old version is refused and the draft is kept', async () => {
    const p = await openPrompt('classify-ticket')
    await typeAtEnd(p, 'Mine_from_the_editor')
    // Meanwhile someone saves another version from a terminal.
    const other = path.join(home, 'other.prompt')
    fs.writeFileSync(other, fs.readFileSync(path.join(projectDir, 'prompts/classify-ticket.prompt'), 'utf8').replace('Classify', 'Please classify'))
    weft('save', 'prompt:classify-ticket', other, '--project', projectDir, '-m', 'From a terminal')
    // Weft notices the outside change: the draft notice says the file changed underneath it.
    await expect.poll(() => p.getByTestId('draft-notice').textContent(), { timeout: 5_000 }).toContain('changed on disk')
    await p.getByRole('button', { name: 'Save version' }).click()
    await p.getByTestId('save-dialog').waitFor({ state: 'visible' })
    await p.keyboard.press('Enter')
    await expect.poll(() => p.getByText(/Not saved: prompt:classify-ticket changed since you started editing/).isVisible()).toBe(true)
    await saveScreenshot(p, 'prompt-save-refused')
    await p.getByTestId('draft-notice').waitFor({ state: 'visible' })
    expect(fs.readFileSync(path.join(projectDir, 'prompts/classify-ticket.prompt'), 'utf8')).toContain('Please classify')
    expect(await p.getByTestId('monaco-host').locator('.monaco-editor .view-lines').textContent()).toContain('Mine_from_the_editor')
  })
})
