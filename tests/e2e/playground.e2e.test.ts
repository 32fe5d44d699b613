/**
 * The Playground run panel in Chromium against `weft serve` and a fake
 * OpenAI server: summarize runs on the offline echo model and a local
 * openai-compatible model side by side, streaming; Stop cancels a slow
 * stream; a result becomes a new row (a new version) of dataset:tickets.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { startFakeOpenAI, streamChunks, type FakeOpenAI } from '../node/fakeOpenAI'
import { assertBuilt, endSession, launchBrowser, makeTempDir, openSession, removeDir, saveScreenshot, startWebMode, waitForReady, type Session, type WebMode, runWeftCli } from './browser'

let browser: Browser
let session: Session | undefined
let server: WebMode
let fake: FakeOpenAI
let home: string
let projectDir: string

const weft = (...args: string[]) => runWeftCli(home, ...args)

beforeAll(async () => {
  assertBuilt()
  home = makeTempDir('home')
  fake = await startFakeOpenAI()
  browser = await launchBrowser()
  server = await startWebMode({ weftHome: home })
  projectDir = path.join(home, 'Sample Project')
  // The server copies the sample project on start; wait for it, then add a model pointing at the fake.
  for (let i = 0; i < 150 && !fs.existsSync(path.join(projectDir, 'models', 'offline.yaml')); i++) await new Promise((r) => setTimeout(r, 100))
  const file = path.join(home, 'local.yaml')
  fs.writeFileSync(file, `provider: openai-compatible\nmodel: fake-model\nbase_url: ${fake.baseUrl}\nparameters: {}\n`)
  weft('save', 'model:local', file, '--project', projectDir)
})

afterAll(async () => {
  await server?.stop()
  await browser?.close()
  await fake?.close()
  removeDir(home)
})

afterEach(async (context) => {
  const current = session
  session = undefined
  if (current) expect(await endSession(current, context.task), 'errors in the page').toEqual([])
})

async function openPlayground(ticket: string): Promise<Page> {
  session = await openSession(browser, { width: 1400, height: 900 })
  const p = session.page
  await p.goto(server.loginUrl)
  await waitForReady(p)
  await p.getByTestId('section-playground').click()
  await p.getByTestId('run-panel').waitFor({ state: 'visible' })
  // offline is picked by default; add the local model.
  await expect.poll(() => p.getByRole('checkbox', { name: 'Run with offline' }).isChecked()).toBe(true)
  await p.getByRole('checkbox', { name: 'Run with local' }).check()
  await p.getByRole('textbox', { name: 'Variable ticket' }).fill(ticket)
  return p
}

describe('playground runs', () => {
  test('runs summarize on offline and local side by side, then adds a row to the dataset', async () => {
    fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: ['Export ', 'is ', 'broken.'], usage: { prompt: 40, completion: 3 } }) })
    const p = await openPlayground('The export button does nothing since the update.')
    await p.getByRole('button', { name: 'Run', exact: true }).click()
    const offline = p.getByTestId('run-column-offline')
    const local = p.getByTestId('run-column-local')
    await expect.poll(() => local.getByTestId('run-usage').textContent(), { timeout: 15_000 }).toContain('40 in · 3 out tokens')
    expect(await local.getByTestId('run-output').textContent()).toBe('Export is broken.')
    await expect.poll(() => offline.getByTestId('run-usage').textContent()).toMatch(/tokens · \d+ ms · \$0$/)
    expect(await offline.getByTestId('run-output').textContent()).toContain('The export button does nothing')
    expect(await local.getByTestId('run-usage').textContent()).toContain('cost unknown')
    expect(fake.requests.at(-1)?.body).toMatchObject({ stream: true })
    await saveScreenshot(p, 'playground-side-by-side')

    // The same run again is answered from the run cache, and says so.
    await p.getByRole('button', { name: 'Run', exact: true }).click()
    await expect.poll(() => local.locator('.run-cached').count(), { timeout: 10_000 }).toBe(1)
    expect(fake.requests).toHaveLength(1)

    const before = weft('versions', 'dataset:tickets', '--project', projectDir)
    await local.getByRole('button', { name: 'Add as dataset row' }).click()
    await expect.poll(() => p.getByText(/Added a row to dataset:tickets \(v2\)/).isVisible()).toBe(true)
    const after = weft('versions', 'dataset:tickets', '--project', projectDir)
    expect(before).not.toMatch(/v2/)
    expect(after).toMatch(/^\* v2 .*Row added from the Playground/)
    const last = fs.readFileSync(path.join(projectDir, 'datasets', 'tickets.jsonl'), 'utf8').trim().split('\n').at(-1)!
    expect(JSON.parse(last)).toMatchObject({ ticket: 'The export button does nothing since the update.', expected: 'Export is broken.' })

    // The prompt text used is the current version already: no new version, and the user is told so.
    await p.getByRole('button', { name: 'Save as new version' }).click()
    await expect.poll(() => p.getByText('prompt:summarize already has this text as v1').isVisible()).toBe(true)
  })

  test('Stop cancels a slow stream', async () => {
    const pieces = Array.from({ length: 60 }, (_, i) => `word${i} `)
    fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces }), chunkDelayMs: 200 })
    const p = await openPlayground('A different ticket, so the run cache does not answer.')
    await p.getByRole('button', { name: 'Run', exact: true }).click()
    const local = p.getByTestId('run-column-local')
    await expect.poll(() => local.getByTestId('run-output').textContent(), { timeout: 15_000 }).toContain('word2')
    await saveScreenshot(p, 'playground-streaming')
    await p.getByRole('button', { name: 'Stop' }).click()
    await expect.poll(() => local.textContent(), { timeout: 10_000 }).toContain('stopped')
    expect(await local.getByTestId('run-output').textContent()).not.toContain('word59')
    expect(await p.getByRole('button', { name: 'Run', exact: true }).isEnabled()).toBe(true)
    await saveScreenshot(p, 'playground-stopped')
  })
})
