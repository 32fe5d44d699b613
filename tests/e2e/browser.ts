/**
 * End-to-end helpers: Chromium through playwright-core, `weft serve` as a
 * child process, a recorder that refuses any request leaving loopback, and
 * screenshots of failures.
 *
 * Chromium comes from Debian (`apt-get install -y chromium`), never from
 * `npx playwright install` (no download host is reachable here).
 */
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

/** The repository root (tests/e2e/ is two levels down). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Where failure screenshots and the run's screenshots go (git-ignored). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results')

/** The Debian Chromium binary; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const WEFT_BIN = path.join(REPO_ROOT, 'bin', 'weft.js')

/** Runs the built `weft` command with WEFT_HOME=`home`; returns what it printed (throws on a non-zero exit). */
export function runWeftCli(home: string, ...args: string[]): string {
  return execFileSync(process.execPath, [WEFT_BIN, ...args], { env: { ...process.env, WEFT_HOME: home }, encoding: 'utf8' })
}

/** Launches headless Chromium; each launch has its own fresh, empty profile. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}. Install it with: apt-get update && apt-get install -y chromium`)
  }
  // No --user-data-dir: Playwright already gives every launch a throwaway profile.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/** A fresh temporary folder, removed by {@link removeDir}. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `weft-e2e-${prefix}-`))
}

/** Removes a folder made by {@link makeTempDir}, ignoring errors. */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
}

/** Fails with a clear message when the app has not been built. */
export function assertBuilt(): void {
  for (const file of ['out/main/cli.js', 'out/renderer/index.html']) {
    if (!fs.existsSync(path.join(REPO_ROOT, file))) {
      throw new Error(`${file} is missing: run \`npx electron-vite build\` (npm test does) before the e2e tests`)
    }
  }
}

/** Runs `weft init DIR` with WEFT_HOME set; resolves with its output. */
export async function weftInit(dir: string, weftHome: string, name?: string): Promise<string> {
  const args = [WEFT_BIN, 'init', dir, ...(name ? ['--name', name] : [])]
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, WEFT_HOME: weftHome },
  })
  return stdout
}

/** A running `weft serve`. */
export interface WebMode {
  /** `http://127.0.0.1:PORT/?token=…`, as printed. */
  loginUrl: string
  /** `http://127.0.0.1:PORT/`, no token. */
  baseUrl: string
  port: number
  token: string
  /** The WEFT_HOME the server uses. */
  weftHome: string
  /** Everything the server printed so far. */
  output(): string
  /** Milliseconds from spawn to the URL line on stdout. */
  startupMs: number
  /** Where the server receives traces (it listens on a free port), or null when it printed none. */
  ingestUrl: string | null
  /** Sends a signal (SIGKILL: a crash) and waits for the process to end. */
  kill(signal: NodeJS.Signals): Promise<void>
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>
}

/** Options of {@link startWebMode}. */
export interface WebModeOptions {
  /** `--project DIR`; without it the server opens the last project, else the sample project. */
  projectDir?: string
  /** WEFT_HOME for the server; a fresh temporary folder when absent (removed again by stop()). */
  weftHome?: string
  /** How long to wait for the URL line. */
  timeoutMs?: number
  /**
   * A fixed port instead of any free one: a restarted server on the same port
   * keeps the page's origin, so its cookies' scope and IndexedDB stay the same
   * (the session token still changes with every start).
   */
  port?: number
}

const URL_LINE = /Weft is running at (http:\/\/\S+)/

/** Starts `node bin/weft.js serve --port 0` (or `options.port`) and waits for the URL it prints. */
export async function startWebMode(options: WebModeOptions = {}): Promise<WebMode> {
  const ownHome = options.weftHome === undefined
  const weftHome = options.weftHome ?? makeTempDir('home')
  const args = [WEFT_BIN, 'serve', '--port', String(options.port ?? 0), ...(options.projectDir ? ['--project', options.projectDir] : [])]
  const started = performance.now()
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, WEFT_HOME: weftHome, WEFT_PORT: '', WEFT_INGEST_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => (output += chunk))

  const loginUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`weft serve printed no URL within ${options.timeoutMs ?? 20_000} ms`)), options.timeoutMs ?? 20_000)
    const onData = (chunk: string) => {
      output += chunk
      const match = URL_LINE.exec(output)
      if (match?.[1]) {
        cleanup()
        resolve(match[1])
      }
    }
    const onExit = (code: number | null, signal: string | null) => fail(new Error(`weft serve exited (code ${code}, signal ${signal}) before printing its URL`))
    const fail = (error: Error) => {
      cleanup()
      child.kill('SIGKILL')
      reject(new Error(`${error.message}\n--- output ---\n${output}`))
    }
    const cleanup = () => {
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.off('exit', onExit)
      // Keep collecting output for later diagnostics.
      child.stdout.on('data', (more: string) => (output += more))
    }
    child.stdout.on('data', onData)
    child.once('exit', onExit)
  })
  const startupMs = performance.now() - started

  // If the test process ends without stop() (a crash, Ctrl+C), the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)

  const url = new URL(loginUrl)
  const token = url.searchParams.get('token') ?? ''
  return {
    loginUrl,
    baseUrl: `${url.origin}/`,
    port: Number(url.port),
    token,
    weftHome,
    startupMs,
    output: () => output,
    ingestUrl: /Receiving traces at (http:\/\/\S+)/.exec(output)?.[1] ?? null,
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill(signal)
      await exited
    },
    stop: async () => {
      process.off('exit', killOnExit)
      await stopChild(child)
      if (ownHome) removeDir(weftHome)
    },
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise<void>((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(killer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])
// Schemes that never touch the network.
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:', 'chrome:', 'chrome-error:', 'chrome-extension:', 'devtools:'])

/** True when a URL stays on this machine. */
export function isLocalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (LOCAL_SCHEMES.has(url.protocol)) return true
  return LOCAL_HOSTS.has(url.hostname)
}

/** Records every request of a browser context and what left loopback. */
export interface RequestRecorder {
  /** Every URL requested (pages, workers, WebSockets), in order. */
  readonly urls: string[]
  /** URLs that went to a host other than 127.0.0.1 / localhost. */
  readonly foreign: string[]
  /** Throws when any request left loopback. */
  assertLocalOnly(): void
}

/**
 * Watches a context: every request (including workers' and WebSockets) is
 * recorded, and anything bound for another host is aborted and reported, so
 * a test both notices and never actually leaks.
 */
export async function recordRequests(context: BrowserContext): Promise<RequestRecorder> {
  const urls: string[] = []
  const foreign: string[] = []
  const note = (url: string) => {
    urls.push(url)
    if (!isLocalUrl(url)) foreign.push(url)
  }
  context.on('request', (request) => note(request.url()))
  const watchPage = (page: Page) => page.on('websocket', (ws) => note(ws.url()))
  context.pages().forEach(watchPage)
  context.on('page', watchPage)
  await context.route(
    (url) => !isLocalUrl(url.href),
    (route) => route.abort('blockedbyclient'),
  )
  return {
    urls,
    foreign,
    assertLocalOnly() {
      if (foreign.length > 0) throw new Error(`Requests left 127.0.0.1:\n  ${[...new Set(foreign)].join('\n  ')}`)
    },
  }
}

/** A browser context with its page and request recorder. */
export interface Session {
  context: BrowserContext
  page: Page
  requests: RequestRecorder
  /** Distinct console errors and uncaught page errors (`pageerror: …`) seen so far. */
  errors: string[]
  close(): Promise<void>
}

/** Opens a fresh context (its own cookies and IndexedDB) with one page, recording requests. */
export async function openSession(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Session> {
  const context = await browser.newContext({ viewport, colorScheme: 'light' })
  const requests = await recordRequests(context)
  const page = await context.newPage()
  const errors: string[] = []
  // The message and the top frames are enough to find the bug; the same error repeats often.
  page.on('pageerror', (error) => {
    const frames = (error.stack ?? '').split('\n').filter((line) => line.trim().startsWith('at ')).slice(0, 3)
    const text = [`pageerror: ${error.message.split('\n')[0]}`, ...frames].join('\n')
    if (!errors.includes(text)) errors.push(text)
  })
  page.on('console', (message) => {
    const text = `console: ${message.text()}`
    if (message.type() === 'error' && !errors.includes(text)) errors.push(text)
  })
  return { context, page, requests, errors, close: () => context.close() }
}

/** Waits until the renderer says it is interactive (`body[data-ready=true]`). */
export async function waitForReady(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout })
}

/** A file-name-safe slug of a test name. */
export function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 100).toLowerCase()
}

/** Saves a full-page screenshot under test-results/<subdir>/; returns the path (null if the page is gone). */
export async function saveScreenshot(page: Page, name: string, subdir = 'screenshots'): Promise<string | null> {
  if (page.isClosed()) return null
  const dir = path.join(RESULTS_DIR, subdir)
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${slug(name)}.png`)
  try {
    await page.screenshot({ path: file, fullPage: true, timeout: 10_000 })
    return file
  } catch {
    return null
  }
}

/** Saves a screenshot of a failed test to test-results/failures/ and says where. */
export async function screenshotFailure(page: Page | undefined, testName: string): Promise<void> {
  if (!page) return
  const file = await saveScreenshot(page, testName, 'failures')
  if (file) console.error(`screenshot of the failure: ${path.relative(REPO_ROOT, file)}`)
}

/**
 * Ends a test's browser session the same way in every suite: a screenshot when
 * the test failed, close, fail on any request that left 127.0.0.1, and return
 * the page errors that are not expected. Chromium logs every non-2xx response
 * as a console error, so a test that provokes a refusal on purpose names the
 * statuses it expects.
 */
export async function endSession(session: Session, task: { name: string; result?: { state?: string } }, expectedStatuses: readonly number[] = []): Promise<string[]> {
  const failed = task.result?.state === 'fail' || session.requests.foreign.length > 0
  if (failed) await screenshotFailure(session.page, task.name)
  await session.close()
  session.requests.assertLocalOnly()
  return session.errors.filter((e) => !expectedStatuses.some((status) => e.includes(`status of ${status}`)))
}

/** POSTs spans to an ingest server's native door (`/weft/v1/spans`) with a project token; the caller checks the reply. */
export function postSpans(ingestUrl: string, token: string, spans: unknown[]): Promise<Response> {
  return fetch(`${ingestUrl}/weft/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ spans }) })
}
