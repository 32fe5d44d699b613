/**
 * Spans of functions that return a stream: the span ends when the stream
 * does, and its output is what went through it (bounded). The app's object is
 * observed in place — same identity, same backpressure, same error semantics —
 * because a wrapper would lose methods of SDK stream classes (`controller`,
 * `tee()`, `toReadableStream()`).
 */
import { state } from './client'
import { endSpan } from './end'
import { storage, type SpanRecord } from './span'

/** Turns the chunks of a stream into the span's output; may also record usage on the span. */
export interface StreamReducer {
  add(chunk: unknown): void
  finish(span: SpanRecord): unknown
}

const MAX_CHUNKS = 10_000

/** The default reducer: text chunks joined into one string, anything else kept as a list (bounded). */
export function collectChunks(): StreamReducer {
  let text = ''
  let allText = true
  const items: unknown[] = []
  let skipped = 0
  const decoder = new TextDecoder()
  return {
    add(chunk) {
      if (chunk instanceof Uint8Array) chunk = decoder.decode(chunk, { stream: true })
      if (typeof chunk === 'string') {
        if (text.length < state.limits.maxStringChars) text += chunk
        else skipped++
      } else allText = false
      if (items.length < MAX_CHUNKS) items.push(chunk)
      else skipped++
    },
    finish() {
      if (allText) return text
      return skipped ? [...items, `[truncated] (${skipped} more chunks)`] : items
    },
  }
}

type AnyIterator = AsyncIterator<unknown> & { next: (...args: unknown[]) => Promise<IteratorResult<unknown>> }

function finish(span: SpanRecord, reducer: StreamReducer, error: unknown, failed: boolean, cancelled: boolean): void {
  if (span.ended) return
  if (cancelled) span.setAttribute('weft.stream.cancelled', true)
  let output: unknown
  try {
    output = reducer.finish(span)
  } catch {}
  endSpan(span, error, failed, output, true)
}

/** Observes an iterator's next/return/throw in place; nested ops started by the producer get `span` as parent. */
function patchIterator(span: SpanRecord, iterator: AnyIterator, reducer: StreamReducer): void {
  const next = iterator.next
  const ret = iterator.return
  const thr = iterator.throw
  const track = (promise: Promise<IteratorResult<unknown>>) =>
    Promise.resolve(promise).then(
      (result) => {
        try {
          if (result?.done) finish(span, reducer, undefined, false, false)
          else reducer.add(result?.value)
        } catch {}
        return result
      },
      (error: unknown) => {
        finish(span, reducer, error, true, false)
        throw error
      },
    )
  iterator.next = function (this: unknown, ...args: unknown[]) {
    return track(storage.run(span, Reflect.apply, next, this, args) as Promise<IteratorResult<unknown>>)
  }
  if (typeof ret === 'function') {
    iterator.return = function (this: unknown, ...args: unknown[]) {
      // `break` out of for-await: the consumer stopped early; the span ends with what it saw.
      finish(span, reducer, undefined, false, true)
      return Reflect.apply(ret, this, args) as Promise<IteratorResult<unknown>>
    }
  }
  if (typeof thr === 'function') {
    iterator.throw = function (this: unknown, ...args: unknown[]) {
      return track(Reflect.apply(thr, this, args) as Promise<IteratorResult<unknown>>)
    }
  }
}

/** True for Node readable streams (which are also async iterables, but emit events). */
export function isNodeReadable(value: object): value is NodeJS.ReadableStream & { emit: (...args: unknown[]) => boolean } {
  const v = value as Record<string, unknown>
  return typeof v.pipe === 'function' && typeof v.on === 'function' && typeof v.read === 'function' && typeof v.emit === 'function'
}

/** Ends `span` with the stream: 'data' chunks are collected, 'end'/'error'/'close' end it. */
export function observeNodeStream(span: SpanRecord, stream: { emit: (...args: unknown[]) => boolean }, reducer: StreamReducer = collectChunks()): void {
  const emit = stream.emit
  // Patching emit sees 'data' in flowing, paused and async-iterator modes alike, and adds no
  // listener: an 'error' nobody listens to still throws exactly as it would without Weft.
  stream.emit = function (this: unknown, event: unknown, ...args: unknown[]) {
    try {
      if (event === 'data') reducer.add(args[0])
      else if (event === 'end') finish(span, reducer, undefined, false, false)
      else if (event === 'error') finish(span, reducer, args[0], true, false)
      else if (event === 'close') finish(span, reducer, undefined, false, true)
    } catch {}
    return Reflect.apply(emit, this, [event, ...args]) as boolean
  }
}

/** Ends `span` when the async iterable is exhausted, fails or is abandoned with `break`. */
export function observeAsyncIterable(span: SpanRecord, iterable: object, reducer: StreamReducer = collectChunks()): void {
  const target = iterable as Record<PropertyKey, unknown>
  try {
    if (typeof target.next === 'function') {
      // An async generator (or any iterator that is its own iterable): patch it directly.
      patchIterator(span, target as unknown as AnyIterator, reducer)
      return
    }
    const open = target[Symbol.asyncIterator] as (this: unknown) => AnyIterator
    let opened = false
    target[Symbol.asyncIterator] = function (this: unknown) {
      const iterator = Reflect.apply(open, this, []) as AnyIterator
      // Only the first iteration belongs to the span; a second one (rare) is left alone.
      if (!opened) {
        opened = true
        patchIterator(span, iterator, reducer)
      }
      return iterator
    }
  } catch {
    // A frozen object: the span ends now rather than never.
    endSpan(span, undefined, false, '[stream]', true)
  }
}
