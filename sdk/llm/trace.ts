/**
 * What every LLM integration shares: one `llm` span per API call, following
 * the vendor SDK's APIPromise without replacing it, and the guard against
 * double counting. Weave records a call twice when a client is both
 * auto-patched and wrapped (weave.md §2.6); here a call made while an
 * integration span is the current span is the same call seen by a second
 * layer (wrapper over patched prototype, or a wrapper wrapped again), so it
 * passes straight through. A marker on wrapped functions also stops
 * re-wrapping at the source.
 */
import { activeExporter, state } from '../client'
import { evaluating } from '../collect'
import { endSpan } from '../end'
import { stringifySafe } from '../serialize'
import { opIdentity, SpanRecord, storage, type Attributes, type OpIdentity } from '../span'
import { observeAsyncIterable, type StreamReducer } from '../streams'

/** How one API method is recorded. */
export interface LlmRecorder {
  /** Span name, e.g. `openai.chat.completions.create`. */
  name: string
  provider: string
  /** The request as the span's inputs (messages, model and parameters). */
  inputs(params: Record<string, unknown>): unknown
  /** A finished response: record usage (keyed by the model the response reports) and return the output. */
  output(response: Record<string, unknown>, span: SpanRecord): unknown
  /** A streamed response: the reducer that assembles the output and usage from chunks. */
  stream(params: Record<string, unknown>): StreamReducer
}

/** Marks functions made by this module, so wrapping twice is a no-op. */
export const LLM_WRAPPED = Symbol.for('weft.llm.wrapped')

type AnyFunction = (...args: unknown[]) => unknown

const identities = new WeakMap<LlmRecorder, OpIdentity>()

/** True when `value` is a stream a vendor SDK returned for `stream: true`. */
function isStream(value: unknown): value is object {
  return value !== null && typeof value === 'object' && typeof (value as Record<PropertyKey, unknown>)[Symbol.asyncIterator] === 'function'
}

/** Attributes every llm span carries, so the viewer can filter by provider and model. */
function baseAttributes(recorder: LlmRecorder, params: Record<string, unknown>): Attributes {
  const attributes: Attributes = { 'llm.provider': recorder.provider }
  if (typeof params.model === 'string') attributes['llm.request.model'] = params.model
  if (params.stream === true) attributes['llm.stream'] = true
  return attributes
}

/** Ends `span` from a resolved value; the first value wins (a parse may run twice, e.g. via withResponse). */
function settle(span: SpanRecord, recorder: LlmRecorder, params: Record<string, unknown>, value: unknown, seen: { done: boolean }): unknown {
  if (seen.done) return value
  seen.done = true
  try {
    if (isStream(value)) {
      observeAsyncIterable(span, value, recorder.stream(params))
      return value
    }
    const output = value !== null && typeof value === 'object' ? recorder.output(value as Record<string, unknown>, span) : value
    endSpan(span, undefined, false, output, true)
  } catch {
    endSpan(span, undefined, false, value, true)
  }
  return value
}

/** Follows the vendor's APIPromise in place (keeping `.withResponse()`, `.asResponse()`, `_thenUnwrap`). */
function follow(span: SpanRecord, recorder: LlmRecorder, params: Record<string, unknown>, result: unknown): unknown {
  const seen = { done: false }
  const fail = (error: unknown) => endSpan(span, error, true, undefined, false)
  const api = result as { parseResponse?: AnyFunction; responsePromise?: Promise<unknown>; then?: unknown }
  if (result !== null && typeof result === 'object' && typeof api.parseResponse === 'function' && api.responsePromise instanceof Promise) {
    // Every way of reading an APIPromise (then, parse, withResponse, _thenUnwrap by .parse()
    // helpers) goes through parseResponse; HTTP and connection errors reject responsePromise.
    const parseResponse = api.parseResponse
    api.parseResponse = async function (this: unknown, ...args: unknown[]) {
      try {
        return settle(span, recorder, params, await Reflect.apply(parseResponse, this, args), seen)
      } catch (error) {
        fail(error)
        throw error
      }
    }
    api.responsePromise.then(undefined, fail)
    return result
  }
  if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof api.then === 'function') {
    return Promise.resolve(result).then(
      (value) => settle(span, recorder, params, value, seen),
      (error: unknown) => {
        fail(error)
        throw error
      },
    )
  }
  return settle(span, recorder, params, result, seen)
}

/** Calls `original` as one llm span (or passes through when another integration layer already records this call). */
export function traceLlmCall(recorder: LlmRecorder, original: AnyFunction, thisArg: unknown, args: unknown[]): unknown {
  const exporter = state.initialized ? state.exporter : activeExporter()
  const parent = storage.getStore()
  // During evaluate() the call is recorded even with export off: scorers read the row's spans locally.
  if ((exporter === null && !evaluating()) || parent?.span?.integration !== undefined) return Reflect.apply(original, thisArg, args)
  let span: SpanRecord
  let params: Record<string, unknown>
  try {
    params = args[0] !== null && typeof args[0] === 'object' ? (args[0] as Record<string, unknown>) : {}
    span = new SpanRecord((identities.get(recorder) ?? identities.set(recorder, opIdentity(recorder.name, 'llm')).get(recorder))!, parent ?? state.rootScope)
    span.integration = recorder.provider
    for (const [key, value] of Object.entries(baseAttributes(recorder, params))) span.setAttribute(key, value)
    span.inputsJson = stringifySafe(recorder.inputs(params), state.limits)
  } catch {
    return Reflect.apply(original, thisArg, args)
  }
  let result: unknown
  try {
    result = storage.run(span, Reflect.apply, original, thisArg, args)
  } catch (error) {
    endSpan(span, error, true, undefined, false)
    throw error
  }
  try {
    return follow(span, recorder, params, result)
  } catch {
    return result
  }
}

/** Replaces `target[key]` on that object with a traced version; a no-op when it is one already. */
export function patchMethod(target: unknown, key: string, recorder: LlmRecorder): boolean {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return false
  const holder = target as Record<string, unknown>
  const original = holder[key]
  if (typeof original !== 'function' || (original as unknown as Record<symbol, unknown>)[LLM_WRAPPED]) return false
  const traced = function (this: unknown, ...args: unknown[]) {
    return traceLlmCall(recorder, original as AnyFunction, this, args)
  }
  Object.defineProperty(traced, LLM_WRAPPED, { value: true })
  Object.defineProperty(traced, 'name', { value: (original as AnyFunction).name })
  try {
    holder[key] = traced
    return true
  } catch {
    return false
  }
}
