/**
 * Provider layer benchmark (run by `npm run bench`, not by `npm test`): what
 * Weft's pipeline (registry → retries → limiter → OpenAI SDK → cost) adds to a
 * call, measured against a raw fetch to the same local fake server. Runs are
 * interleaved so both sides see the same machine load; figures are medians.
 */
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createProviders } from '../main/providers/registry'
import type { ProviderRequest } from '../main/providers/types'
import { startFakeOpenAI, type FakeOpenAI } from '../tests/node/fakeOpenAI'
import { median } from './report'

const RUNS = 300
const WARMUP = 30
let fake: FakeOpenAI
const results: Record<string, unknown> = {}

// Own results file: report.ts's reportFigure writes store.json, which this file must not overwrite.
function report(name: string, value: number, target: number, unit = 'ms'): void {
  process.stdout.write(`${name}: ${value.toFixed(3)} ${unit} (target ≤ ${target} ${unit}, ${(value / target).toFixed(2)}× ${value <= target ? 'ok' : 'OVER'})\n`)
  results[name] = { value, unit, target }
  const file = path.join(import.meta.dirname, 'results', 'providers.json')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify(results, null, 2))
}

beforeAll(async () => {
  fake = await startFakeOpenAI()
})
afterAll(() => fake.close())

test('provider layer overhead vs raw fetch', async () => {
  const providers = createProviders({ secrets: async () => 'sk-bench-000000000000', cache: false })
  const request: ProviderRequest = { provider: 'openai', model: 'gpt-4o-mini', baseUrl: fake.baseUrl, messages: [{ role: 'user', content: 'hi' }], parameters: { temperature: 0 } }
  const url = `${fake.baseUrl}/chat/completions`
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-000000000000' }
  const body = (stream: boolean) => JSON.stringify({ model: request.model, messages: request.messages, temperature: 0, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) })

  const rawCall = async () => (await fetch(url, { method: 'POST', headers, body: body(false) })).json()
  const rawFirstToken = async () => {
    const t = performance.now()
    const res = await fetch(url, { method: 'POST', headers, body: body(true) })
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    let first = -1
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
      if (first < 0 && text.includes('"content":"o"')) first = performance.now() - t
    }
    return first
  }
  const weftFirstToken = async () => {
    const t = performance.now()
    let first = -1
    for await (const e of providers.stream(request)) if (e.type === 'text' && first < 0) first = performance.now() - t
    return first
  }

  const raw: number[] = []
  const weft: number[] = []
  const rawTtft: number[] = []
  const weftTtft: number[] = []
  for (let i = 0; i < RUNS + WARMUP; i++) {
    let t = performance.now()
    await rawCall()
    const r = performance.now() - t
    t = performance.now()
    const res = await providers.call(request)
    const w = performance.now() - t
    expect(res.error).toBeNull()
    const rt = await rawFirstToken()
    const wt = await weftFirstToken()
    if (i < WARMUP) continue
    raw.push(r)
    weft.push(w)
    rawTtft.push(rt)
    weftTtft.push(wt)
  }
  process.stdout.write(`providers: raw fetch call ${median(raw).toFixed(3)} ms, Weft call ${median(weft).toFixed(3)} ms; raw TTFT ${median(rawTtft).toFixed(3)} ms, Weft TTFT ${median(weftTtft).toFixed(3)} ms\n`)
  report(`providers: call overhead vs raw fetch (median of ${RUNS})`, median(weft) - median(raw), 1)
  report(`providers: streaming time-to-first-token overhead (median of ${RUNS})`, median(weftTtft) - median(rawTtft), 5)
}, 600_000)
