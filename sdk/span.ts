/**
 * A span while it runs, the AsyncLocalStorage scope that makes it the parent
 * of whatever starts inside it, and its wire encoding. Spans are encoded to
 * JSON text once, when they end, so the export queue holds compact strings
 * (cheap to count in bytes, to batch and to split) rather than object graphs.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { SpanInput } from '../common/schemas/span'
import { newSpanId, newTraceId } from './ids'
import { stringifySafe, type ValueLimits } from './serialize'

/** What a span does: llm, tool, retrieval, chain, agent, embedding, evaluation or other. */
export type SpanKind = NonNullable<SpanInput['kind']>

/** Attributes: any JSON-safe-ish values, made safe on export. */
export type Attributes = Record<string, unknown>

/** Token usage of one model. */
export interface ModelUsage {
  inputTokens: number
  outputTokens: number
}

/** What AsyncLocalStorage carries: the current span, if any, and the attributes in scope. */
export interface Scope {
  readonly span: SpanRecord | null
  readonly attributes: Attributes | undefined
  /** A parent in another process (an incoming W3C traceparent): spans started here join its trace. */
  readonly remote?: { readonly traceId: string; readonly spanId: string }
}

/** The one AsyncLocalStorage of the SDK (nesting and withAttributes). */
export const storage = new AsyncLocalStorage<Scope>()

// performance.now() is monotonic; adding the origin gives epoch milliseconds with sub-ms precision.
const origin = performance.timeOrigin

/** Milliseconds since the epoch, fractional. */
export function nowMs(): number {
  return origin + performance.now()
}

/**
 * Epoch milliseconds as JSON text with microsecond precision. Formatting a
 * double with its full ~17 digits costs ~3× more than this and adds bytes to
 * every span; sub-microsecond digits of a timestamp carry no information.
 */
export function formatMs(ms: number): string {
  const whole = Math.floor(ms)
  const micros = Math.floor((ms - whole) * 1000)
  return micros === 0 ? `${whole}` : `${whole}.${micros < 10 ? '00' : micros < 100 ? '0' : ''}${micros}`
}

/** What every span of one op shares, encoded once when the op is made rather than once per span. */
export interface OpIdentity {
  readonly kind: SpanKind
  /** `"name":…,"kind":…,"startMs":` — the constant middle of the span's JSON text. */
  readonly fields: string
}

/** The identity of spans named `name` of kind `kind`. */
export function opIdentity(name: string, kind: SpanKind): OpIdentity {
  return { kind, fields: `"name":${JSON.stringify(name)},"kind":"${kind}","startMs":` }
}

/** A running span. It is its own scope, so starting one allocates a single object. */
export class SpanRecord implements Scope {
  readonly id = newSpanId()
  readonly traceId: string
  readonly parentId: string | null
  readonly startMs = nowMs()
  /** Inherited attributes until the span sets one of its own (copy on write). */
  attributes: Attributes | undefined
  /** Set when an LLM integration made this span: a nested integration call passes through (no double counting). */
  integration: string | undefined
  inputsJson: string | undefined
  usage: Record<string, ModelUsage> | undefined
  costUsd: number | undefined
  ended = false
  private ownAttributes = false

  constructor(
    readonly identity: OpIdentity,
    parent: Scope | undefined,
  ) {
    const parentSpan = parent?.span
    const remote = parentSpan ? undefined : parent?.remote
    this.traceId = parentSpan ? parentSpan.traceId : (remote?.traceId ?? newTraceId())
    this.parentId = parentSpan ? parentSpan.id : (remote?.spanId ?? null)
    this.attributes = parent?.attributes
  }

  get span(): SpanRecord {
    return this
  }

  /** Sets one attribute on this span only. */
  setAttribute(key: string, value: unknown): void {
    if (!this.ownAttributes) {
      this.attributes = { ...this.attributes }
      this.ownAttributes = true
    }
    this.attributes![key] = value
  }

  /** Adds tokens to a model's usage (keyed by the model the response reports). */
  addUsage(model: string, inputTokens: number, outputTokens: number): void {
    this.usage ??= {}
    const current = (this.usage[model] ??= { inputTokens: 0, outputTokens: 0 })
    current.inputTokens += Math.max(0, Math.round(inputTokens) || 0)
    current.outputTokens += Math.max(0, Math.round(outputTokens) || 0)
  }
}

/** The scope `withAttributes` installs: same span, more attributes. */
export function attributeScope(parent: Scope | undefined, attributes: Attributes): Scope {
  return { span: parent?.span ?? null, attributes: { ...parent?.attributes, ...attributes }, ...(parent?.remote ? { remote: parent.remote } : {}) }
}

/** An error as the span schema records it. */
export function describeThrown(error: unknown): { message: string; type?: string; stack?: string } {
  if (error instanceof Error) {
    // SDK error classes often keep name 'Error'; their class name says more (BadRequestError).
    const type = error.name && error.name !== 'Error' ? error.name : error.constructor?.name || error.name
    const out: { message: string; type?: string; stack?: string } = { message: String(error.message), type }
    if (typeof error.stack === 'string') out.stack = error.stack
    return out
  }
  let message: string
  try {
    message = typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error))
  } catch {
    message = String(error)
  }
  return { message, type: typeof error }
}

/** The span's JSON text as sent (one element of the batch's `spans`). */
export function encodeSpan(span: SpanRecord, endMs: number, error: unknown, failed: boolean, output: unknown, hasOutput: boolean, limits: ValueLimits): string {
  // Hand-built for speed: the fixed fields need no escaping (hex ids, numbers, a known kind, a pre-encoded name).
  // Fields equal to the schema's defaults (parentId null, status ok) are left out: every byte is paid per span.
  let text = `{"id":"${span.id}","traceId":"${span.traceId}",${span.parentId === null ? '' : `"parentId":"${span.parentId}",`}${span.identity.fields}${formatMs(span.startMs)},"endMs":${formatMs(endMs)}`
  if (failed) text += `,"status":"error","error":${stringifySafe(describeThrown(error), limits)}`
  if (span.inputsJson !== undefined) text += `,"inputs":${span.inputsJson}`
  if (hasOutput) text += `,"output":${stringifySafe(output, limits)}`
  const attributes = span.attributes
  if (attributes !== undefined) {
    text += `,"attributes":${stringifySafe(attributes, limits)}`
    const session = attributes.sessionId
    if (typeof session === 'string' && session.length > 0 && session.length <= 256) text += `,"sessionId":${JSON.stringify(session)}`
  }
  if (span.usage !== undefined) text += `,"usage":${JSON.stringify(span.usage)}`
  if (span.costUsd !== undefined && Number.isFinite(span.costUsd) && span.costUsd >= 0) text += `,"costUsd":${span.costUsd}`
  return `${text}}`
}
