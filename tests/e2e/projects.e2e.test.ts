/**
 * Projects from the UI in web mode: a plain folder is offered initialisation
 * (never broken), "New project" creates one and switches to it, and the
 * switcher reopens recent projects. Files on disk are checked, not just the screen.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  assertBuilt,
  launchBrowser,
  makeTempDir,
  openSession,
  removeDir,
  saveScreenshot,
  endSession,
  startWebMode,
  waitForReady,
  type Session,
  type WebMode,
} from './browser'

let browser: Browser
let session: Session | undefined
let server: WebMode
let home: string
let parent: string
let plainDir: string

beforeAll(async () => {
  assertBuilt()
  home = makeTempDir('home')
  parent = makeTempDir('projects')
  plainDir = path.join(parent, 'plain-folder')
  fs.mkdirSync(plainDir)
  fs.writeFileSync(path.join(plainDir, 'notes.md'), 'my notes')
  browser = await launchBrowser()
  server = await startWebMode({ projectDir: plainDir, weftHome: home })
})

afterAll(async () => {
  await server?.stop()
  await browser?.close()
  removeDir(home)
  removeDir(parent)
})

afterEach(async (context) => {
  const current = session
  session = undefined
  if (current) expect(await endSession(current, context.task, expectedStatuses), 'errors in the page').toEqual([])
  expectedStatuses = []
})

/** HTTP statuses the current test provokes on purpose. */
let expectedStatuses: number[] = []

async function openApp(): Promise<Page> {
  session = await openSession(browser)
  await session.page.goto(server.loginUrl)
  await waitForReady(session.page)
  return session.page
}

const statusProject = (p: Page) => p.getByTestId('status-bar').getByTestId('status-project').textContent()

describe('projects', () => {
  test('a plain folder is offered initialisation, and initialising keeps its files', async () => {
    const p = await openApp()
    const screen = p.getByTestId('needs-init-screen')
    await screen.waitFor({ state: 'visible' })
    await expect.poll(() => screen.textContent()).toContain('not a git repository')
    await saveScreenshot(p, 'needs-init')
    expect(fs.existsSync(path.join(plainDir, 'weft.yaml'))).toBe(false)

    await p.getByRole('button', { name: 'Initialise Weft project here' }).click()
    await screen.waitFor({ state: 'hidden' })
    await expect.poll(() => statusProject(p)).toBe('plain-folder')
    expect(fs.readFileSync(path.join(plainDir, 'weft.yaml'), 'utf8')).toContain('name: plain-folder')
    expect(fs.existsSync(path.join(plainDir, '.git'))).toBe(true)
    expect(fs.readFileSync(path.join(plainDir, 'notes.md'), 'utf8')).toBe('my notes')
  })

  test('New project (Ctrl+Shift+N) creates a project on disk and switches to it', async () => {
    const p = await openApp()
    const target = path.join(parent, 'made-in-the-ui')
    await p.keyboard.press('Control+Shift+N')
    const dialog = p.getByTestId('new-project-dialog')
    await dialog.waitFor({ state: 'visible' })
    await dialog.getByLabel('Folder').fill(target)
    await dialog.getByLabel('Name').fill('Made in the UI')
    await dialog.getByRole('button', { name: 'Create project' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(() => statusProject(p)).toBe('Made in the UI')
    expect(fs.readFileSync(path.join(target, 'weft.yaml'), 'utf8')).toContain('name: Made in the UI')
  })

  test('creating a project where one exists says so in the dialog and changes nothing', async () => {
    const p = await openApp()
    expectedStatuses = [409]
    const before = fs.readFileSync(path.join(plainDir, 'weft.yaml'), 'utf8')
    await p.keyboard.press('Control+Shift+N')
    const dialog = p.getByTestId('new-project-dialog')
    await dialog.getByLabel('Folder').fill(plainDir)
    await dialog.getByRole('button', { name: 'Create project' }).click()
    await expect.poll(() => p.getByText(/is a Weft project already/).first().isVisible()).toBe(true)
    await saveScreenshot(p, 'new-project-already-exists')
    expect(fs.readFileSync(path.join(plainDir, 'weft.yaml'), 'utf8')).toBe(before)
  })

  test('the project switcher lists recent projects and reopens one', async () => {
    const p = await openApp()
    await p.getByTestId('project-switcher').click()
    const menu = p.getByRole('menu', { name: 'Projects' })
    await menu.waitFor({ state: 'visible' })
    await saveScreenshot(p, 'project-switcher')
    await menu.getByRole('menuitem', { name: 'Open plain-folder' }).click()
    await expect.poll(() => statusProject(p)).toBe('plain-folder')
  })
})
