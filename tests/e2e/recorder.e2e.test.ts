/**
 * The request recorder itself: it must see (and block) navigations,
 * subresources, workers' fetches and WebSockets bound for other hosts, or the
 * "no request leaves 127.0.0.1" checks elsewhere prove nothing.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { isLocalUrl, launchBrowser, openSession } from './browser'

let browser: Browser

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

test('loopback URLs count as local, every other host does not', () => {
  for (const url of ['http://127.0.0.1:4141/', 'http://localhost:5173/x', 'ws://127.0.0.1:1/api/events', 'http://[::1]:80/', 'data:text/plain,x', 'blob:http://127.0.0.1/abc', 'about:blank']) {
    expect(isLocalUrl(url), url).toBe(true)
  }
  for (const url of ['https://cdn.jsdelivr.net/npm/monaco-editor', 'http://127.0.0.1.nip.io/', 'http://localhost.evil.example/', 'ws://10.0.0.1/', 'not a url']) {
    expect(isLocalUrl(url), url).toBe(false)
  }
})

test('foreign navigations, images, worker fetches and WebSockets are recorded and blocked', async () => {
  const session = await openSession(browser)
  try {
    await session.page.goto('http://example.com/navigation').catch(() => {})
    const other = await session.context.newPage()
    await other.setContent(
      `<img src="https://cdn.example.net/image.png">
       <script>
         new Worker(URL.createObjectURL(new Blob(["fetch('https://worker.example.org/').catch(() => {})"])))
         new WebSocket('ws://socket.example.org/')
       </script>`,
    )
    await expect.poll(() => session.requests.foreign.length).toBeGreaterThanOrEqual(4)
    expect(session.requests.foreign).toEqual(
      expect.arrayContaining(['http://example.com/navigation', 'https://cdn.example.net/image.png', 'https://worker.example.org/', 'ws://socket.example.org/']),
    )
    expect(() => session.requests.assertLocalOnly()).toThrow(/example\.com/)
  } finally {
    await session.close()
  }
})
