/**
 * Trace ingestion through `weft serve`: the Traces section shows where to send
 * spans, a trace sent by an app appears live and opens as a tree, and a
 * SIGKILL in the middle of ingest keeps every span the server acknowledged.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { openTraceDb } from '../../main/traces/db'
import { TRACE_DB_FILE } from '../../main/traces/projects'
import { REPO_ROOT, assertBuilt, endSession, launchBrowser, makeTempDir, openSession, removeDir, saveScreenshot, startWebMode, waitForReady, weftInit, type Session, type WebMode, runWeftCli, postSpans } from './browser'
import { findSpan } from '../node/findSpan'

let browser: Browser
let session: Session | undefined
let home: string

const weft = (...args: string[]) => runWeftCli(home, ...args)

beforeAll(async () => {
  assertBuilt()
  home = makeTempDir('home')
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  removeDir(home)
})

afterEach(async (context) => {
  const current = session
  session = undefined
  if (current) expect(await endSession(current, context.task), 'errors in the page').toEqual([])
})

describe('trace ingestion in web mode', () => {
  let server: WebMode
  let projectDir: string
  let token: string

  beforeAll(async () => {
    projectDir = path.join(home, 'traced')
    await weftInit(projectDir, home, 'Traced app')
    fs.writeFileSync(path.join(home, 'greet.prompt'), 'Hello {{name}}!\n')
    weft('save', 'prompt:greet', path.join(home, 'greet.prompt'), '--project', projectDir)
    server = await startWebMode({ weftHome: home, projectDir })
    token = weft('token', '--quiet', '--project', projectDir).trim()
  })
  afterAll(async () => {
    await server?.stop()
  })

  test('the Traces section shows the endpoint and token, and a trace sent by an app appears live', async () => {
    expect(server.ingestUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    session = await openSession(browser, { width: 1300, height: 820 })
    const page = session.page
    // An alert() from span content would show up here.
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    await page.goto(server.loginUrl)
    await waitForReady(page)
    await page.getByTestId('section-traces').click()
    await expect.poll(() => page.getByTestId('ingest-url').textContent()).toBe(server.ingestUrl)
    await page.getByRole('button', { name: 'Show' }).click()
    expect(await page.getByTestId('ingest-token').textContent()).toBe(token)
    await saveScreenshot(page, 'traces-connect')

    // An app using the Weft SDK (the built bundle, as users import it) sends a nested trace.
    const app = path.join(home, 'support-app.mjs')
    fs.writeFileSync(app, `
      import { init, op, currentSpan, withAttributes, shutdown, stats, getPrompt } from ${JSON.stringify(path.join(REPO_ROOT, 'out', 'sdk', 'index.js'))}
      init()
      const chat = op(async (messages) => {
        currentSpan().addUsage('gpt-x', 12, 5)
        return 'On its way <img src="http://example.com/pixel.png"><script>alert(1)</script>'
      }, { name: 'chat', kind: 'llm' })
      const lookup = op(async (order) => { throw new TypeError('order ' + order + ' not found') }, { name: 'lookup', kind: 'tool' })
      const answer = op(async (question) => {
        await lookup(7).catch(() => null)
        return chat([{ role: 'user', content: question }])
      }, { name: 'support-answer', kind: 'chain' })
      await withAttributes({ sessionId: 'conv-1' }, () => answer('Where is my parcel?'))
      // Reads go through the ingest server to the workbench's object store.
      const prompt = await getPrompt('greet@v1')
      const missing = await getPrompt('nope@v1').then(() => 'found', (error) => error.status)
      await shutdown()
      console.log(JSON.stringify({ ...stats(), prompt: prompt.content, missing }))
    `)
    const appStats = JSON.parse(execFileSync(process.execPath, [app], { env: { ...process.env, WEFT_ENDPOINT: server.ingestUrl!, WEFT_TOKEN: token }, encoding: 'utf8' })) as { sent: number; dropped: number }
    expect(appStats).toMatchObject({ sent: 3, dropped: 0, missing: 404 })
    expect(appStats).toHaveProperty('prompt', expect.stringContaining('Hello {{name}}'))
    // Live: the list refreshes on the traces.added event, no reload.
    await page.getByRole('option', { name: /support-answer/ }).click()
    await expect.poll(() => page.getByTestId('span-tree').textContent()).toContain('lookup')
    // Walk the tree with the keyboard: the root is selected; Down twice reaches chat (lookup started first).
    await page.getByTestId('span-tree').focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => page.getByTestId('span-detail').locator('.span-title').textContent()).toContain('chat')
    await expect.poll(() => page.getByTestId('span-usage').textContent()).toMatch(/gpt-x[\s\S]*12[\s\S]*5/)
    // Untrusted output is text: the <img> is shown, never created, and nothing was fetched (the session fails on any foreign request).
    expect(await page.getByTestId('span-output').textContent()).toContain('<img src="http://example.com/pixel.png"><script>alert(1)</script>')
    expect(await page.getByTestId('span-detail').locator('img, script').count()).toBe(0)
    expect(dialogs).toEqual([])
    // f gives feedback on the selected span.
    await page.getByTestId('span-tree').focus()
    await page.keyboard.press('f')
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Thumbs up')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('feedback-panel').locator('li').first().textContent()).toContain('Good')
    // Add the span to a dataset: a new version of the sample's dataset with the span's output as the expected answer.
    await page.getByRole('button', { name: 'Add to dataset' }).click()
    const dialog = page.getByTestId('add-to-dataset')
    await dialog.getByRole('combobox', { name: 'Dataset' }).selectOption({ label: 'new dataset…' })
    await dialog.getByRole('textbox', { name: 'New dataset name' }).fill('from-traces')
    await dialog.getByRole('button', { name: 'Add row' }).click()
    await expect.poll(() => page.getByText('Added a row to dataset:from-traces (v1)').count()).toBe(1)
    const row = JSON.parse(weft('get', 'dataset:from-traces@v1', '--project', projectDir).trim()) as Record<string, unknown>
    expect(row).toMatchObject({ expected: 'On its way <img src="http://example.com/pixel.png"><script>alert(1)</script>' })
    // A deep link reopens the same span after a reload.
    const url = page.url()
    expect(url).toMatch(/#\/traces\/[0-9a-f]{32}\/[0-9a-f]{16}$/)
    await page.reload()
    await waitForReady(page)
    await expect.poll(() => page.getByTestId('span-detail').locator('.span-title').textContent()).toContain('chat')
    await saveScreenshot(page, 'traces-live-trace')
    // `weft traces` reads the same database.
    expect(weft('traces', '--project', projectDir)).toContain('support-answer')
  })
})

describe('a crash in the middle of ingest', () => {
  test('keeps every span the server acknowledged', async () => {
    const projectDir = path.join(home, 'crashy')
    await weftInit(projectDir, home, 'Crashy')
    const server = await startWebMode({ weftHome: home, projectDir })
    const token = weft('token', '--quiet', '--project', projectDir).trim()
    const acknowledged: string[] = []
    let batch = 0
    // Several senders at once, so the kill lands while requests are in flight.
    const sender = async (lane: number) => {
      for (;;) {
        const n = batch++
        const spans = Array.from({ length: 200 }, (_, i) => ({
          id: `${lane}-${n}-${i}`,
          traceId: `trace-${n}`,
          parentId: i === 0 ? null : `${lane}-${n}-0`,
          name: `step-${i}`,
          startMs: 1_800_000_000_000 + n * 1000 + i,
          endMs: 1_800_000_000_000 + n * 1000 + i + 1,
          output: 'x'.repeat(200),
        }))
        try {
          const reply = await postSpans(server.ingestUrl!, token, spans)
          if (reply.status !== 200) return
          acknowledged.push(...spans.map((s) => s.id))
        } catch {
          return
        }
      }
    }
    const lanes = [sender(0), sender(1), sender(2)]
    while (acknowledged.length < 6000) await new Promise((r) => setTimeout(r, 20))
    await server.kill('SIGKILL')
    await Promise.all(lanes)
    await server.stop()

    const db = openTraceDb(path.join(projectDir, TRACE_DB_FILE))
    try {
      const missing = acknowledged.filter((id) => findSpan(db, id) === undefined)
      expect({ acknowledged: acknowledged.length, missing: missing.length }).toEqual({ acknowledged: acknowledged.length, missing: 0 })
      // The rollups were written in the same transactions as their spans.
      const stored = db.sqlite.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }
      const rolled = db.sqlite.prepare('SELECT SUM(span_count) AS n FROM traces').get() as { n: number }
      expect(rolled.n).toBe(stored.n)
    } finally {
      db.close()
    }
  })
})

describe('the ingest worker thread (the built out/main/ingestWorker.js)', () => {
  test('stores spans, announces them, and asks the workbench for project reads', async () => {
    const { createWorkbench } = await import('../../main/workbench')
    const { startIngestWorker } = await import('../../main/server/ingest/workerHost')
    const root = makeTempDir('worker')
    const workbench = createWorkbench({ userDataDir: path.join(root, 'user'), host: 'cli', cwd: root, autoMaintain: false })
    try {
      const dir = path.join(root, 'project')
      await workbench.call('project.init', { dir, name: 'worker' })
      await workbench.call('objects.save', { kind: 'prompt', name: 'greet', content: 'Hi {{who}}\n' })
      const started = await startIngestWorker(workbench, { file: path.join(REPO_ROOT, 'out', 'main', 'ingestWorker.js'), port: 0 })
      expect(started.error).toBeNull()
      const { token } = await workbench.call('ingest.info', {})
      const events: number[] = []
      workbench.on('traces.added', (e) => events.push(e.spans))
      const reply = await postSpans(started.server!.url, token, [{ id: 'w1', traceId: 'wt', name: 'from-worker', startMs: 1, endMs: 2 }])
      expect(reply.status).toBe(200)
      const read = await fetch(`${started.server!.url}/weft/v1/prompts/render`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ ref: 'prompt:greet@v1', variables: { who: 'Ada' } }),
      })
      expect(((await read.json()) as { messages: Array<{ content: string }> }).messages[0]!.content).toContain('Hi Ada')
      const missing = await fetch(`${started.server!.url}/weft/v1/objects/get`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"ref":"prompt:nope@v1"}' })
      expect(missing.status).toBe(404)
      await expect.poll(() => events.reduce((a, b) => a + b, 0)).toBe(1)
      // The workbench reads what the worker wrote, through its own connection.
      const { traces } = await workbench.call('traces.list', {})
      expect(traces.map((t) => t.rootName)).toEqual(['from-worker'])
      await started.server!.close()
    } finally {
      await workbench.close()
      removeDir(root)
    }
  })
})
