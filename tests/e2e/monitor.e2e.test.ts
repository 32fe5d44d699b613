/**
 * Monitoring in web mode: spans sent to the ingest URL move the dashboard's
 * numbers and charts, online scores show as their own chart, and an alert
 * threshold the spans cross raises the banner. Screenshots: the dashboard in
 * light and dark, the alerts tab, the banner.
 */
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { addFeedback } from '../../main/traces/feedback'
import { openTraceDb } from '../../main/traces/db'
import { TRACE_DB_FILE } from '../../main/traces/projects'
import { assertBuilt, endSession, launchBrowser, makeTempDir, openSession, removeDir, runWeftCli, saveScreenshot, startWebMode, waitForReady, weftInit, postSpans, type Session, type WebMode } from './browser'

let browser: Browser
let session: Session | undefined
let home: string

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

let n = 0
/** `count` 2-span traces (an `answer` chain calling `chat` on gpt-x) started over the last `minutes`, `failing` of them failing. */
function traces(count: number, { failing = 0, minutes = 30, op = 'answer' } = {}) {
  const now = Date.now()
  return Array.from({ length: count }, (_, i) => {
    const t = ++n
    const startMs = now - ((i + 1) / count) * minutes * 60_000
    const failed = i < failing
    return [
      { id: `r${t}`, traceId: `trace${t}`, name: op, kind: 'chain', startMs, endMs: startMs + 400 + (t % 7) * 50, status: failed ? 'error' : 'ok', error: failed ? { message: 'upstream 503' } : null },
      { id: `c${t}`, traceId: `trace${t}`, parentId: `r${t}`, name: 'chat', kind: 'llm', startMs: startMs + 5, endMs: startMs + 300 + (t % 5) * 40, usage: { 'gpt-x': { inputTokens: 120, outputTokens: 30 } }, costUsd: 0.002 },
    ]
  }).flat()
}

async function send(server: WebMode, token: string, spans: unknown[]): Promise<void> {
  expect((await postSpans(server.ingestUrl!, token, spans)).status).toBe(200)
}

const total = (page: Page) => page.getByTestId('monitor-total-count').textContent()

describe('monitoring dashboards and alerts in web mode', () => {
  let server: WebMode
  let projectDir: string
  let token: string

  beforeAll(async () => {
    projectDir = path.join(home, 'monitored')
    await weftInit(projectDir, home, 'Monitored app')
    server = await startWebMode({ weftHome: home, projectDir })
    token = runWeftCli(home, 'token', '--quiet', '--project', projectDir).trim()
  })
  afterAll(async () => {
    await server?.stop()
  })

  test('spans sent to the ingest URL move the numbers and the charts; online scores get their own chart', async () => {
    session = await openSession(browser, { width: 1360, height: 1000 })
    const page = session.page
    await page.goto(server.loginUrl)
    await waitForReady(page)
    await page.getByTestId('section-monitor').click()
    await expect.poll(() => page.getByText('No spans to monitor yet').isVisible()).toBe(true)
    expect(await page.getByRole('link', { name: 'Traces → Connect an app' }).getAttribute('href')).toBe('#/traces')

    await send(server, token, traces(40, { failing: 2 }))
    // 40 traces × 2 spans, refreshed on traces.added.
    await expect.poll(() => total(page), { timeout: 10_000 }).toBe('80')
    await page.getByRole('radio', { name: '1h' }).click()
    await expect.poll(() => page.getByTestId('monitor-total-errors').textContent()).toBe('2 (2.5%)')
    expect(await page.getByTestId('monitor-total-tokens').textContent()).toBe('4.8k / 1.2k')
    const rows = page.getByTestId('monitor-table').locator('tbody tr')
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringMatching(/^answer4025\.0%/), expect.stringMatching(/^chat4000\.0%/)])
    // The charts are drawn (uPlot canvases), one per metric.
    for (const id of ['volume', 'errors', 'latency', 'tokens', 'cost']) await page.locator(`[data-testid="chart-${id}"] canvas`).waitFor()

    // The online evaluator writes its scores as feedback (source "online"); here they are written as it does.
    const db = openTraceDb(path.join(projectDir, TRACE_DB_FILE))
    try {
      for (let i = 0; i < 10; i++) {
        addFeedback(db.sqlite, { traceId: `trace${i + 1}`, spanId: `c${i + 1}`, type: 'score', name: 'polite/judge', value: i < 7 ? 1 : 0, source: 'online', payload: { pass: i < 7, reason: 'r', ruleId: 'polite', spanStartMs: Date.now() - (i + 1) * 60_000, costUsd: 0 } })
      }
    } finally {
      db.close()
    }
    // More spans: the dashboard moves again, and picks up the scores with them.
    await send(server, token, traces(10, { minutes: 5 }))
    await expect.poll(() => total(page), { timeout: 10_000 }).toBe('100')
    await page.locator('[data-testid="chart-scores"] canvas').waitFor()
    expect(await page.getByTestId('chart-scores').textContent()).toContain('polite/judge')
    await saveScreenshot(page, 'monitor-dashboard-light')

    await page.emulateMedia({ colorScheme: 'dark' })
    await page.locator('[data-testid="chart-volume"] canvas').waitFor()
    await saveScreenshot(page, 'monitor-dashboard-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    // Grouped by model, then narrowed to one model by its row.
    await page.getByRole('combobox', { name: 'Group by' }).selectOption('model')
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringMatching(/^no model50/), expect.stringMatching(/^gpt-x50/)])
    await page.getByTestId('monitor-table').scrollIntoViewIfNeeded()
    await saveScreenshot(page, 'monitor-table-by-model')
    await page.getByTestId('monitor-table').getByRole('button', { name: 'gpt-x' }).click()
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringMatching(/^chat50/)])
  })

  test('an alert the spans cross raises the banner, which links to the dashboard', async () => {
    session = await openSession(browser, { width: 1360, height: 900 })
    const page = session.page
    await page.goto(server.loginUrl)
    await waitForReady(page)
    await page.getByTestId('section-monitor').click()
    await page.getByRole('tab', { name: 'Alerts' }).click()
    await page.getByRole('textbox', { name: 'Name' }).fill('answer failing')
    await page.getByRole('combobox', { name: 'Alert op' }).selectOption('answer')
    await page.getByRole('spinbutton', { name: 'Threshold' }).fill('20')
    await page.getByRole('button', { name: 'Add alert' }).click()
    const row = page.getByTestId('alert-table').locator('tbody tr')
    await expect.poll(() => row.first().textContent()).toContain('ok')
    expect(await page.getByTestId('alert-banner').count()).toBe(0)

    // A burst of failing answers in the last minutes: 30 of 40 fail.
    await send(server, token, traces(40, { failing: 30, minutes: 2 }))
    const banner = page.getByTestId('alert-banner')
    await banner.waitFor({ timeout: 15_000 })
    expect(await banner.textContent()).toMatch(/answer failing: error rate of answer is \d+\.\d% over the last 5 min \(threshold > 20\.0%\)/)
    await expect.poll(() => row.first().textContent()).toContain('firing')
    await saveScreenshot(page, 'monitor-alerts-firing')

    // The banner shows in other sections too, and leads back to the dashboard.
    await page.getByTestId('section-prompts').click()
    await banner.waitFor()
    await saveScreenshot(page, 'monitor-alert-banner')
    await page.getByRole('link', { name: 'Open dashboard' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Monitor')

    // Deleting the alert takes the banner away.
    await page.getByRole('tab', { name: /Alerts/ }).click()
    await page.getByRole('button', { name: 'Delete alert answer failing' }).click()
    await banner.waitFor({ state: 'detached' })
  })
})
