/**
 * A prompt engineer's day in the Prompts section, as a new user of the sample
 * project: create a prompt, save three versions with messages, preview it,
 * open its history, compare v1 with v3 (text diff and front-matter fields),
 * label v2 production and restore v1. Screenshots of every screen go to
 * test-results/screenshots/prompts-*.png.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
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
  // The refused secret is a 422 the test provokes.
  if (current) expect(await endSession(current, context.task, [422]), 'errors in the page').toEqual([])
})

// Monaco renders spaces as non-breaking ones.
const textOf = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ')

const editorLines = (p: Page) => p.getByTestId('monaco-host').locator('.monaco-editor .view-lines')

async function saveWithMessage(p: Page, message: string, n: number): Promise<void> {
  await p.keyboard.press('Control+s')
  const dialog = p.getByTestId('save-dialog')
  await dialog.waitFor({ state: 'visible' })
  await dialog.getByLabel('Version message').fill(message)
  if (n === 2) await saveScreenshot(p, 'prompts-2-save-dialog')
  await p.keyboard.press('Enter')
  await expect.poll(() => p.getByText(`Saved prompt:greet as v${n}`).isVisible()).toBe(true)
  await p.getByTestId('draft-notice').waitFor({ state: 'hidden' })
}

describe('the prompts workbench', () => {
  test('create, save three versions, preview, compare, label and restore', async () => {
    session = await openSession(browser, { width: 1440, height: 900 })
    const p = session.page
    await p.goto(server.loginUrl)
    await waitForReady(p)
    await p.getByTestId('section-prompts').click()

    // v1: a new prompt from the starter template.
    await p.getByRole('button', { name: 'New prompt' }).click()
    await p.getByLabel('Prompt name').fill('greet')
    await saveScreenshot(p, 'prompts-1-new-prompt')
    await p.keyboard.press('Enter')
    await expect.poll(() => editorLines(p).textContent()).toContain('temperature')
    expect(fs.readFileSync(path.join(projectDir, 'prompts/greet.prompt'), 'utf8')).toContain('{{question}}')

    // v2: a line at the end of the body.
    await editorLines(p).click()
    await p.keyboard.press('Control+End')
    await p.keyboard.type('Be friendly.')
    await p.getByTestId('draft-notice').waitFor({ state: 'visible' })
    await saveWithMessage(p, 'Ask for friendliness', 2)

    // v3: a front-matter change (temperature 0.2 → 0.7) and an undeclared variable, marked inline.
    // Focus went back to the editor after the save: typing continues without a click.
    await p.keyboard.press('Control+Home')
    for (let i = 0; i < 3; i++) await p.keyboard.press('ArrowDown')
    await p.keyboard.press('End')
    await p.keyboard.press('Backspace')
    await p.keyboard.type('7')
    await p.keyboard.press('Control+End')
    // insertText: typed key by key, Monaco's auto-closing of {{ depends on timing.
    await p.keyboard.insertText(' Sign as {{')
    // Inside {{ the declared variables are offered.
    await p.keyboard.type('q')
    const suggestions = p.locator('.suggest-widget .monaco-list-row')
    await expect.poll(() => suggestions.allTextContents(), { timeout: 5_000 }).toContainEqual(expect.stringContaining('question'))
    // The label is inside its row (a global `.main` style once pushed it out of sight).
    const row = await suggestions.first().boundingBox()
    const label = await p.locator('.suggest-widget .monaco-list-row .label-name').first().boundingBox()
    expect(label!.y + label!.height).toBeLessThanOrEqual(row!.y + row!.height + 1)
    await saveScreenshot(p, 'prompts-3a-variable-completion')
    await p.keyboard.press('Escape')
    await p.keyboard.press('Backspace')
    await p.keyboard.insertText('agent}}')
    await expect.poll(() => p.getByTestId('prompt-checks').textContent(), { timeout: 5_000 }).toContain('"agent" is not declared')
    await expect.poll(() => p.locator('.monaco-editor .squiggly-warning').count()).toBeGreaterThan(0)
    await p.getByLabel('Variable question').fill('Where is my order?')
    const userMessage = p.getByTestId('prompt-preview').locator('.message-user')
    await expect.poll(() => userMessage.textContent(), { timeout: 5_000 }).toContain('Where is my order?')
    expect(await userMessage.textContent()).toContain('Be friendly.')
    expect(await p.getByTestId('prompt-preview').textContent()).toContain('Missing: agent')
    await saveScreenshot(p, 'prompts-3-editor-preview')
    await saveWithMessage(p, 'Warmer, signed', 3)

    // History: three versions, newest first, with their messages.
    await p.getByRole('tab', { name: 'History' }).click()
    const history = p.getByTestId('prompt-history')
    await expect.poll(() => history.locator('.version-item').count()).toBe(3)
    expect(await history.textContent()).toContain('Warmer, signed')
    expect(await history.textContent()).toContain('Ask for friendliness')
    await saveScreenshot(p, 'prompts-4-history')

    // Compare v1 with v3.
    await p.getByLabel('Pick v1 for comparing').check()
    await p.getByLabel('Pick v3 for comparing').check()
    await p.getByRole('button', { name: 'Compare' }).click()
    const diff = p.getByTestId('diff-host')
    await expect.poll(() => diff.locator('.monaco-diff-editor').count()).toBe(1)
    await expect.poll(() => diff.locator('.modified .view-lines').textContent()).toContain('0.7')
    await expect.poll(() => diff.locator('.line-insert, .char-insert').count()).toBeGreaterThan(0)
    const fields = p.getByTestId('front-matter-changes')
    expect(await fields.textContent()).toContain('config.temperature')
    expect(await fields.textContent()).toMatch(/0\.2.*0\.7/)
    await saveScreenshot(p, 'prompts-5-compare-side-by-side')
    await p.getByRole('button', { name: 'Inline' }).click()
    await expect.poll(() => diff.locator('.monaco-diff-editor.side-by-side').count()).toBe(0)
    await saveScreenshot(p, 'prompts-6-compare-inline')
    await p.getByRole('button', { name: 'Close diff' }).click()

    // Label v2 production, by menu.
    await p.getByLabel('Set a label on v2').click()
    await p.getByLabel('Label for v2').fill('production')
    await p.keyboard.press('Enter')
    await expect.poll(() => p.getByTestId('version-v2').textContent()).toContain('production')
    expect(weft('versions', 'prompt:greet', '--project', projectDir)).toMatch(/v2 .*production/)
    await saveScreenshot(p, 'prompts-7-labelled')

    // Restore v1: a new commit whose content is v1's, so v1 is current again; the editor shows it.
    await p.getByLabel('Restore v1').click()
    await expect.poll(() => p.getByText('Restored v1 of prompt:greet: v1 is current').isVisible()).toBe(true)
    await expect.poll(() => p.getByTestId('version-v1').textContent()).toContain('current')
    expect(weft('versions', 'prompt:greet', '--project', projectDir)).toMatch(/^\* v1 /m)
    await expect.poll(() => editorLines(p).textContent()).not.toContain('Be friendly')
    expect(fs.readFileSync(path.join(projectDir, 'prompts/greet.prompt'), 'utf8')).toContain('temperature: 0.2')
    await saveScreenshot(p, 'prompts-8-restored')
  })

  test('a model config edited as a form and as YAML; a secret is refused with the reason shown', async () => {
    session = await openSession(browser, { width: 1440, height: 900 })
    const p = session.page
    await p.goto(server.loginUrl)
    await waitForReady(p)
    await p.getByTestId('section-playground').click()
    await p.getByRole('button', { name: /^fast\b/ }).click()
    const yaml = p.getByTestId('model-editor').locator('.monaco-editor .view-lines')
    await expect.poll(() => textOf(yaml)).toContain('max_tokens')

    // The form writes into the YAML.
    await p.getByLabel('Temperature', { exact: true }).fill('0.4')
    await expect.poll(() => textOf(yaml)).toContain('temperature: 0.4')
    // An out-of-range value is marked at its field by objects.validate.
    await p.getByLabel('Top p', { exact: true }).fill('3')
    await expect.poll(() => p.getByTestId('model-editor').textContent(), { timeout: 5_000 }).toContain('<=1')
    await saveScreenshot(p, 'prompts-9-model-form-invalid')
    await p.getByLabel('Top p', { exact: true }).fill('')

    // A key typed into the YAML is refused on save, and the editor says why.
    await yaml.click()
    await p.keyboard.press('Control+End')
    await p.keyboard.type('api_key: sk-proj-abcdefghijklmnopqrstuvwxyz0123456789')
    await p.getByRole('button', { name: 'Save version' }).click()
    await expect.poll(() => p.getByTestId('model-save-error').textContent()).toContain('Secrets never go into git')
    await saveScreenshot(p, 'prompts-10-model-secret-refused')
    expect(fs.readFileSync(path.join(projectDir, 'models/fast.yaml'), 'utf8')).not.toContain('sk-proj')

    // Without the key it saves as a new version with its message.
    await yaml.click()
    await p.keyboard.press('Control+End')
    await p.keyboard.press('Shift+Home')
    await p.keyboard.press('Delete')
    await p.keyboard.press('Backspace')
    await expect.poll(() => textOf(yaml)).not.toContain('sk-proj')
    await p.getByLabel('Version message').fill('Warmer fast model')
    // Ctrl+S saves the config on screen, as it saves the open prompt in Prompts.
    await p.keyboard.press('Control+s')
    await expect.poll(() => p.getByText('Saved model:fast as v2').isVisible()).toBe(true)
    expect(weft('versions', 'model:fast', '--project', projectDir)).toMatch(/v2 .*Warmer fast model/)
    expect(fs.readFileSync(path.join(projectDir, 'models/fast.yaml'), 'utf8')).toContain('temperature: 0.4')
    await saveScreenshot(p, 'prompts-11-model-saved')
  })
})
