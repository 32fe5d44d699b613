/**
 * The app shell in web mode, driven through Chromium: login with the session
 * token, every section, the command palette, the shortcuts overlay, editing a
 * prompt in Monaco, theme switching, state surviving a reload, the status bar,
 * and the server's gate (token page, Host check). Every request the browser
 * makes must stay on 127.0.0.1.
 */
import http from 'node:http'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import {
  assertBuilt,
  isLocalUrl,
  launchBrowser,
  makeTempDir,
  openSession,
  removeDir,
  saveScreenshot,
  screenshotFailure,
  startWebMode,
  waitForReady,
  weftInit,
  type Session,
  type WebMode,
} from './browser'

/** What each section shows in a project with no files of its kind. */
const SECTIONS = [
  { id: 'prompts', title: 'Prompts', empty: 'No prompts yet' },
  { id: 'datasets', title: 'Datasets', empty: 'No .jsonl files in datasets/ yet.' },
  { id: 'playground', title: 'Playground', empty: 'No .yaml or .yml files in models/ yet.' },
  { id: 'traces', title: 'Traces', empty: 'No traces yet' },
  { id: 'evaluations', title: 'Evaluations', empty: 'No runs yet — run an evaluation' },
  { id: 'annotate', title: 'Annotate', empty: 'No annotation queues yet' },
  { id: 'monitor', title: 'Monitor', empty: 'No spans to monitor yet' },
] as const

/** The sample project's files, per section. */
const SAMPLE_FILES: Record<string, string[]> = {
  prompts: ['summarize', 'classify-ticket'],
  datasets: ['tickets'],
  playground: ['fast', 'offline'],
  evaluations: ['regression'],
  annotate: ['ticket-review'],
}

// Monaco renders spaces as non-breaking ones; a marker without spaces compares plainly.
const DRAFT_MARKER = 'E2E_draft_marker_42'

let browser: Browser
/** Every URL any session requested, for the final whole-run check. */
const allRequests: string[] = []
let session: Session | undefined

beforeAll(async () => {
  assertBuilt()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

beforeEach(async () => {
  session = await openSession(browser)
})

afterEach(async (context) => {
  const current = session
  session = undefined
  if (!current) return
  const failed = context.task.result?.state === 'fail' || current.errors.length > 0 || current.requests.foreign.length > 0
  if (failed) await screenshotFailure(current.page, context.task.name)
  allRequests.push(...current.requests.urls)
  await current.close()
  current.requests.assertLocalOnly()
  // An uncaught exception or a console error (a failed load, a caught-and-logged
  // failure) is a bug even when the screen looks right.
  expect(current.errors, 'errors in the page').toEqual([])
})

function page(): Page {
  if (!session) throw new Error('no browser session')
  return session.page
}

async function openApp(server: WebMode): Promise<Page> {
  const p = page()
  await p.goto(server.loginUrl)
  await waitForReady(p)
  return p
}

function sectionHeading(p: Page, title: string) {
  return p.getByRole('heading', { level: 1, name: title, exact: true })
}

async function goToSectionViaSidebar(p: Page, id: string, title: string): Promise<void> {
  await p.getByTestId(`section-${id}`).click()
  await expect.poll(() => sectionHeading(p, title).isVisible()).toBe(true)
}

/** The status bar names the project and its branch (followed by the short HEAD). */
async function expectStatusBar(p: Page, projectName: string, branch: string): Promise<void> {
  const bar = p.getByTestId('status-bar')
  await bar.waitFor({ state: 'visible' })
  await expect.poll(() => bar.getByTestId('status-project').textContent()).toBe(projectName)
  await expect.poll(() => bar.getByTestId('status-branch').textContent()).toMatch(new RegExp(`^${branch}(\\s*[0-9a-f]{7})?$`))
}

async function runPaletteCommand(p: Page, query: string): Promise<void> {
  await p.keyboard.press('Control+k')
  const palette = p.getByTestId('command-palette')
  await palette.waitFor({ state: 'visible' })
  await p.keyboard.type(query)
  await p.keyboard.press('Enter')
  await palette.waitFor({ state: 'hidden' })
}

function bodyBackground(p: Page): Promise<string> {
  return p.evaluate(() => getComputedStyle(document.body).backgroundColor)
}

function themeAttribute(p: Page): Promise<string | null> {
  return p.evaluate(() => document.documentElement.getAttribute('data-theme'))
}

/** The drafts stored in the renderer's IndexedDB (what a reload reads back). */
function storedDrafts(p: Page): Promise<Array<{ name: string; content: string }>> {
  return p.evaluate(
    () =>
      new Promise<Array<{ name: string; content: string }>>((resolve, reject) => {
        const open = indexedDB.open('weft-ui')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('drafts')) {
            db.close()
            return resolve([])
          }
          const read = db.transaction('drafts').objectStore('drafts').getAll()
          read.onsuccess = () => {
            db.close()
            resolve(read.result as Array<{ name: string; content: string }>)
          }
          read.onerror = () => reject(read.error)
        }
      }),
  )
}

/** One raw HTTP request, so the Host header can be set to anything (fetch forbids that). */
function rawRequest(
  port: number,
  method: 'GET' | 'POST',
  pathname: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('a freshly initialised project', () => {
  let server: WebMode
  let home: string
  let parent: string
  const projectName = 'fresh-e2e-project'

  beforeAll(async () => {
    home = makeTempDir('home')
    parent = makeTempDir('projects')
    const projectDir = path.join(parent, projectName)
    await weftInit(projectDir, home)
    server = await startWebMode({ projectDir, weftHome: home })
  })

  afterAll(async () => {
    await server?.stop()
    removeDir(home)
    removeDir(parent)
  })

  test('opens from the token URL, drops the token from the address bar and shows project and branch', async () => {
    const p = await openApp(server)
    expect(p.url()).not.toContain('token=')
    await expectStatusBar(p, projectName, 'main')
    await saveScreenshot(p, 'fresh-project-start')
  })

  test('every section opens from the sidebar with its heading and empty state', async () => {
    const p = await openApp(server)
    for (const section of SECTIONS) {
      await goToSectionViaSidebar(p, section.id, section.title)
      await expect.poll(() => p.getByText(section.empty, { exact: true }).first().isVisible(), { message: `${section.id} empty state` }).toBe(true)
      expect(new URL(p.url()).hash).toBe(`#/${section.id}`)
    }
    await saveScreenshot(p, 'fresh-project-monitor')
  })

  test('Ctrl+K opens the command palette, which jumps to a section', async () => {
    const p = await openApp(server)
    await runPaletteCommand(p, 'Go to Traces')
    await expect.poll(() => sectionHeading(p, 'Traces').isVisible()).toBe(true)
    await runPaletteCommand(p, 'Evaluations')
    await expect.poll(() => sectionHeading(p, 'Evaluations').isVisible()).toBe(true)
    // Escape closes the palette without running anything.
    await p.keyboard.press('Control+k')
    await p.getByTestId('command-palette').waitFor({ state: 'visible' })
    await saveScreenshot(p, 'command-palette')
    await p.keyboard.press('Escape')
    await p.getByTestId('command-palette').waitFor({ state: 'hidden' })
    expect(await sectionHeading(p, 'Evaluations').isVisible()).toBe(true)
  })

  test('? opens the keyboard shortcuts overlay', async () => {
    const p = await openApp(server)
    await sectionHeading(p, 'Prompts').click()
    await p.keyboard.press('?')
    const help = p.getByTestId('help-overlay')
    await help.waitFor({ state: 'visible' })
    await expect.poll(() => help.textContent()).toContain('Ctrl+K')
    await saveScreenshot(p, 'shortcuts-overlay')
    await p.keyboard.press('Escape')
    await help.waitFor({ state: 'hidden' })
  })
})

describe('the sample project (first launch, no --project)', () => {
  let server: WebMode

  beforeAll(async () => {
    server = await startWebMode()
  })

  afterAll(async () => {
    await server?.stop()
  })

  test('opens the sample project, lists its files in each section, and shows name and branch', async () => {
    const p = await openApp(server)
    await expectStatusBar(p, 'Sample Project', 'main')
    for (const section of SECTIONS) {
      await goToSectionViaSidebar(p, section.id, section.title)
      for (const name of SAMPLE_FILES[section.id] ?? []) {
        await expect.poll(() => p.getByText(name, { exact: true }).first().isVisible(), { message: `${name} in ${section.id}` }).toBe(true)
      }
    }
  })

  test('a prompt edited in Monaco, the theme and the section all survive a reload', async () => {
    const p = await openApp(server)
    await goToSectionViaSidebar(p, 'prompts', 'Prompts')
    await p.getByRole('button', { name: /^summarize\b/ }).click()

    const editor = p.getByTestId('monaco-host').locator('.monaco-editor')
    await editor.waitFor({ state: 'visible' })
    const lines = editor.locator('.view-lines')
    await expect.poll(() => lines.textContent()).toContain('{{')
    await lines.click()
    await p.keyboard.press('Control+End')
    await p.keyboard.press('Enter')
    await p.keyboard.type(DRAFT_MARKER)
    await expect.poll(() => lines.textContent()).toContain(DRAFT_MARKER)
    await p.getByTestId('draft-notice').waitFor({ state: 'visible' })

    // Theme: the explicit opposite of what is shown now, chosen in the palette.
    const backgroundBefore = await bodyBackground(p)
    const themeBefore = await themeAttribute(p)
    const target = themeBefore === 'dark' ? 'light' : 'dark'
    await runPaletteCommand(p, `Theme: ${target === 'dark' ? 'Dark' : 'Light'}`)
    await expect.poll(() => themeAttribute(p)).toBe(target)
    await expect.poll(() => bodyBackground(p)).not.toBe(backgroundBefore)
    const backgroundAfter = await bodyBackground(p)
    await saveScreenshot(p, `sample-prompt-draft-${target}`)

    // The draft reaches IndexedDB a moment after typing stops.
    await expect.poll(async () => (await storedDrafts(p)).some((d) => d.name === 'summarize' && d.content.includes(DRAFT_MARKER)), { timeout: 5_000 }).toBe(true)

    await p.reload()
    await waitForReady(p)
    await expect.poll(() => sectionHeading(p, 'Prompts').isVisible()).toBe(true)
    expect(await themeAttribute(p)).toBe(target)
    expect(await bodyBackground(p)).toBe(backgroundAfter)
    const reloadedLines = p.getByTestId('monaco-host').locator('.monaco-editor .view-lines')
    await expect.poll(() => reloadedLines.textContent(), { timeout: 15_000 }).toContain(DRAFT_MARKER)
    await p.getByTestId('draft-notice').waitFor({ state: 'visible' })
    await saveScreenshot(p, `sample-after-reload-${target}`)

    // The section comes back from stored state too, not only from the URL hash.
    await goToSectionViaSidebar(p, 'traces', 'Traces')
    await p.goto(server.baseUrl)
    await waitForReady(p)
    await expect.poll(() => sectionHeading(p, 'Traces').isVisible()).toBe(true)
    expect(await themeAttribute(p)).toBe(target)
  })

  test('without the token the app shows the "needs its session token" page', async () => {
    const p = page()
    const response = await p.goto(server.baseUrl)
    expect(response?.status()).toBe(401)
    await expect.poll(() => p.getByRole('heading', { name: 'Weft needs its session token' }).isVisible()).toBe(true)
    expect(await p.evaluate(() => document.body.dataset.ready)).toBeUndefined()
    await saveScreenshot(p, 'needs-session-token')
    // Chromium logs the 401 as a console error; here it is the expected answer.
    session?.errors.splice(0)

    // The API refuses too, and a wrong token gets its own page.
    const api = await fetch(new URL('/api/call/project.current', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(api.status).toBe(401)
    const wrong = await fetch(new URL('/?token=not-the-token', server.baseUrl), { redirect: 'manual' })
    expect(wrong.status).toBe(401)
  })

  test('a request naming another host is refused (DNS rebinding)', async () => {
    const auth = { authorization: `Bearer ${server.token}` }
    const json = { ...auth, 'content-type': 'application/json' }
    const appInfo = (host: string, extra: Record<string, string> = {}) =>
      rawRequest(server.port, 'POST', '/api/call/app.info', { ...json, host, ...extra }, '{}')
    // The control: our own Host gets through.
    expect((await appInfo(`127.0.0.1:${server.port}`)).status).toBe(200)
    for (const host of [`evil.example:${server.port}`, `127.0.0.1.nip.io:${server.port}`, 'localhost', `127.0.0.1:${server.port + 1}`]) {
      const api = await appInfo(host)
      expect(api.status, `API with Host: ${host}`).toBe(403)
      expect(api.body).toContain('FORBIDDEN')
      const page = await rawRequest(server.port, 'GET', '/', { ...auth, host })
      expect(page.status, `page with Host: ${host}`).toBe(403)
    }
    // A foreign Origin is refused as well.
    expect((await appInfo(`127.0.0.1:${server.port}`, { origin: 'http://evil.example' })).status).toBe(403)
  })
})

test('no request of the whole run left 127.0.0.1', () => {
  expect(allRequests.length).toBeGreaterThan(0)
  expect(allRequests.filter((url) => !isLocalUrl(url))).toEqual([])
  // The recorder saw the lazily loaded editor, so it watched more than the first page.
  expect(allRequests.some((url) => /monaco|editor/i.test(url))).toBe(true)
})
