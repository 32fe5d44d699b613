/**
 * The inside of the `javascript` scorer's worker threads (issue 8). Two
 * functions, each run from its own source text rather than imported:
 *
 * - {@link runScorerWorker} is the worker's body. The pool starts it with
 *   `new Worker(source, { eval: true })`, so the same code runs from the
 *   TypeScript sources (vitest) and from the bundle, with no extra build entry
 *   and no file to find next to the bundle.
 * - {@link scorerBridge} runs inside each scorer's `vm` context, before the
 *   user's code, and is the only thing that touches the user's values.
 *
 * Both are turned into text with `Function.prototype.toString`, so they must
 * use nothing from outside themselves: no imports (types only), no helpers.
 *
 * The sandbox rule: no object of the worker's own realm ever enters a
 * scorer's context, because any such object leads back to the worker's
 * `Function` and from there to `process` (the classic
 * `x.constructor.constructor('return process')()` escape). Inputs go in as a
 * JSON string parsed by the context's own `JSON`; results come out as JSON
 * strings made inside the context.
 */
import type * as vm from 'node:vm'
import type { MessagePort } from 'node:worker_threads'

/** The file name user code runs under: stack lines and syntax errors point at `scorer.js:LINE`. */
export const SCORER_FILENAME = 'scorer.js'

/** One row to score, sent to a worker. */
export interface ScorerJob {
  id: number
  code: string
  /** The scorer's argument (`{ output, expected, row, … }`) as JSON. */
  input: string
  timeoutMs: number
}

/** A worker's answer to a {@link ScorerJob}. */
export type ScorerReply =
  /** What the bridge reported: JSON of {@link BridgeOutcome}. */
  | { id: number; outcome: string }
  /** Why the code could not run this row (syntax, no score function, time). */
  | { id: number; failure: { kind: 'syntax' | 'no-function' | 'timeout'; message: string } }

/** What the bridge reports about one call, as JSON. */
export type BridgeOutcome =
  | { returned: ReturnedValue }
  | { thrown: ThrownValue }

/** A returned value described in plain data (numbers as text, so NaN and Infinity survive JSON). */
export type ReturnedValue =
  | { kind: 'number' | 'boolean'; value: string }
  | { kind: 'object'; score: string | null; scoreKind: string; pass: boolean | null; passKind: string; reason: string | null; reasonKind: string }
  | { kind: string }

/** A thrown value described in plain data. */
export interface ThrownValue {
  name: string
  message: string
  stack: string
}

/** The bridge's handle, as the worker sees it. Every member takes and returns primitives or context values only. */
interface Bridge {
  /** Chooses the scorer: the `score` binding if it is a function, else the code's completion value; false when neither is. */
  adopt(named: unknown, completion: unknown): boolean
  /** Stores the next call's input (JSON) and forgets the last outcome. */
  receive(input: string): void
  /** The last call's outcome as JSON, or undefined while its promise is pending. */
  take(): string | undefined
  /** An error made in the context, for a refused `import()`. */
  importDenied(): unknown
  /** Describes a value the user's top-level code threw, as JSON of {@link ThrownValue}. */
  describeThrown(value: unknown): string
}

/**
 * The body of a scorer worker. `vm`, the parent port and the bridge's source
 * are parameters because a `require` written here would be rewritten by the
 * bundler into a helper that does not exist in the worker.
 */
export function runScorerWorker(vmModule: typeof vm, port: MessagePort, bridgeSource: string, filename: string): void {
  // A scorer's stray rejected promise must not end the worker (and the rows queued on it).
  process.on('unhandledRejection', () => {})

  const setup = new vmModule.Script(bridgeSource, { filename: 'weft-bridge.js' })
  const run = new vmModule.Script('__weftRun()', { filename: 'weft-bridge.js' })
  // Reads `score` even when it is a `let`/`const`, which never becomes a property of the global object.
  const pick = new vmModule.Script('typeof score === "function" ? score : undefined', { filename: 'weft-bridge.js' })

  interface Loaded {
    /** Null when the code's top-level threw: there is nothing to call. */
    context: vm.Context | null
    bridge: Bridge
  }
  // One context per code, reused across rows; a few codes at most, oldest dropped first.
  const loaded = new Map<string, Loaded>()
  const MAX_LOADED = 8

  class Failure extends Error {
    constructor(
      readonly kind: 'syntax' | 'no-function' | 'timeout',
      message: string,
    ) {
      super(message)
    }
  }

  const isTimeout = (error: unknown) => (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
  const at = new RegExp(`${filename.replace(/\./g, '\\.')}:(\\d+)`)
  const lineOf = (error: unknown) => Number(at.exec(String((error as Error | null)?.stack))?.[1] ?? 0)

  // The code is either a script that defines `score` or one function
  // expression. An anonymous `function (…) {}` or `async function` is only
  // valid as an expression, so when the script form does not parse, the
  // expression form is tried; if both fail, the error found further into
  // the code is the real one (the other usually complains at line 1).
  function compile(code: string, importModuleDynamically: () => never): vm.Script {
    try {
      return new vmModule.Script(code, { filename, importModuleDynamically })
    } catch (asScript) {
      try {
        return new vmModule.Script(`(\n${code}\n)`, { filename, lineOffset: -1, importModuleDynamically })
      } catch (asExpression) {
        const error = lineOf(asExpression) > lineOf(asScript) ? asExpression : asScript
        const line = lineOf(error)
        throw new Failure('syntax', `${String((error as Error).message)}${line ? ` (line ${line})` : ''}`)
      }
    }
  }

  function load(code: string, deadline: number): Loaded {
    const cached = loaded.get(code)
    if (cached) {
      loaded.delete(code)
      loaded.set(code, cached)
      return cached
    }
    const context = vmModule.createContext(Object.create(null), {
      name: 'weft scorer',
      codeGeneration: { strings: false, wasm: false },
    })
    const bridge = setup.runInContext(context) as Bridge
    // `import()` would otherwise be refused by Node with an error object of the
    // worker's realm: a way out. This callback throws one made in the context.
    // (It is only consulted with --experimental-vm-modules; the pool sets it.)
    const script = compile(code, () => {
      throw bridge.importDenied()
    })
    let completion: unknown
    let named: unknown
    try {
      completion = script.runInContext(context, { timeout: remaining(deadline) })
      named = pick.runInContext(context, { timeout: remaining(deadline) })
    } catch (error) {
      if (isTimeout(error)) throw error
      // Top-level code threw: report it like a throw from score(), with its line.
      return { context: null, bridge: failingBridge(bridge.describeThrown(error)) }
    }
    if (!bridge.adopt(named, completion)) {
      throw new Failure('no-function', 'the code defines no scorer: write `function score({ output, expected, row }) { … }` or a single function expression')
    }
    const entry = { context, bridge }
    loaded.set(code, entry)
    if (loaded.size > MAX_LOADED) loaded.delete(loaded.keys().next().value as string)
    return entry
  }

  // A bridge whose every call reports the top-level error (not cached: the next row tries again).
  function failingBridge(thrown: string): Bridge {
    return {
      adopt: () => true,
      receive: () => {},
      take: () => `{"thrown":${thrown}}`,
      importDenied: () => undefined,
      describeThrown: () => thrown,
    }
  }

  const remaining = (deadline: number) => Math.max(1, Math.ceil(deadline - performance.now()))
  const tick = (ms: number) => new Promise<void>((resolve) => (ms === 0 ? setImmediate(resolve) : setTimeout(resolve, ms)))

  async function score(job: ScorerJob): Promise<ScorerReply> {
    const deadline = performance.now() + job.timeoutMs
    const timedOut = (): ScorerReply => {
      // Its state may be half-changed, or a chain of promises still running: start the next row afresh.
      loaded.delete(job.code)
      return { id: job.id, failure: { kind: 'timeout', message: `timed out after ${job.timeoutMs} ms` } }
    }
    let entry: Loaded
    try {
      entry = load(job.code, deadline)
    } catch (error) {
      if (error instanceof Failure) return { id: job.id, failure: { kind: error.kind, message: error.message } }
      if (isTimeout(error)) return timedOut()
      throw error
    }
    entry.bridge.receive(job.input)
    if (entry.context) {
      try {
        run.runInContext(entry.context, { timeout: remaining(deadline) })
      } catch (error) {
        if (isTimeout(error)) return timedOut()
        throw error
      }
    }
    // An async scorer settles in the microtasks that run before setImmediate;
    // the sandbox has no timers or I/O, so waiting longer is only for a
    // refused import() and the like. Poll until the time limit.
    for (let wait = 0; ; wait = Math.min(20, wait * 2 || 1)) {
      const outcome = entry.bridge.take()
      if (outcome !== undefined) return { id: job.id, outcome }
      if (performance.now() >= deadline) return timedOut()
      await tick(wait)
    }
  }

  // One job at a time: the pool sends the next only after the answer, so a
  // worker it has to end for a runaway row holds no other row.
  port.on('message', (job: ScorerJob) => {
    score(job).then(
      (reply) => port.postMessage(reply),
      (error: unknown) => port.postMessage({ id: job.id, outcome: JSON.stringify({ thrown: { name: 'Error', message: `the scorer worker failed: ${String(error)}`, stack: '' } }) }),
    )
  })
}

/**
 * Runs inside a scorer's context before the user's code: strips what a
 * scorer must not have, and returns the {@link Bridge}. What it keeps
 * (`JSON.parse`, `Reflect.apply`, `Promise.prototype.then`) is taken now, so
 * user code that replaces them breaks only itself.
 */
export function scorerBridge(): Bridge {
  'use strict'
  const global = globalThis as Record<string, unknown>
  // Memory outside the JS heap is not bounded by the worker's resourceLimits,
  // so anything that allocates it goes; none of these are reachable another way.
  for (const name of [
    'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'WebAssembly',
    'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
    'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
    // Its callbacks run later, between rows and outside any time limit.
    'FinalizationRegistry',
  ]) {
    delete global[name]
  }
  const noop = () => {}
  global.console = Object.freeze({ log: noop, info: noop, warn: noop, error: noop, debug: noop })

  const parse = JSON.parse
  const stringify = JSON.stringify
  const apply = Reflect.apply
  const isArray = Array.isArray
  const PromiseCtor = Promise
  const promiseResolve = Promise.resolve
  const then = Promise.prototype.then
  const ErrorCtor = Error
  const toText = (value: unknown, fallback: string) => {
    try {
      return String(value)
    } catch {
      return fallback
    }
  }
  const kindOf = (value: unknown) => (value === null ? 'null' : isArray(value) ? 'array' : typeof value)

  let scorer: unknown
  let input = 'null'
  let outcome: string | undefined

  const describeThrown = (error: unknown): string => {
    let name = 'thrown value'
    let message: string
    let stack = ''
    try {
      if (error !== null && typeof error === 'object') {
        // Getters and proxies run here: anything may throw.
        const e = error as { name?: unknown; message?: unknown; stack?: unknown }
        if (typeof e.name === 'string') name = e.name
        message = e.message === undefined ? toText(error, '(unprintable)') : toText(e.message, '')
        if (typeof e.stack === 'string') stack = e.stack
      } else {
        message = toText(error, '(unprintable)')
      }
    } catch {
      message = '(the thrown value could not be read)'
    }
    return stringify({ name, message, stack })
  }
  const fail = (error: unknown) => {
    outcome = `{"thrown":${describeThrown(error)}}`
  }
  const settle = (value: unknown) => {
    try {
      const kind = kindOf(value)
      if (kind === 'number' || kind === 'boolean') return void (outcome = stringify({ returned: { kind, value: String(value) } }))
      if (kind !== 'object') return void (outcome = stringify({ returned: { kind } }))
      const { score, pass, reason } = value as { score?: unknown; pass?: unknown; reason?: unknown }
      outcome = stringify({
        returned: {
          kind,
          score: typeof score === 'number' ? String(score) : null,
          scoreKind: kindOf(score),
          pass: typeof pass === 'boolean' ? pass : null,
          passKind: kindOf(pass),
          reason: typeof reason === 'string' ? reason : null,
          reasonKind: kindOf(reason),
        },
      })
    } catch (error) {
      fail(error)
    }
  }

  // Called by a script (not directly), so the time limit covers the call,
  // the parse and, for a synchronous scorer, reading its result.
  Object.defineProperty(global, '__weftRun', {
    value: function run() {
      outcome = undefined
      let value: unknown
      try {
        value = apply(scorer as (argument: unknown) => unknown, undefined, [parse(input)])
      } catch (error) {
        return fail(error)
      }
      try {
        const thenable = value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
        if (!thenable) return settle(value)
        apply(then, apply(promiseResolve, PromiseCtor, [value]), [settle, fail])
      } catch (error) {
        fail(error)
      }
    },
  })

  return Object.freeze({
    adopt(named: unknown, completion: unknown) {
      scorer = typeof named === 'function' ? named : typeof completion === 'function' ? completion : undefined
      return scorer !== undefined
    },
    receive(json: string) {
      input = json
      outcome = undefined
    },
    take() {
      return outcome
    },
    importDenied() {
      return new ErrorCtor('import() is not available in scorers')
    },
    describeThrown,
  })
}
