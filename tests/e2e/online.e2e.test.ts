/**
 * Online evaluation in web mode: a rule made in the Monitor section's rules
 * panel scores spans an app sends to the ingest URL — an LLM judge (a local
 * fake OpenAI server) and a regex — and the rule's counters and the spans'
 * online scores appear live, in the panel and in the trace viewer's feedback;
 * a backfill scores spans that arrived before the rule.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { assertBuilt, endSession, launchBrowser, makeTempDir, openSession, removeDir, runWeftCli, saveScreenshot, startWebMode, waitForReady, weftInit, postSpans, type Session, type WebMode } from './browser'
import { completion, startFakeOpenAI, type FakeOpenAI } from '../node/fakeOpenAI'

let browser: Browser
let session: Session | undefined
let home: string
let fake: FakeOpenAI

const weft = (...args: string[]) => runWeftCli(home, ...args)

async function sendSpans(url: string, token: string, spans: unknown[]): Promise<void> {
  expect((await postSpans(url, token, spans)).status).toBeLessThan(300)
}

/** An LLM call of the support app, as the SDK sends it. */
function chatSpan(n: number, output: string, options: { env?: string; startMs?: number } = {}) {
  const startMs = options.startMs ?? Date.now()
  const traceId = `${'a'.repeat(24)}${String(n).padStart(8, '0')}`
  return {
    id: `${'b'.repeat(8)}${String(n).padStart(8, '0')}`, traceId, name: 'chat', kind: 'llm', startMs, endMs: startMs + 350,
    inputs: { question: `Where is order ${n}?` }, output, attributes: { env: options.env ?? 'production' },
  }
}

beforeAll(async () => {
  assertBuilt()
  home = makeTempDir('home')
  browser = await launchBrowser()
  fake = await startFakeOpenAI()
  // The judge's answers: a score and a reason, with usage (priced as gpt-4o-mini).
  for (let i = 0; i < 40; i++) fake.enqueue({ kind: 'json', body: completion({ content: '{"score": 0.8, "reason": "Answers the question and says when the order arrives"}', usage: { prompt: 300, completion: 40 } }) })
  // web mode inherits this process's environment: the judge's key comes from it, never from the project.
  process.env.WEFT_E2E_JUDGE_KEY = 'sk-e2e-judge'
})

afterAll(async () => {
  await browser?.close()
  await fake?.close()
  removeDir(home)
})

afterEach(async (context) => {
  const current = session
  session = undefined
  if (current) expect(await endSession(current, context.task), 'errors in the page').toEqual([])
})

describe('online evaluation in web mode', () => {
  let server: WebMode
  let projectDir: string
  let token: string

  beforeAll(async () => {
    projectDir = path.join(home, 'support')
    await weftInit(projectDir, home, 'Support app')
    fs.writeFileSync(path.join(home, 'helpful.prompt'), 'Question: {{input.question}}\nAnswer: {{output}}\nHow helpful is the answer? Reply JSON {"score": 0..1, "reason": "..."}.\n')
    fs.writeFileSync(path.join(home, 'judge.yaml'), `provider: openai-compatible\nmodel: gpt-4o-mini\nbase_url: ${fake.baseUrl}\napi_key_env: WEFT_E2E_JUDGE_KEY\n`)
    weft('save', 'prompt:helpful', path.join(home, 'helpful.prompt'), '--project', projectDir)
    weft('save', 'model:judge', path.join(home, 'judge.yaml'), '--project', projectDir)
    server = await startWebMode({ weftHome: home, projectDir })
    token = weft('token', '--quiet', '--project', projectDir).trim()
  })
  afterAll(async () => {
    await server?.stop()
  })

  test('a rule made in the panel scores matching spans as they arrive, and a backfill scores the older ones', async () => {
    // Spans from an hour ago, before any rule: only a backfill scores them.
    const hourAgo = Date.now() - 3600_000
    await sendSpans(server.ingestUrl!, token, [1, 2, 3].map((n) => chatSpan(n, `Hello! Order ${n} arrives tomorrow.`, { startMs: hourAgo + n })))

    session = await openSession(browser, { width: 1360, height: 860 })
    const page = session.page
    await page.goto(server.loginUrl)
    await waitForReady(page)
    await page.getByTestId('section-monitor').click()
    await page.getByRole('tab', { name: 'Rules' }).click()
    await expect.poll(() => page.getByText('No online rules yet').count()).toBe(1)

    await page.getByRole('button', { name: 'New rule' }).click()
    const form = page.getByRole('form', { name: 'New rule' })
    // The judge comes first, with the project's rubric prompt and judge model.
    await expect.poll(() => form.getByLabel('Scorer parameters').first().inputValue()).toContain('prompt:helpful')
    await form.getByLabel('Rule name').fill('support answers')
    await form.getByPlaceholder('any name').fill('chat*')
    await form.getByLabel('Span kind').selectOption('llm')
    await form.getByPlaceholder('env = production').fill('env = production')
    await form.getByRole('button', { name: 'Add scorer' }).click()
    await form.getByLabel('Scorer id').nth(1).fill('greets')
    await form.getByLabel('Scorer parameters').nth(1).fill('{pattern: "^Hello"}')
    await saveScreenshot(page, 'online-rule-form')
    await form.getByRole('button', { name: 'Create rule' }).click()
    const row = page.getByTestId('online-rule-support answers')
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.textContent()).toContain('chat* · llm · env = production')

    // Live: an app sends spans; four match (one does not greet), one is from staging.
    await sendSpans(server.ingestUrl!, token, [
      chatSpan(10, 'Hello! Order 10 arrives tomorrow.'),
      chatSpan(11, 'Hello, order 11 left the warehouse.'),
      chatSpan(12, 'Order 12 is delayed, sorry.'),
      chatSpan(13, 'Hello! Order 13 was delivered.'),
      chatSpan(14, 'Hello from staging', { env: 'staging' }),
    ])
    await expect.poll(() => row.getByTestId('rule-scored').textContent(), { timeout: 15_000 }).toBe('4')
    expect(await row.getByTestId('rule-matched').textContent()).toBe('4')
    expect(await row.getByTestId('rule-errors').textContent()).toBe('0')
    // Four judge calls of 300 + 40 tokens at gpt-4o-mini prices.
    expect(await row.getByTestId('rule-cost').textContent()).toBe('$0.00028')
    await saveScreenshot(page, 'online-rules-counters')

    // More traffic moves the counters, without a reload.
    await sendSpans(server.ingestUrl!, token, [chatSpan(20, 'Hello! Order 20 is on its way.'), chatSpan(21, 'Hello, order 21 is ready for pickup.')])
    await expect.poll(() => row.getByTestId('rule-scored').textContent(), { timeout: 15_000 }).toBe('6')

    // A backfill over the last day scores the three older spans (and none twice).
    await row.getByRole('button', { name: 'Backfill' }).click()
    const backfill = page.getByRole('group', { name: 'Backfill support answers' })
    await backfill.getByRole('button', { name: 'Start backfill' }).click()
    await expect.poll(() => backfill.getByTestId('backfill-progress').textContent(), { timeout: 15_000 }).toContain('3 of 3 spans scored')
    await expect.poll(() => backfill.getByTestId('backfill-progress').textContent()).toContain('finished')
    await expect.poll(() => row.getByTestId('rule-scored').textContent(), { timeout: 15_000 }).toBe('9')
    expect(await row.getByTestId('rule-matched').textContent()).toBe('9')
    expect(fake.requests).toHaveLength(9)
    await saveScreenshot(page, 'online-backfill')

    // The dashboard moves with them: the spans are counted, and the rule's scorers are online score series.
    await page.getByRole('tab', { name: 'Dashboard' }).click() // the last 24 hours
    await expect.poll(() => page.getByTestId('monitor-total-count').textContent(), { timeout: 10_000 }).toMatch(/^(1[0-9]|[89])$/)
    await expect.poll(() => page.getByTestId('chart-scores').textContent(), { timeout: 10_000 }).toContain('support answers/judge')
    expect(await page.getByTestId('chart-scores').textContent()).toContain('support answers/greets')
    await saveScreenshot(page, 'online-dashboard')

    // The scores are on the spans: the trace viewer's feedback shows the rule, the score, pass or fail and the reason.
    const delayed = chatSpan(12, '')
    await page.goto(`${server.baseUrl}#/traces/${delayed.traceId}/${delayed.id}`)
    await waitForReady(page)
    const feedback = page.getByTestId('feedback-panel')
    await expect.poll(() => feedback.locator('li[data-source="online"]').count(), { timeout: 10_000 }).toBe(2)
    const judged = feedback.locator('li', { hasText: 'support answers/judge' })
    expect(await judged.textContent()).toContain('support answers/judge: 0.8')
    expect(await judged.textContent()).toContain('Answers the question and says when the order arrives')
    expect(await judged.textContent()).toContain('online rule support answers')
    const greets = feedback.locator('li', { hasText: 'support answers/greets' })
    expect(await greets.textContent()).toContain('fail')
    await saveScreenshot(page, 'online-span-feedback')
  }, 90_000)
})
