/**
 * The Evaluations section in Chromium against `weft serve` and a local fake
 * model: run a saved evaluation from the UI and watch its progress, change
 * the prompt and run again, compare the two runs (prompt diff, regressed
 * rows, scorecard), then export the run as a bundle and import it into a
 * second project through the UI. Screenshots land in
 * test-results/screenshots/evaluations-*.png.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { completion, streamChunks } from '../node/fakeOpenAI'
import { assertBuilt, endSession, launchBrowser, makeTempDir, openSession, removeDir, runWeftCli, saveScreenshot, startWebMode, waitForReady, weftInit, type Session, type WebMode } from './browser'

/** What a ticket says that points at each team; the fake routes on these. */
const CUES: Record<string, string> = { refund: 'I want my money back', shipping: 'my parcel never arrived', login: 'I forgot my password' }
const TEAMS = Object.keys(CUES)
const ROWS = 30
/** Each request waits this long, so a 30-row run at concurrency 2 takes over a second and its progress can be watched. */
const DELAY_MS = 100

const PROMPT_V1 = 'Route the ticket to one team.\nTeams: refund, shipping, login\nTicket: {{ticket}}\n'
// v2 no longer offers the refund team: every refund row regresses, nothing else changes.
const PROMPT_V2 = 'Route the ticket to one team.\nTeams: shipping, login\nTicket: {{ticket}}\n'

const rowId = (i: number) => `t${String(i).padStart(2, '0')}`
const teamOf = (i: number) => TEAMS[i % TEAMS.length]!
const REFUND_ROWS = Array.from({ length: ROWS }, (_, i) => i + 1).filter((i) => teamOf(i) === 'refund').map(rowId)

/**
 * A fake OpenAI-compatible model that routes like a model would: the first
 * team the prompt offers whose cue is in the ticket, else "other". Outputs
 * depend only on the prompt, so a prompt change changes them deterministically.
 */
async function startRoutingModel(): Promise<{ baseUrl: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0
  const server = http.createServer(async (req, res) => {
    let text = ''
    for await (const part of req) text += part
    const body = JSON.parse(text || '{}') as { stream?: boolean; messages?: { content?: unknown }[] }
    const prompt = (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n')
    const offered = /Teams: ([a-z, ]+)/.exec(prompt)?.[1]?.split(/,\s*/) ?? []
    const answer = `Route to: ${offered.find((team) => CUES[team] && prompt.includes(CUES[team])) ?? 'other'}`
    requests++
    await new Promise((resolve) => setTimeout(resolve, DELAY_MS))
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      for (const chunk of streamChunks({ pieces: [answer] })) res.write(`data: ${JSON.stringify(chunk)}\n\n`)
      res.end('data: [DONE]\n\n')
    } else {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(completion({ content: answer })))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  }
}

let browser: Browser
let model: Awaited<ReturnType<typeof startRoutingModel>>
let home: string
let projectDir: string
let otherDir: string
let server: WebMode | undefined
let otherServer: WebMode | undefined
/** Open browser sessions, each with the HTTP statuses its page may log as console errors. */
const sessions: { session: Session; expectedStatuses: number[] }[] = []

const weft = (...args: string[]) => runWeftCli(home, ...args)
const shot = (page: Page, name: string) => saveScreenshot(page, `evaluations-${name}`)

/** Writes `text` to a scratch file and saves it as a new version of `object` in the main project. */
function save(object: string, fileName: string, text: string): void {
  const file = path.join(home, fileName)
  fs.writeFileSync(file, text)
  weft('save', object, file, '--project', projectDir)
}

beforeAll(async () => {
  assertBuilt()
  home = makeTempDir('evals')
  projectDir = path.join(home, 'routing')
  otherDir = path.join(home, 'elsewhere')
  ;[model, browser] = await Promise.all([startRoutingModel(), launchBrowser(), weftInit(projectDir, home), weftInit(otherDir, home)])
  save('prompt:route', 'route.prompt', PROMPT_V1)
  save('model:router', 'router.yaml', `provider: openai-compatible\nmodel: fake-router\nbase_url: ${model.baseUrl}\nparameters: {}\n`)
  const rows = Array.from({ length: ROWS }, (_, k) => k + 1).map((i) => JSON.stringify({ id: rowId(i), ticket: `Order ${1000 + i}: ${CUES[teamOf(i)]}.`, expected: teamOf(i) }))
  save('dataset:tickets', 'tickets.jsonl', `${rows.join('\n')}\n`)
  save(
    'evaluation:routing',
    'routing.yaml',
    ['dataset: tickets', 'target: {prompt: route, model: router}', 'concurrency: 2', 'scorers:', '  - {id: team, type: contains, params: {values: "{{expected}}"}}', ''].join('\n'),
  )
}, 30_000)

afterAll(async () => {
  await Promise.all([server?.stop(), otherServer?.stop()])
  await browser?.close()
  await model?.close()
  if (home) removeDir(home)
})

afterEach(async (context) => {
  for (const { session, expectedStatuses } of sessions.splice(0)) expect(await endSession(session, context.task, expectedStatuses), 'errors in the page').toEqual([])
})

/** A fresh browser session on a server, in the Evaluations section; the page may log the refusals `expectedStatuses` name. */
async function openEvaluations(web: WebMode, expectedStatuses: number[] = []): Promise<Page> {
  const session = await openSession(browser, { width: 1400, height: 900 })
  sessions.push({ session, expectedStatuses })
  const page = session.page
  await page.goto(web.loginUrl)
  await waitForReady(page)
  await page.getByTestId('section-evaluations').click()
  await page.getByRole('heading', { name: 'Evaluations', level: 1 }).waitFor()
  return page
}

/** Records every text the runs list's progress shows, from inside the page (no sample is missed between polls). */
async function watchProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = []
    Object.assign(window, { progressSeen: seen })
    const note = () => {
      for (const el of document.querySelectorAll('[aria-label="Evaluation runs"] [data-testid="eval-progress"] .eval-progress-text')) {
        const text = el.textContent ?? ''
        if (seen.at(-1) !== text) seen.push(text)
      }
    }
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true })
  })
}

/** The done counts the progress showed (`12/30 · 1s` → 12), in order. */
async function progressSeen(page: Page): Promise<{ done: number; total: number }[]> {
  const texts = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen)
  return texts.map((t) => /^(\d+)\/(\d+)/.exec(t)).flatMap((m) => (m ? [{ done: Number(m[1]), total: Number(m[2]) }] : []))
}

/** Clicks Run on the saved evaluation and waits for a new run to be listed as finished (a screenshot while it runs when named); returns its id. */
async function runFromUi(page: Page, known: readonly string[], progressShot?: string): Promise<string> {
  await watchProgress(page)
  await page.getByRole('list', { name: 'Saved evaluations' }).getByRole('button', { name: 'Run routing', exact: true }).click()
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'Started routing' }).isVisible()).toBe(true)
  const list = page.getByRole('list', { name: 'Evaluation runs' })
  await expect.poll(() => list.getByTestId('eval-run').count(), { timeout: 10_000 }).toBe(known.length + 1)
  // Newest first: the new run is the first entry.
  const entry = list.getByTestId('eval-run').first()
  if (progressShot) {
    await entry.getByTestId('eval-progress').waitFor({ timeout: 5_000 })
    await shot(page, progressShot)
  }
  await expect.poll(() => entry.locator('.eval-status').textContent(), { timeout: 20_000 }).toBe('finished')
  const meta = (await entry.locator('.eval-run-meta').first().textContent()) ?? ''
  const runId = meta.split(' · ').at(-1)!.trim()
  expect(known).not.toContain(runId)
  return runId
}

describe('evaluations', () => {
  test('run from the UI with live progress, compare after a prompt change, export and import a bundle', async () => {
    server = await startWebMode({ projectDir, weftHome: home })
    const page = await openEvaluations(server)
    await page.getByRole('list', { name: 'Saved evaluations' }).getByText('routing').waitFor()
    await shot(page, 'overview')

    // ── first run, progress watched while it runs ──
    const firstRequests = model.requests()
    const baseline = await runFromUi(page, [], 'progress')
    const seen = await progressSeen(page)
    expect(seen.length, `progress texts: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(2)
    expect(seen.every((s) => s.total === ROWS)).toBe(true)
    // The bar moved before the end: at least two different counts short of the total, rising.
    const partial = [...new Set(seen.filter((s) => s.done < ROWS).map((s) => s.done))]
    expect(partial.length, `progress texts: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(2)
    expect(partial).toEqual([...partial].sort((a, b) => a - b))
    expect(model.requests() - firstRequests).toBe(ROWS)

    // ── its run view: summary and rows ──
    await page.getByRole('list', { name: 'Evaluation runs' }).getByTestId('eval-run').first().getByRole('button').click()
    const runView = page.getByTestId('run-view')
    await expect.poll(() => runView.getAttribute('data-rows')).toBe(String(ROWS))
    const summary = page.getByTestId('run-summary')
    const teamRow = summary.getByRole('row', { name: /^team/ })
    await expect.poll(() => teamRow.textContent()).toContain('100.0%')
    expect(await summary.getByRole('row', { name: /^overall/ }).textContent()).toContain(`${ROWS} passed`)
    expect(await page.getByTestId('result-row').first().textContent()).toContain('Route to: ')
    expect(page.url()).toContain(`#/evaluations/run/${baseline}`)
    await shot(page, 'run-view')

    // ── a prompt change that drops the refund team, run again ──
    save('prompt:route', 'route.prompt', PROMPT_V2)
    await page.getByRole('link', { name: 'All runs' }).click()
    const candidate = await runFromUi(page, [baseline])
    await shot(page, 'second-run')

    // ── compare: tick the baseline first, then the candidate ──
    await page.getByRole('checkbox', { name: `Compare routing ${baseline}` }).check()
    await page.getByRole('checkbox', { name: `Compare routing ${candidate}` }).check()
    await page.getByRole('button', { name: 'Compare (2)' }).click()
    const compare = page.getByTestId('compare-view')
    await compare.waitFor({ timeout: 15_000 })
    expect(page.url()).toContain(`#/evaluations/compare/${baseline}/${candidate}`)

    const promptChange = compare.getByTestId('change-prompt')
    await expect.poll(() => promptChange.locator('summary').textContent()).toContain('+1 −1 lines')
    await promptChange.locator('summary').click()
    await expect.poll(() => promptChange.locator('.ec-line-removed').allTextContents()).toEqual(['− Teams: refund, shipping, login\n'])
    expect(await promptChange.locator('.ec-line-added').allTextContents()).toEqual(['+ Teams: shipping, login\n'])
    expect(await compare.getByTestId('change-dataset').count()).toBe(0)

    const regressions = compare.getByRole('list', { name: 'Regressions' })
    const regressedIds = await regressions.locator('code').allTextContents()
    expect(regressedIds.sort()).toEqual(REFUND_ROWS)
    expect(await compare.getByRole('list', { name: 'Improvements' }).count()).toBe(0)

    const scoreRow = compare.getByTestId('score-team')
    const delta = scoreRow.locator('td').nth(2)
    expect(await scoreRow.locator('td').nth(0).textContent()).toBe('1')
    expect(await scoreRow.locator('td').nth(1).textContent()).toBe('0.667')
    expect(await delta.getAttribute('class')).toContain('ec-worse')
    expect(await delta.textContent()).toMatch(/^−0\.333.*beyond noise/)

    // The outputs open on the regressed rows, with the refund answers changed.
    const outputs = compare.getByTestId('outputs-list')
    await expect.poll(() => compare.getByRole('radio', { name: /^Regressed/ }).getAttribute('aria-checked')).toBe('true')
    const firstOutput = outputs.getByRole('listitem').first()
    expect(await firstOutput.textContent()).toMatch(/regressed.*Route to: refund.*Route to: other/)
    await shot(page, 'compare')

    // ── export the baseline as a bundle from its run view ──
    await page.getByRole('checkbox', { name: `Compare routing ${baseline}` }).uncheck()
    await page.getByRole('checkbox', { name: `Compare routing ${candidate}` }).uncheck()
    await page.getByRole('list', { name: 'Evaluation runs' }).getByTestId('eval-run').nth(1).getByRole('button').click()
    await expect.poll(() => page.url()).toContain(`#/evaluations/run/${baseline}`)
    await runView.waitFor()
    await page.getByText('Export ▾').click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Bundle (JSON, with traces)' }).click()])
    const bundleFile = path.join(home, download.suggestedFilename())
    await download.saveAs(bundleFile)
    expect(download.suggestedFilename()).toMatch(/\.json$/)
    const bundle = JSON.parse(fs.readFileSync(bundleFile, 'utf8')) as { run?: { id?: string } }
    expect(bundle.run?.id).toBe(baseline)

    // ── import it into a second project through its UI ──
    otherServer = await startWebMode({ projectDir: otherDir, weftHome: home })
    // The run is imported: its dataset is read from the bundle's copy, with no failed lookup in this project.
    const other = await openEvaluations(otherServer)
    const refused: string[] = []
    other.on('response', (r) => void (r.status() >= 400 && refused.push(`${r.status()} ${new URL(r.url()).pathname} ${r.request().postData() ?? ''}`)))
    await other.getByRole('heading', { name: 'No runs yet — run an evaluation' }).waitFor()
    await other.getByTestId('import-run-file').setInputFiles(bundleFile)
    await expect.poll(() => other.getByRole('status').filter({ hasText: `Imported routing (${ROWS} rows)` }).isVisible(), { timeout: 10_000 }).toBe(true)
    const imported = other.getByRole('list', { name: 'Evaluation runs' }).getByTestId('eval-run')
    await expect.poll(() => imported.count()).toBe(1)
    expect(await imported.first().textContent()).toContain(baseline)
    expect(await imported.first().locator('.eval-source').allTextContents()).toContain('imported')
    await expect.poll(() => other.url()).toContain(`#/evaluations/run/${baseline}`)
    await expect.poll(() => other.getByTestId('run-view').getAttribute('data-rows')).toBe(String(ROWS))
    expect(await other.getByTestId('run-summary').getByRole('row', { name: /^team/ }).textContent()).toContain('100.0%')
    // The imported run offers no Resume, and its dataset's rows come from the bundle.
    expect(await other.getByRole('button', { name: 'Resume' }).count()).toBe(0)
    expect(await other.getByTestId('result-row').first().textContent()).toContain('Order 1001')
    expect(refused).toEqual([])
    await shot(other, 'imported')
    expect(runWeftCli(home, 'eval', 'list', '--project', otherDir)).toContain(baseline)
  }, 60_000)
})
