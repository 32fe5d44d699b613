import { Readable } from 'node:stream'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { continueTrace, currentSpan, flush, init, op, shutdown, stats, withAttributes } from './index'
import { startSink, type SentSpan, type Sink } from './test/sink'

let sink: Sink
const warnings: string[] = []

beforeAll(async () => {
  sink = await startSink()
  init({ endpoint: sink.url, token: 'tok', flushIntervalMs: 10, warn: (m) => warnings.push(m) })
})
afterAll(async () => {
  await shutdown()
  await sink.close()
})
beforeEach(() => {
  sink.spans.length = 0
  warnings.length = 0
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** What arrived, with the fields the SDK leaves out when they equal the schema's defaults filled in. */
async function sent(): Promise<SentSpan[]> {
  await flush()
  return sink.spans.map((span) => ({ status: 'ok', ...span }))
}
const byName = (spans: SentSpan[], name: string) => spans.filter((s) => s.name === name)
const one = (spans: SentSpan[], name: string) => {
  const found = byName(spans, name)
  expect(found, name).toHaveLength(1)
  return found[0]!
}

describe('op', () => {
  it('keeps a sync function sync and records inputs by parameter name, output and times', async () => {
    const add = op(function add(a: number, b: number) {
      return a + b
    })
    const result = add(2, 3)
    expect(result).toBe(5)
    const span = one(await sent(), 'add')
    expect(span.id).toMatch(/^[0-9a-f]{16}$/)
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(span.parentId).toBeUndefined()
    expect(span.kind).toBe('other')
    expect(span.inputs).toEqual({ a: 2, b: 3 })
    expect(span.output).toBe(5)
    expect(span.endMs as number).toBeGreaterThanOrEqual(span.startMs as number)
    expect(Math.abs((span.startMs as number) - Date.now())).toBeLessThan(5000)
  })

  it('nests sync and async ops three deep through AsyncLocalStorage', async () => {
    const leaf = op((x: number) => x * 2, { name: 'leaf', kind: 'tool' })
    const middle = op(async (x: number) => {
      await sleep(1)
      return leaf(x) + 1
    }, { name: 'middle', kind: 'chain' })
    const root = op(async (x: number) => middle(x), { name: 'root', kind: 'agent' })
    expect(await root(4)).toBe(9)
    const spans = await sent()
    const [r, m, l] = [one(spans, 'root'), one(spans, 'middle'), one(spans, 'leaf')]
    expect(m.parentId).toBe(r.id)
    expect(l.parentId).toBe(m.id)
    expect(new Set([r.traceId, m.traceId, l.traceId]).size).toBe(1)
    expect([r.kind, m.kind, l.kind]).toEqual(['agent', 'chain', 'tool'])
    expect(r.output).toBe(9)
  })

  it('keeps parents right across concurrent async branches', async () => {
    const grandchild = op(async (branch: string, delay: number) => {
      await sleep(delay)
      return branch
    }, { name: 'grandchild' })
    const child = op(async (branch: string) => {
      const a = grandchild(branch, 5)
      await sleep(2)
      const b = grandchild(branch, 1)
      return (await a) + (await b)
    }, { name: 'child' })
    const root = op(async () => Promise.all([child('left'), child('right')]), { name: 'fork' })
    await root()
    const spans = await sent()
    const fork = one(spans, 'fork')
    const children = byName(spans, 'child')
    expect(children).toHaveLength(2)
    for (const c of children) {
      expect(c.parentId).toBe(fork.id)
      const mine = byName(spans, 'grandchild').filter((g) => g.parentId === c.id)
      expect(mine).toHaveLength(2)
      for (const g of mine) expect((g.inputs as { branch: string }).branch).toBe((c.inputs as { branch: string }).branch)
    }
    // Two separate calls of the root make two traces.
    await root()
    const traces = new Set(byName(await sent(), 'fork').map((s) => s.traceId))
    expect(traces.size).toBe(2)
  })

  it('records errors and rethrows the very same error, sync and async', async () => {
    const boom = new TypeError('kaboom')
    const failSync = op(() => {
      throw boom
    }, { name: 'failSync' })
    const failAsync = op(async () => {
      await sleep(1)
      throw boom
    }, { name: 'failAsync' })
    expect(() => failSync()).toThrow(boom)
    await expect(failAsync()).rejects.toBe(boom)
    const spans = await sent()
    for (const name of ['failSync', 'failAsync']) {
      const span = one(spans, name)
      expect(span.status).toBe('error')
      expect(span.error).toMatchObject({ message: 'kaboom', type: 'TypeError' })
      expect((span.error as { stack: string }).stack).toContain('kaboom')
    }
    const failString = op(() => {
      throw 'plain'
    }, { name: 'failString' })
    expect(() => failString()).toThrow('plain')
    expect(one(await sent(), 'failString').error).toMatchObject({ message: 'plain', type: 'string' })
  })

  it('binds this like the original function', async () => {
    const counter = {
      count: 41,
      increment: op(function (this: { count: number }) {
        return ++this.count
      }, { name: 'increment' }),
    }
    expect(counter.increment()).toBe(42)
    expect(counter.count).toBe(42)
    class Greeter {
      constructor(private readonly who: string) {}
      greet = op(async function (this: Greeter, greeting: string) {
        return `${greeting}, ${this.who}`
      }, { name: 'greet' })
    }
    expect(await new Greeter('Ada').greet('Hello')).toBe('Hello, Ada')
    expect(one(await sent(), 'greet').inputs).toEqual({ greeting: 'Hello' })
  })

  it('merges withAttributes into spans created inside, and only inside', async () => {
    const inner = op(() => currentSpan()?.setAttribute('own', 1), { name: 'inner' })
    const outer = op(async () => {
      await withAttributes({ step: 'retrieve', user: 'override' }, async () => {
        await sleep(1)
        inner()
      })
      inner()
    }, { name: 'outer' })
    await withAttributes({ user: 'u1', sessionId: 'chat-7' }, () => outer())
    inner()
    const spans = await sent()
    const inners = byName(spans, 'inner')
    expect(inners.map((s) => s.attributes)).toEqual([{ user: 'override', sessionId: 'chat-7', step: 'retrieve', own: 1 }, { user: 'u1', sessionId: 'chat-7', own: 1 }, { own: 1 }])
    expect(one(spans, 'outer')).toMatchObject({ attributes: { user: 'u1' }, sessionId: 'chat-7' })
    expect(withAttributes({ a: 1 }, () => 'plain')).toBe('plain')
  })

  it('ends an async generator span when iteration ends, with the chunks and nested children', async () => {
    const token = op((t: string) => t.toUpperCase(), { name: 'token' })
    const generate = op(async function* generate(n: number) {
      for (let i = 0; i < n; i++) {
        await sleep(1)
        yield token(`t${i}`)
      }
    })
    const stream = generate(3)
    await sleep(5)
    // Nothing has run yet: the span must still be open.
    await flush()
    expect(byName(sink.spans, 'generate')).toHaveLength(0)
    const seen: string[] = []
    for await (const chunk of stream) seen.push(chunk)
    expect(seen).toEqual(['T0', 'T1', 'T2'])
    const spans = await sent()
    const span = one(spans, 'generate')
    expect(span.output).toBe('T0T1T2')
    expect(span.status).toBe('ok')
    for (const t of byName(spans, 'token')) expect(t.parentId).toBe(span.id)
    expect((span.endMs as number) - (span.startMs as number)).toBeGreaterThanOrEqual(2)
  })

  it('ends a stream span early on break, and on error', async () => {
    const numbers = op(async function* numbers() {
      yield { n: 1 }
      yield { n: 2 }
      throw new Error('stream broke')
    })
    for await (const item of numbers()) if (item.n === 1) break
    await expect(async () => {
      for await (const _ of numbers()) void _
    }).rejects.toThrow('stream broke')
    const spans = byName(await sent(), 'numbers')
    expect(spans).toHaveLength(2)
    expect(spans[0]).toMatchObject({ status: 'ok', output: [{ n: 1 }], attributes: { 'weft.stream.cancelled': true } })
    expect(spans[1]).toMatchObject({ status: 'error', error: { message: 'stream broke' } })
  })

  it('follows async functions that resolve to async iterables, and Node streams', async () => {
    const later = op(async () => {
      await sleep(1)
      return (async function* () {
        yield 'a'
        yield 'b'
      })()
    }, { name: 'later' })
    let text = ''
    for await (const piece of await later()) text += piece
    expect(text).toBe('ab')
    const readable = op(() => Readable.from([Buffer.from('hel'), Buffer.from('lo')], { objectMode: false }), { name: 'readable' })
    const chunks: Buffer[] = []
    for await (const chunk of readable()) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).toString()).toBe('hello')
    const failing = op(() => new Readable({ read() {
      this.destroy(new Error('disk gone'))
    } }), { name: 'failing' })
    await expect(async () => {
      for await (const _ of failing()) void _
    }).rejects.toThrow('disk gone')
    const spans = await sent()
    expect(one(spans, 'later').output).toBe('ab')
    expect(one(spans, 'readable').output).toBe('hello')
    expect(one(spans, 'failing')).toMatchObject({ status: 'error', error: { message: 'disk gone' } })
  })

  it('records values that are not JSON-safe without throwing', async () => {
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    let deep: Record<string, unknown> = {}
    const top = deep
    for (let i = 0; i < 100; i++) deep = (deep.next = {}) as Record<string, unknown>
    const throwing = { get bad() {
      throw new Error('getter')
    } }
    const weird = op((..._args: unknown[]) => ({ big: 10n ** 30n, fn: () => 1, nan: NaN, when: new Date(0), map: new Map([['k', 1]]) }), { name: 'weird' })
    weird(cyclic, 12n, new Error('as input'), Buffer.from('bytes'), top, 'x'.repeat(1_000_000), throwing, Symbol('s'), undefined)
    const span = one(await sent(), 'weird')
    const inputs = span.inputs as Record<string, unknown>
    expect(inputs.arg0).toEqual({ name: 'loop', self: '[circular]' })
    expect(inputs.arg1).toBe('12')
    expect(inputs.arg2).toMatchObject({ name: 'Error', message: 'as input' })
    expect(inputs.arg3).toBe('[Buffer 5 bytes]')
    expect(JSON.stringify(inputs.arg4)).toContain('[truncated] (depth)')
    expect((inputs.arg5 as string).length).toBeLessThan(300_000)
    expect(inputs.arg5).toContain('[truncated]')
    expect(inputs.arg6).toEqual('[unserializable: getter]')
    expect(inputs.arg7).toBe('Symbol(s)')
    expect(inputs.arg8).toBeNull()
    // Many long strings are bounded as a whole, not only one by one.
    const many = op((_items: string[]) => 0, { name: 'many' })
    many(Array.from({ length: 100 }, () => 'z'.repeat(200_000)))
    const items = (one(await sent(), 'many').inputs as { _items: string[] })._items
    expect(items.join('').length).toBeLessThan(2_200_000)
    expect(items.at(-1)).toMatch(/^…\[truncated\] \(200000 chars\)$/)
    expect(span.output).toEqual({ big: '1000000000000000000000000000000', fn: '[function fn]', nan: 'NaN', when: '1970-01-01T00:00:00.000Z', map: { k: 1 } })
  })

  it('sends the batch with the token, the SDK name and no warnings', async () => {
    op(() => 1, { name: 'headers' })()
    await sent()
    const request = sink.requests.at(-1)!
    expect(request.headers.authorization).toBe('Bearer tok')
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.body.sdk).toEqual({ name: 'weft-js', version: '0.1.0' })
    expect(warnings).toEqual([])
    expect(stats()).toMatchObject({ dropped: 0, failed: 0, queued: 0 })
  })

  it('continues a trace from another process (W3C traceparent): ops join its trace under the named span', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const step = op(async function lookup(q: string) {
      return `found ${q}`
    }, { kind: 'tool' })
    const answer = op(async function answer(q: string) {
      return step(q)
    })
    await continueTrace(`00-${traceId}-00f067aa0ba902b7-01`, () => withAttributes({ tenant: 't1' }, () => answer('x')))
    // Malformed or missing headers (and all-zero ids) start a trace of its own.
    await continueTrace('garbage', () => answer('y'))
    await continueTrace(undefined, () => answer('z'))
    await continueTrace(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, () => answer('w'))
    const spans = await sent()
    const root = byName(spans, 'answer').find((s) => s.traceId === traceId)!
    expect(root).toMatchObject({ parentId: '00f067aa0ba902b7', attributes: { tenant: 't1' } })
    expect(one(spans.filter((s) => s.traceId === traceId), 'lookup')).toMatchObject({ parentId: root.id, kind: 'tool' })
    const others = byName(spans, 'answer').filter((s) => s !== root)
    expect(others).toHaveLength(3)
    for (const span of others) expect(span.traceId).not.toBe(traceId)
    expect(others.every((s) => s.parentId === undefined)).toBe(true)
  })
})
