/**
 * Prompt history in the browser (run by `npm run bench`, not by `npm test`):
 * a prompt with 200 versions, served by `weft serve`, opened in headless
 * Chromium. Measures the time from clicking the History tab to all 200
 * versions on screen (the target: ≤ 300 ms), and from picking two
 * versions to Monaco's diff editor showing them. Needs the built app (out/)
 * and /usr/bin/chromium, like the e2e tests.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, expect, test } from 'vitest'
import { initProject } from '../main/project/project'
import { assertBuilt, launchBrowser, openSession, startWebMode, waitForReady } from '../tests/e2e/browser'
import { median } from './report'

const VERSIONS = 200
const RUNS = 7
const TARGET_MS = 300
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-history-'))

const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 })

/** 200 commits of one prompt, each with a message and a different temperature (git fast-import: seconds, not minutes). */
function writeHistory(): void {
  const parent = git('rev-parse', 'HEAD').trim()
  const lines: string[] = []
  const data = (text: string) => lines.push(`data ${Buffer.byteLength(text)}`, text)
  for (let i = 1; i <= VERSIONS; i++) {
    lines.push('commit refs/heads/main', `author Ada <ada@example.com> ${1_700_000_000 + i * 60} +0000`, `committer Ada <ada@example.com> ${1_700_000_000 + i * 60} +0000`)
    data(`Tune greet, take ${i}`)
    if (i === 1) lines.push(`from ${parent}`)
    lines.push('M 100644 inline prompts/greet.prompt')
    data(`---\nmodel: openai/gpt-4o-mini\nconfig:\n  temperature: ${(i % 10) / 10}\ninput:\n  schema:\n    question: string\n---\nTake ${i}: answer {{question}} briefly.\n`)
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: lines.join('\n') + '\n' })
  git('reset', '--hard', '--quiet', 'main')
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function print(name: string, value: number, target?: number): void {
  const note = target === undefined ? '' : ` (target ≤ ${target} ms, ${(value / target).toFixed(2)}× ${value <= target ? 'ok' : 'OVER'})`
  process.stdout.write(`${name}: ${value.toFixed(0)} ms${note}\n`)
}

test('history of a prompt with 200 versions', async () => {
  assertBuilt()
  await initProject(dir, 'history bench')
  writeHistory()
  const server = await startWebMode({ projectDir: dir })
  const browser = await launchBrowser()
  try {
    const session = await openSession(browser, { width: 1440, height: 900 })
    const p = session.page
    await p.goto(server.loginUrl)
    await waitForReady(p)
    await p.getByTestId('section-prompts').click()
    await p.getByRole('button', { name: /^greet\b/ }).click()
    await p.getByTestId('monaco-host').locator('.monaco-editor').waitFor()

    const showHistory: number[] = []
    for (let run = 0; run < RUNS; run++) {
      await p.getByRole('tab', { name: 'Preview' }).click()
      await p.getByTestId('prompt-preview').waitFor()
      const t = performance.now()
      await p.getByRole('tab', { name: 'History' }).click()
      await p.waitForFunction((n) => document.querySelectorAll('[data-testid="prompt-history"] .version-item').length === n, VERSIONS, { polling: 'raf' })
      showHistory.push(performance.now() - t)
    }

    const compare: number[] = []
    for (let run = 0; run < 3; run++) {
      const [a, b] = [1 + run, VERSIONS - run]
      await p.getByLabel(`Pick v${a} for comparing`).check()
      await p.getByLabel(`Pick v${b} for comparing`).check()
      const t = performance.now()
      await p.getByRole('button', { name: 'Compare' }).click()
      await p.getByTestId('diff-host').locator('.monaco-diff-editor .modified .view-lines').filter({ hasText: `Take ${b}` }).waitFor()
      compare.push(performance.now() - t)
      await p.getByRole('button', { name: 'Close diff' }).click()
    }
    expect(session.errors).toEqual([])
    await session.close()

    print(`prompt history: ${VERSIONS} versions on screen after clicking History, first`, showHistory[0]!, TARGET_MS)
    print(`prompt history: ${VERSIONS} versions on screen after clicking History, median of ${RUNS}`, median(showHistory), TARGET_MS)
    print('prompt history: two versions compared in the diff editor, median of 3', median(compare))
    expect(median(showHistory)).toBeLessThan(TARGET_MS * 3)
  } finally {
    await browser.close()
    await server.stop()
  }
}, 300_000)
