/**
 * The Annotate section in Chromium against `weft serve`: create a queue from
 * the UI, label 20 dataset rows with the keyboard only, keep labelling while
 * the server is killed (the outbox holds the labels), restart it on the same
 * port, reopen the page with the new session link as a user would, and find
 * every label stored; then agreement with a second annotator and writing the
 * labels back as a new dataset version, opened in the Datasets section.
 * Screenshots land in test-results/screenshots/annotate-*.png.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { HttpWorkbenchClient } from '../../common/httpClient'
import { connectWebServer } from '../../main/server/nodeClient'
import { assertBuilt, endSession, launchBrowser, makeTempDir, openSession, removeDir, runWeftCli, saveScreenshot, startWebMode, waitForReady, weftInit, postSpans, type Session, type WebMode } from './browser'

const ROWS = 24
const LABELLED = 20
const CATEGORIES = ['billing', 'bug', 'other']
const rowId = (i: number) => `t${String(i).padStart(2, '0')}`

let browser: Browser
let home: string
let projectDir: string
let server: WebMode | undefined
let session: Session | undefined

const weft = (...args: string[]) => runWeftCli(home, ...args)
const shot = (page: Page, name: string) => saveScreenshot(page, `annotate-${name}`)

/** A port nobody listens on now, so the server can be started on it twice. */
async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** An API client of the running server (what a script or a second annotator would use). */
function api(web: WebMode): HttpWorkbenchClient {
  return connectWebServer(`http://127.0.0.1:${web.port}`, web.token, { events: false })
}

beforeAll(async () => {
  assertBuilt()
  home = makeTempDir('annotate')
  projectDir = path.join(home, 'support')
  ;[browser] = await Promise.all([launchBrowser(), weftInit(projectDir, home)])
  const rows = Array.from({ length: ROWS }, (_, k) => k + 1).map((i) =>
    JSON.stringify({ id: rowId(i), ticket: `Ticket ${i}: ${'the app crashes when I export a report, '.repeat(i % 4 ? 1 : 6)}please help`, expected: { team: 'support' } }),
  )
  const file = path.join(home, 'tickets.jsonl')
  fs.writeFileSync(file, `${rows.join('\n')}\n`)
  weft('save', 'dataset:tickets', file, '--project', projectDir)
}, 30_000)

afterAll(async () => {
  await server?.stop()
  await browser?.close()
  if (home) removeDir(home)
})

afterEach(async (context) => {
  if (!session) return
  // Killing the server on purpose makes the page log refused connections and, until it is reopened with the new link, 401s.
  const errors = await endSession(session, context.task, [401])
  session = undefined
  expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|WebSocket connection|Failed to fetch|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/.test(e)), 'errors in the page').toEqual([])
})

/** The id of the item on screen. */
const itemOnScreen = (page: Page) => page.locator('.ann-item-id code').textContent()

/**
 * Labels the item on screen with the keyboard only: the category's number
 * key, Tab, y or n, Enter; waits until the view moved on (or, for the last,
 * said so). Returns the item id and the values given.
 */
async function labelWithKeys(page: Page, n: number, last = false): Promise<[string, { category: string; urgent: boolean }]> {
  const id = (await itemOnScreen(page))!
  const category = CATEGORIES[n % 3]!
  const urgent = n % 2 === 0
  await page.keyboard.press(String((n % 3) + 1))
  await page.keyboard.press('Tab')
  await page.keyboard.press(urgent ? 'y' : 'n')
  await page.keyboard.press('Enter')
  if (!last) await expect.poll(() => itemOnScreen(page), { timeout: 5_000 }).not.toBe(id)
  return [id, { category, urgent }]
}

describe('annotate', () => {
  test('20 items by keyboard through a server crash and restart, every label stored, agreement, write-back', async () => {
    const port = await freePort()
    server = await startWebMode({ projectDir, weftHome: home, port })
    session = await openSession(browser, { width: 1400, height: 900 })
    const page = session.page
    await page.goto(server.loginUrl)
    await waitForReady(page)
    await page.getByTestId('section-annotate').click()
    await page.getByText('No annotation queues yet').waitFor()

    // ── a queue made with the New queue form ──
    await page.getByRole('button', { name: 'New queue' }).first().click()
    const form = page.getByTestId('new-queue-dialog')
    await form.getByLabel('Queue name').fill('review')
    await form.getByLabel('Description', { exact: true }).fill('Which team, and is it urgent?')
    await form.getByLabel('Dataset', { exact: true }).selectOption('tickets')
    await form.getByLabel('Field 1 name').fill('category')
    await form.getByLabel('Field 1 type').selectOption('categorical')
    await form.getByLabel('Field 1 options').fill(CATEGORIES.join(', '))
    await form.getByRole('button', { name: 'Add field' }).click()
    await form.getByLabel('Field 2 name').fill('urgent')
    await shot(page, 'new-queue-form')
    await form.getByRole('button', { name: 'Create queue' }).click()

    // ── who is annotating: typed, like everything from here on ──
    await page.getByTestId('annotator-dialog').waitFor()
    expect(fs.readFileSync(path.join(projectDir, 'queues', 'review.yaml'), 'utf8')).toContain('options:')
    await page.keyboard.type('ana')
    await page.keyboard.press('Enter')
    const position = page.getByTestId('ann-position')
    await expect.poll(() => position.textContent()).toBe(`Item 1 of ${ROWS}`)
    await shot(page, 'view')

    // ── 12 items with the server up ──
    const given = new Map<string, { category: string; urgent: boolean }>()
    for (let n = 0; n < 12; n++) given.set(...(await labelWithKeys(page, n)))
    await expect.poll(() => position.textContent()).toBe(`Item 13 of ${ROWS}`)
    await expect.poll(async () => (await api(server!).call('annotations.list', { queue: 'review' })).annotations.length, { timeout: 10_000 }).toBe(12)

    // ── the cheatsheet ──
    await page.keyboard.press('?')
    await page.getByTestId('annotate-keys').waitFor()
    await shot(page, 'cheatsheet')
    await page.keyboard.press('Escape')
    await page.getByTestId('annotate-keys').waitFor({ state: 'detached' })

    // ── the server dies; labelling goes on into the outbox ──
    await server.kill('SIGKILL')
    for (let n = 12; n < 16; n++) given.set(...(await labelWithKeys(page, n)))
    const indicator = page.getByTestId('outbox-indicator')
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toContain('4 waiting to sync')
    expect(await page.getByTestId('outbox-status').textContent()).toContain('4 waiting to sync')
    // Going back shows a label that only the outbox holds as given.
    await page.keyboard.press('k')
    await expect.poll(() => page.getByTestId('ann-item-status').textContent()).toBe('waiting to sync')
    await expect.poll(() => page.getByTestId('value-urgent').textContent()).toBe(given.get((await itemOnScreen(page))!)!.urgent ? 'yes' : 'no')
    await page.keyboard.press('j')
    await shot(page, 'outbox-server-down')

    // ── the server comes back on the same port, with a new session token ──
    await server.stop()
    server = await startWebMode({ projectDir, weftHome: home, port })
    // The page's cookie holds the old token: the outbox keeps the labels and says why they wait.
    await expect.poll(() => indicator.textContent(), { timeout: 20_000 }).toContain('session expired')
    await shot(page, 'outbox-session-expired')
    // What a user does: open the link the new server printed. Same origin, so the same IndexedDB.
    await page.goto(server.loginUrl)
    await waitForReady(page)
    await expect.poll(async () => (await api(server!).call('annotations.list', { queue: 'review' })).annotations.length, { timeout: 15_000 }).toBe(16)
    await page.getByTestId('outbox-status').waitFor({ state: 'detached' })

    // ── four more, reopened from its address; the todo list starts at the first item left ──
    await page.goto(`${server.baseUrl}#/annotate/queue/review`)
    await expect.poll(() => position.textContent()).toBe(`Item 1 of ${ROWS - 16}`)
    for (let n = 16; n < LABELLED; n++) given.set(...(await labelWithKeys(page, n, n === LABELLED - 1)))
    expect(given.size).toBe(LABELLED)

    // ── every one of the 20 labels is stored, as given ──
    const client = api(server)
    await expect.poll(async () => (await client.call('annotations.list', { queue: 'review', annotator: 'ana' })).annotations.length, { timeout: 15_000 }).toBe(LABELLED)
    const stored = (await client.call('annotations.list', { queue: 'review', annotator: 'ana' })).annotations
    for (const a of stored) {
      expect(a.values, a.itemId).toEqual(given.get(a.itemId))
      expect(a.complete).toBe(true)
    }
    expect(new Set(stored.map((a) => a.itemId)).size).toBe(LABELLED)
    await expect.poll(() => page.getByTestId('ann-progress').textContent(), { timeout: 10_000 }).toContain(`${LABELLED} of ${ROWS} done by you`)
    // The CLI sees them too.
    expect(weft('annotate', 'list', '--project', projectDir)).toMatch(/review/)

    // ── a second annotator (through the API) for agreement ──
    const { queues } = await client.call('annotations.queues', {})
    const review = queues.find((q) => q.name === 'review')!
    expect(review.byAnnotator).toEqual({ ana: LABELLED })
    const overlap = stored.slice(0, 8)
    await client.call('annotations.submit', {
      annotations: overlap.map((a, i) => ({
        id: `ben-${a.itemId}-label`,
        queue: 'review',
        queueVersion: review.version,
        itemId: a.itemId,
        annotator: 'ben',
        values: { category: i < 6 ? a.values.category! : 'other', urgent: a.values.urgent! },
        updatedMs: Date.now(),
      })),
    })
    await page.getByRole('button', { name: 'Agreement' }).click()
    const agreement = page.getByTestId('agreement-panel')
    await agreement.getByRole('row', { name: /^category/ }).waitFor()
    expect(await agreement.textContent()).toContain('ana × ben: 8 items')
    await shot(page, 'agreement')
    await page.keyboard.press('Escape')

    // ── the queue list with progress per annotator ──
    await page.goto(`${server.baseUrl}#/annotate`)
    const card = page.getByTestId('queue-review')
    await expect.poll(() => card.textContent()).toContain(`${LABELLED} / ${ROWS} done`)
    await expect.poll(() => card.textContent()).toContain('ben 8')
    await shot(page, 'queue-list')

    // ── export: a CSV download with a row per label ──
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/review.*\.csv$/)
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n')
    expect(csv).toHaveLength(1 + LABELLED + overlap.length)
    expect(csv[0]).toContain('category')

    // ── write back, then see the new version in Datasets ──
    await card.getByRole('button', { name: 'Write back…' }).click()
    const dialog = page.getByTestId('write-back-dialog')
    // Only ana's labels: ben disagreed on some items, and the dataset must hold exactly what was typed.
    await dialog.getByRole('radio').nth(2).check()
    await dialog.getByLabel('Annotator').selectOption('ana')
    await dialog.getByRole('button', { name: 'Write back' }).click()
    const result = dialog.getByTestId('write-back-result')
    await result.waitFor()
    expect(await result.textContent()).toContain('dataset:tickets v2')
    await shot(page, 'write-back-result')
    await result.getByRole('button', { name: 'Open in Datasets' }).click()
    await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor()
    await page.getByRole('tab', { name: 'History', selected: true }).waitFor()
    await page.getByText('Labels from annotation queue review').first().waitFor()
    await shot(page, 'datasets-new-version')

    const { content } = await client.call('objects.get', { ref: 'dataset:tickets' })
    const rows = content.trim().split('\n').map((l) => JSON.parse(l) as { id: string; labels?: { category?: string; urgent?: boolean } })
    const labelled = rows.filter((r) => r.labels)
    expect(labelled).toHaveLength(LABELLED)
    for (const r of labelled) expect(r.labels).toEqual(given.get(r.id))
    client.close()
  }, 180_000)

  test('a queue over traces: the item shows the span input and output, e corrects the expected answer, and its trace opens', async () => {
    server ??= await startWebMode({ projectDir, weftHome: home })
    const token = weft('token', '--quiet', '--project', projectDir).trim()
    const t0 = Date.now() - 60_000
    const spans = [1, 2, 3].map((n) => ({
      id: `${n}`.padStart(16, 'a'),
      traceId: `${n}`.padStart(32, 'b'),
      parentId: null,
      name: 'answer',
      kind: 'chain',
      startMs: t0 + n * 1000,
      endMs: t0 + n * 1000 + 300,
      inputs: { question: `How do I reset my password? (${n})` },
      output: `Open Settings, then Security (${n}).`,
      attributes: { env: 'prod' },
    }))
    const sent = await postSpans(server.ingestUrl!, token, spans)
    expect(sent.status).toBe(200)
    const queueFile = path.join(home, 'answers.yaml')
    fs.writeFileSync(queueFile, 'source: {traces: {name: answer, attributes: {env: prod}}}\nfields:\n  - {name: helpful, type: binary}\nwriteBack: {dataset: gold}\n')
    weft('save', 'queue:answers', queueFile, '--project', projectDir)

    session = await openSession(browser, { width: 1400, height: 900 })
    const page = session.page
    await page.goto(server.loginUrl)
    await waitForReady(page)
    await page.goto(`${server.baseUrl}#/annotate/queue/answers`)
    await page.getByTestId('annotator-dialog').waitFor()
    await page.keyboard.type('ana')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('ann-position').textContent()).toBe('Item 1 of 3')
    const item = page.getByRole('region', { name: 'Input' })
    expect(await item.textContent()).toContain('How do I reset my password? (3)')
    expect(await page.getByRole('region', { name: 'Output' }).textContent()).toContain('Open Settings, then Security (3).')

    // e: the expected answer (none yet for a trace) typed as text, kept with Ctrl+Enter.
    await page.keyboard.press('e')
    await page.getByRole('textbox', { name: 'Expected answer' }).waitFor()
    await page.keyboard.type('Settings → Security → Reset password')
    await page.keyboard.press('Control+Enter')
    await page.getByText('Expected (corrected)').waitFor()
    await page.keyboard.press('y')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('ann-position').textContent()).toBe('Item 2 of 3')
    const client = api(server)
    await expect.poll(async () => (await client.call('annotations.list', { queue: 'answers' })).annotations, { timeout: 10_000 }).toEqual([
      expect.objectContaining({ itemId: `${3}`.padStart(32, 'b'), values: { helpful: true }, expected: 'Settings → Security → Reset password', annotator: 'ana' }),
    ])
    client.close()
    await shot(page, 'trace-item')

    // Back to the labelled item; its trace opens in the Traces section.
    await page.keyboard.press('k')
    await page.getByRole('link', { name: 'Open its trace' }).click()
    await page.getByRole('heading', { name: 'Traces', level: 1 }).waitFor()
    expect(page.url()).toContain(`#/traces/${`${3}`.padStart(32, 'b')}`)
    await expect.poll(() => page.getByText('How do I reset my password? (3)').first().isVisible(), { timeout: 10_000 }).toBe(true)
  }, 60_000)
})
