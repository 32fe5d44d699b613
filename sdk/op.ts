/**
 * `op(fn)`: the traced version of a function. It returns what `fn` returns
 * (a sync function stays sync), throws what `fn` throws, and records one span
 * per call, parented through AsyncLocalStorage. This is the hot path: one
 * object per span, no closures per call, encoding once at the end.
 */
import { activeExporter, state } from './client'
import { evaluating } from './collect'
import { endSpan } from './end'
import { stringifySafe } from './serialize'
import { attributeScope, opIdentity, SpanRecord, storage, type Attributes, type SpanKind } from './span'
import { isNodeReadable, observeAsyncIterable, observeNodeStream, type StreamReducer } from './streams'

/** Options of {@link op}. */
export interface OpOptions {
  /** The span's name (default: the function's name). */
  name?: string
  /** What the op does (default `other`). */
  kind?: SpanKind
  /** Names for the arguments in the recorded inputs (default: read from the function's source, else `arg0`…). */
  paramNames?: readonly string[]
}

const KINDS = new Set<string>(['llm', 'tool', 'retrieval', 'chain', 'agent', 'embedding', 'evaluation', 'other'])
const OP_MARK = Symbol.for('weft.op')

/** Simple parameter names from a function's source; `undefined` where a parameter is not a plain identifier. */
export function readParamNames(fn: (...args: never[]) => unknown): (string | undefined)[] {
  let source: string
  try {
    source = Function.prototype.toString.call(fn)
  } catch {
    return []
  }
  const arrow = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source)
  if (arrow) return [arrow[1]]
  const list = /^[^(]*\(([^)]*)\)/.exec(source)?.[1]
  if (!list || !list.trim()) return []
  // A rest parameter gets no name: its values are recorded as argN.
  return list.split(',').map((part) => /^\s*([A-Za-z_$][\w$]*)\s*(?:=.*)?$/s.exec(part)?.[1])
}

/** The recorded inputs: `{ name: value }` by parameter name, `argN` where there is none. */
function encodeInputs(args: readonly unknown[], names: readonly (string | undefined)[]): string {
  const inputs: Record<string, unknown> = {}
  for (let i = 0; i < args.length; i++) {
    const name = names[i]
    inputs[name !== undefined && !(name in inputs) ? name : `arg${i}`] = args[i]
  }
  return stringifySafe(inputs, state.limits)
}

/** Ends `span` when `value` is final: now, when a stream ends, or never for an unknown thenable. */
export function settleValue(span: SpanRecord, value: unknown, reducer?: StreamReducer): unknown {
  if (value !== null && typeof value === 'object') {
    if (isNodeReadable(value)) {
      observeNodeStream(span, value, reducer)
      return value
    }
    if (typeof (value as Record<PropertyKey, unknown>)[Symbol.asyncIterator] === 'function') {
      observeAsyncIterable(span, value, reducer)
      return value
    }
  }
  endSpan(span, undefined, false, value, true)
  return value
}

async function settlePromise(span: SpanRecord, promise: Promise<unknown>): Promise<unknown> {
  let value: unknown
  try {
    value = await promise
  } catch (error) {
    endSpan(span, error, true, undefined, false)
    throw error
  }
  return settleValue(span, value)
}

/** Runs `fn` as `span` (its parent for nested ops) and ends the span when the result is final. */
export function runInSpan(span: SpanRecord, fn: (...args: never[]) => unknown, thisArg: unknown, args: unknown[]): unknown {
  let result: unknown
  try {
    result = storage.run(span, Reflect.apply, fn, thisArg, args)
  } catch (error) {
    endSpan(span, error, true, undefined, false)
    throw error
  }
  if (result instanceof Promise) return settlePromise(span, result)
  if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof (result as { then?: unknown }).then === 'function') {
    // A foreign thenable keeps its identity (and its extra methods); the span follows it.
    try {
      ;(result as PromiseLike<unknown>).then(
        (value) => void settleValue(span, value),
        (error: unknown) => endSpan(span, error, true, undefined, false),
      )
    } catch {}
    return result
  }
  return settleValue(span, result)
}

/**
 * Wraps `fn` so each call records a span. Sync functions stay sync; async
 * functions, async iterables and Node streams end their span when they settle.
 */
export function op<F extends (...args: never[]) => unknown>(fn: F, options: OpOptions = {}): F {
  if (typeof fn !== 'function') throw new TypeError('weft op() takes a function')
  if ((fn as unknown as Record<symbol, unknown>)[OP_MARK]) return fn
  const name = (options.name || fn.name || 'anonymous').slice(0, 1000)
  const identity = opIdentity(name, options.kind && KINDS.has(options.kind) ? options.kind : 'other')
  let names: readonly (string | undefined)[] | undefined = options.paramNames
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    const exporter = state.initialized ? state.exporter : activeExporter()
    // During evaluate() spans are made even with export off: scorers read the row's spans locally.
    if (exporter === null && !evaluating()) return Reflect.apply(fn, this, args)
    const span = new SpanRecord(identity, storage.getStore() ?? state.rootScope)
    if (args.length > 0) {
      try {
        span.inputsJson = encodeInputs(args, (names ??= readParamNames(fn)))
      } catch {}
    }
    return runInSpan(span, fn, this, args)
  }
  Object.defineProperty(traced, 'name', { value: name })
  Object.defineProperty(traced, OP_MARK, { value: true })
  return traced as unknown as F
}

/** Runs `fn` with `attributes` merged into every span started inside it (AsyncLocalStorage-scoped). */
export function withAttributes<T>(attributes: Attributes, fn: () => T): T {
  let scope
  try {
    scope = attributeScope(storage.getStore() ?? state.rootScope, attributes)
  } catch {
    return fn()
  }
  return storage.run(scope, fn)
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/

/**
 * Runs `fn` as a continuation of a trace from another process: ops started
 * inside become children of the span a W3C `traceparent` header names. An
 * app served over HTTP uses it so a caller's trace (a Weft evaluation row, an
 * OpenTelemetry client) holds the app's steps:
 *
 *     app.post('/answer', (req, res) => continueTrace(req.headers.traceparent, () => answer(req.body)).then(...))
 *
 * A missing or malformed header (or all-zero ids) runs `fn` unchanged.
 */
export function continueTrace<T>(traceparent: string | string[] | undefined | null, fn: () => T): T {
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return fn()
  const parent = storage.getStore() ?? state.rootScope
  return storage.run({ span: null, attributes: parent?.attributes, remote: { traceId: match[1]!, spanId: match[2]! } }, fn)
}

/** The span of the op running now, to add attributes or usage from inside it; undefined outside ops. */
export function currentSpan(): { id: string; traceId: string; setAttribute(key: string, value: unknown): void; addUsage(model: string, inputTokens: number, outputTokens: number): void } | undefined {
  return storage.getStore()?.span ?? undefined
}
