import { afterAll, describe, expect, it } from 'vitest'
import { lookupScorer } from './index'
import { closeScorerWorkers, javascript, JavaScriptScorerError } from './javascript'
import type { ScoreInput } from './types'

const base: ScoreInput = { output: 'refund issued', row: { id: 'r1', ticket: 'refund please', expected: 'refund' }, expected: 'refund', latencyMs: 120, costUsd: 0.002 }

const run = (code: string, input: Partial<ScoreInput> = {}, extra: Record<string, unknown> = {}) =>
  javascript.score({ ...base, ...input }, javascript.params.parse({ code, ...extra }), {})

/** The error a row gets, with its stable code. */
async function failure(promise: Promise<unknown>): Promise<JavaScriptScorerError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(JavaScriptScorerError)
  return error as JavaScriptScorerError
}

afterAll(() => closeScorerWorkers())

describe('javascript scorer', () => {
  it.each([
    ['a number', 'function score({ output }) { return output.length / 100 }', { score: 0.13 }],
    ['true', 'function score({ output, expected }) { return output.includes(expected) }', { score: 1, pass: true }],
    ['false', 'function score({ output }) { return output.includes("nope") }', { score: 0, pass: false }],
    ['an object', 'function score() { return { score: 0.5, pass: false, reason: "half" } }', { score: 0.5, pass: false, reason: 'half' }],
    ['an object with only a score', 'function score() { return { score: 1 } }', { score: 1 }],
    ['an arrow expression', '({ output }) => output.startsWith("refund")', { score: 1, pass: true }],
    ['an anonymous async function', 'async function ({ output }) {\n  await null\n  return output === "refund issued"\n}', { score: 1, pass: true }],
    ['an async function', 'async function score({ expected }) { const x = await Promise.resolve(expected); return x === "refund" ? 0.75 : 0 }', { score: 0.75 }],
    ['a const with helpers', 'const words = (s) => s.split(" ")\nconst score = ({ output }) => words(output).length === 2', { score: 1, pass: true }],
  ])('scores with %s', async (_name, code, expected) => {
    expect(await run(code)).toEqual(expected)
  })

  it('sees the row, expected answer, latency, cost and spans', async () => {
    const spans = [{ id: 's1', parentId: null, name: 'lookup', kind: 'tool', status: 'ok', startMs: 0, endMs: 5, attributes: { hits: 3 } }]
    const code = `function score({ output, expected, row, latencyMs, costUsd, spans }) {
      const ok = row.ticket === 'refund please' && expected === 'refund' && latencyMs === 120 && costUsd === 0.002 && spans[0].attributes.hits === 3 && output.n === 2
      return { score: ok ? 1 : 0, reason: spans.map((s) => s.name).join(',') }
    }`
    expect(await run(code, { output: { n: 2 }, spans })).toEqual({ score: 1, reason: 'lookup' })
  })

  it('runs top-level code once per worker and keeps its state across rows, like a module', async () => {
    const code = 'let calls = 0\nfunction score() { calls++; return { score: 1, reason: String(calls) } }'
    // One row after another lands on the same idle worker.
    expect((await run(code)).reason).toBe('1')
    expect((await run(code)).reason).toBe('2')
  })

  it('is registered as a system-level number scorer that needs no model', () => {
    expect(lookupScorer('javascript')).toBe(javascript)
    expect(javascript.meta).toMatchObject({ type: 'javascript', level: 'system', valueType: 'number', needsLlm: false })
  })

  it.each([
    ['NaN', 'function score() { return NaN }', 'NaN, not a finite number'],
    ['Infinity', 'function score() { return Infinity }', 'Infinity, not a finite number'],
    ['above 1', 'function score() { return 1.5 }', '1.5, outside 0..1'],
    ['below 0', 'function score() { return -0.1 }', '-0.1, outside 0..1'],
    ['a string', 'function score() { return "1" }', 'score returned string'],
    ['nothing', 'function score() {}', 'score returned undefined'],
    ['null', 'function score() { return null }', 'score returned null'],
    ['an array', 'function score() { return [1] }', 'score returned array'],
    ['an object without a score', 'function score() { return { pass: true } }', 'score is undefined, not a number'],
    ['an object with a bad pass', 'function score() { return { score: 1, pass: "yes" } }', 'pass must be a boolean, not string'],
    ['an object with a bad reason', 'function score() { return { score: 1, reason: 3 } }', 'reason must be a string, not number'],
  ])('refuses a result that is %s', async (_name, code, message) => {
    const error = await failure(run(code))
    expect(error.code).toBe('bad-result')
    expect(error.message).toContain(message)
  })

  it('reports a throw with its line in the user code', async () => {
    const error = await failure(run('function score({ output }) {\n  const x = output.missing\n  return x.length\n}'))
    expect(error.code).toBe('thrown')
    expect(error.message).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'length'\) \(line 3\)$/)
    const rejected = await failure(run('async function score() {\n  await 0\n  throw new Error("no verdict")\n}'))
    expect(rejected.message).toBe('Error: no verdict (line 3)')
    const thrownString = await failure(run('function score() { throw "plain" }'))
    expect(thrownString.message).toBe('threw plain')
  })

  it('reports top-level errors and code without a scorer', async () => {
    const topLevel = await failure(run('const table = null\nconst first = table.rows\nfunction score() { return 1 }'))
    expect(topLevel.code).toBe('thrown')
    expect(topLevel.message).toContain('(line 2)')
    const none = await failure(run('const x = 1'))
    expect(none.code).toBe('no-function')
    expect(none.message).toContain('function score(')
  })

  it('refuses code that does not parse when the definition is read, with the line', () => {
    const parsed = javascript.params.safeParse({ code: 'function score({ output }) {\n  return output.length >\n}' })
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    expect(issue.path).toEqual(['code'])
    expect(issue.message).toBe("code does not parse: Unexpected token '}' (line 3)")
    // An anonymous function is only an expression: the error is the real one, not "requires a function name".
    const anonymous = javascript.params.safeParse({ code: 'function ({ output }) {\n  return (\n}' })
    expect(anonymous.error!.issues[0]!.message).toBe("code does not parse: Unexpected token '}' (line 3)")
  })

  it('reports a syntax error from the worker too, for params that skipped the check', async () => {
    const error = await failure(javascript.score(base, { code: 'function ({ output }) {\n  return (\n}', timeoutMs: 1000, memoryMb: 64 }, {}))
    expect(error.code).toBe('syntax')
    expect(error.message).toBe("Unexpected token '}' (line 3)")
  })

  it.each([
    [{ code: '' }, 'code', 'must not be empty'],
    [{ code: 'x'.repeat(100_001) }, 'code', 'at most 100000'],
    [{ code: 'x => 1', timeoutMs: 0 }, 'timeoutMs', ''],
    [{ code: 'x => 1', timeoutMs: 30_001 }, 'timeoutMs', 'at most 30000'],
    [{ code: 'x => 1', timeoutMs: 1.5 }, 'timeoutMs', ''],
    [{ code: 'x => 1', memoryMb: 8 }, 'memoryMb', 'at least 16'],
    [{ code: 'x => 1', memoryMb: 2048 }, 'memoryMb', 'at most 1024'],
    [{ code: 'x => 1', other: 1 }, '', ''],
  ])('refuses bad params %#', (raw, field, message) => {
    const parsed = javascript.params.safeParse(raw)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    if (field) expect(issue.path).toEqual([field])
    expect(issue.message).toContain(message)
  })

  it('defaults to a second and 64 MB', () => {
    expect(javascript.params.parse({ code: 'x => 1' })).toEqual({ code: 'x => 1', timeoutMs: 1000, memoryMb: 64 })
  })

  it('stops an endless loop, and the next row scores normally', async () => {
    const error = await failure(run('function score({ output }) { if (output === "loop") while (true) {} return 1 }', { output: 'loop' }, { timeoutMs: 100 }))
    expect(error.code).toBe('timeout')
    expect(error.message).toBe('timed out after 100 ms')
    expect(await run('function score({ output }) { if (output === "loop") while (true) {} return 1 }', {}, { timeoutMs: 100 })).toEqual({ score: 1 })
  })

  it('stops a promise that never settles and an endless chain of awaits', async () => {
    const pending = await failure(run('async function score() { await new Promise(() => {}); return 1 }', {}, { timeoutMs: 100 }))
    expect(pending.message).toBe('timed out after 100 ms')
    // Microtasks are outside vm's own time limit; the pool ends the worker.
    const spinning = await failure(run('async function score() { for (;;) await 0 }', {}, { timeoutMs: 100 }))
    expect(spinning.code).toBe('timeout')
    expect(await run('x => 0.25', {}, { timeoutMs: 100 })).toEqual({ score: 0.25 })
  })

  it('stops a scorer that runs out of memory, and the pool recovers', async () => {
    const bomb = 'function score() { const keep = []; for (;;) keep.push(new Array(10000).fill({ a: 1 })) }'
    const error = await failure(run(bomb, {}, { memoryMb: 32, timeoutMs: 10_000 }))
    expect(error.code).toBe('memory')
    expect(error.message).toContain('used more than 32 MB')
    expect(await run('x => 1', {}, { memoryMb: 32 })).toEqual({ score: 1 })
  })

  it.each([
    ['require', 'function score() { return require("fs") ? 1 : 0 }', 'require is not defined'],
    ['process', 'function score() { return process.env.HOME ? 1 : 0 }', 'process is not defined'],
    ['fetch', 'async function score() { await fetch("http://example.com"); return 1 }', 'fetch is not defined'],
    ['setTimeout', 'async function score() { await new Promise((r) => setTimeout(r, 1)); return 1 }', 'setTimeout is not defined'],
    ['the Function constructor', 'function score() { return new Function("return 1")() }', 'Code generation from strings disallowed'],
    ['eval', 'function score() { return eval("1") }', 'Code generation from strings disallowed'],
    ['the global constructor chain', 'function score() { return globalThis.constructor.constructor("return process")().pid > 0 }', 'Code generation from strings disallowed'],
    ['the constructor chain of its argument', 'function score(input) { return input.constructor.constructor("return process")().pid > 0 }', 'Code generation from strings disallowed'],
    ['import()', 'async function score() { const fs = await import("fs"); return fs ? 1 : 0 }', 'import() is not available'],
    ['the error of a refused import()', 'async function score() { try { await import("fs") } catch (e) { return e.constructor.constructor("return process")().pid > 0 } }', 'Code generation from strings disallowed'],
    ['typed arrays', 'function score() { return new Uint8Array(8).length }', 'Uint8Array is not defined'],
  ])('has no way to %s', async (_name, code, message) => {
    const error = await failure(run(code))
    expect(error.code).toBe('thrown')
    expect(error.message).toContain(message)
  })

  it('hands out no worker object through stack traces', async () => {
    // Frames below the user's own are the worker's; a function or `this` of
    // theirs would be of another realm (not an instance of this Object).
    const code = `function score() {
      const foreign = (value) => value !== undefined && value !== null && !(value instanceof Object)
      Error.prepareStackTrace = (_error, frames) => frames.map((f) => foreign(f.getThis()) || foreign(f.getFunction()) ? 'leak' : 'ok')
      const frames = new Error('x').stack
      return { score: frames.length > 1 ? 1 : 0, reason: frames.join(',') }
    }`
    const { score, reason } = await run(code)
    expect(score).toBe(1)
    expect(reason).not.toContain('leak')
  })

  it('scores many rows at once, each with its own answer', async () => {
    const code = 'function score({ row }) { return { score: row.n / 200, reason: "row " + row.n } }'
    const results = await Promise.all(Array.from({ length: 200 }, (_, n) => run(code, { row: { id: `r${n}`, n } })))
    results.forEach((result, n) => expect(result).toEqual({ score: n / 200, reason: `row ${n}` }))
  })

  it('keeps one failing scorer from affecting rows of another running beside it', async () => {
    const [looping, fine] = await Promise.allSettled([
      run('() => { while (true) {} }', {}, { timeoutMs: 200 }),
      Promise.all(Array.from({ length: 20 }, () => run('({ expected }) => expected === "refund"'))),
    ])
    expect(looping.status).toBe('rejected')
    expect(fine).toEqual({ status: 'fulfilled', value: Array.from({ length: 20 }, () => ({ score: 1, pass: true })) })
  })

  it('refuses a row that is not JSON', async () => {
    const error = await failure(run('x => 1', { output: 10n }))
    expect(error.code).toBe('bad-input')
  })

  it('gives up on a cancelled run', async () => {
    const controller = new AbortController()
    const pending = javascript.score(base, javascript.params.parse({ code: '() => { while (true) {} }', timeoutMs: 5000 }), { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    const error = await failure(pending)
    expect(error.code).toBe('cancelled')
  })
})
