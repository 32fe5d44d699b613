/**
 * The OTLP door: an OTLP/HTTP JSON ExportTraceServiceRequest → Weft spans.
 * Reads the OpenTelemetry GenAI and OpenInference conventions; everything it
 * does not map is kept in `attributes`. Protobuf bodies are not handled here.
 *
 * `attributes` holds resource attributes, `otel.scope.name`/`version`, then the
 * span's own attributes (which win on a clash), `otel.span_kind`, and the
 * non-message span events as `otel.events`. Message payloads that became
 * `inputs`/`output` are removed so they are not stored twice.
 */
import type { SpanInput } from '../../common/schemas/span'
import { WeftError, type ErrorIssue } from '../../common/errors'
import { describeIssues, issuesFromZod } from '../../common/dispatch'
import { ExportEnvelopeSchema, MAX_DEPTH, OtlpSpanSchema, tooDeep, type OtlpSpan } from './otlp/schema'
import { attributesToRecord } from './otlp/values'
import { plainEvents, readGenAi, readOpenInference, type PlainEvent } from './otlp/conventions'

export { otlpAnyValue } from './otlp/values'

const SPAN_KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER']

/** Events already turned into inputs/output (the older GenAI event form). */
const MESSAGE_EVENT = /^gen_ai\.(system|user|assistant|tool)\.message$|^gen_ai\.choice$/

/** What an export held: the spans that map, and the paths and reasons of those that do not. */
export interface OtlpExport {
  spans: SpanInput[]
  /** One entry per issue of a rejected span (a span may have several). */
  rejected: ErrorIssue[]
  /** How many spans were rejected. */
  rejectedSpans: number
}

/**
 * Maps an OTLP/HTTP JSON trace export to spans, rejecting malformed spans one
 * by one (OTLP's partial success); a malformed envelope throws INVALID_REQUEST
 * with field paths.
 */
export function readOtlpExport(body: unknown): OtlpExport {
  const deep = tooDeep(body)
  if (deep) {
    const issue = { path: deep.join('.'), message: `nested deeper than ${MAX_DEPTH} levels` }
    throw new WeftError('INVALID_REQUEST', `Invalid OTLP trace export: ${describeIssues([issue])}`, [issue])
  }
  const parsed = ExportEnvelopeSchema.safeParse(body)
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error)
    throw new WeftError('INVALID_REQUEST', `Invalid OTLP trace export: ${describeIssues(issues)}`, issues)
  }
  const result: OtlpExport = { spans: [], rejected: [], rejectedSpans: 0 }
  parsed.data.resourceSpans?.forEach((resourceSpans, r) => {
    const resource = attributesToRecord(resourceSpans.resource?.attributes)
    resourceSpans.scopeSpans?.forEach((scopeSpans, c) => {
      const scope: Record<string, unknown> = {}
      if (scopeSpans.scope?.name) scope['otel.scope.name'] = scopeSpans.scope.name
      if (scopeSpans.scope?.version) scope['otel.scope.version'] = scopeSpans.scope.version
      scopeSpans.spans?.forEach((raw, i) => {
        const span = OtlpSpanSchema.safeParse(raw)
        if (span.success) return void result.spans.push(toSpan(span.data, { ...resource, ...scope }))
        result.rejectedSpans++
        const at = `resourceSpans.${r}.scopeSpans.${c}.spans.${i}`
        for (const issue of issuesFromZod(span.error)) result.rejected.push({ path: issue.path ? `${at}.${issue.path}` : at, message: issue.message })
      })
    })
  })
  return result
}

/** Maps an OTLP/HTTP JSON trace export to spans; any malformed span throws INVALID_REQUEST with its path. */
export function spansFromOtlpJson(body: unknown): SpanInput[] {
  const { spans, rejected } = readOtlpExport(body)
  if (rejected.length > 0) throw new WeftError('INVALID_REQUEST', `Invalid OTLP trace export: ${describeIssues(rejected)}`, rejected)
  return spans
}

function toSpan(span: OtlpSpan, inherited: Record<string, unknown>): SpanInput {
  const attrs: Record<string, unknown> = { ...inherited, ...attributesToRecord(span.attributes) }
  const events = plainEvents(span.events)
  // OpenInference first: its kinds (CHAIN, RETRIEVER) are finer than GenAI's.
  const oi = readOpenInference(attrs)
  const genAi = readGenAi(attrs, events)
  const model = oi.model ?? genAi.model
  const inputTokens = oi.inputTokens ?? genAi.inputTokens
  const outputTokens = oi.outputTokens ?? genAi.outputTokens

  if (span.kind !== undefined) attrs['otel.span_kind'] = typeof span.kind === 'number' ? (SPAN_KIND_NAMES[span.kind] ?? span.kind) : span.kind
  const kept = (span.events ?? []).filter((e) => !MESSAGE_EVENT.test(e.name))
  if (kept.length > 0) {
    attrs['otel.events'] = kept.map((e) => ({ name: e.name, timeMs: e.timeUnixNano ?? null, attributes: attributesToRecord(e.attributes) }))
  }

  const failed = span.status?.code === 2 || span.status?.code === 'STATUS_CODE_ERROR'
  const endMs = span.endTimeUnixNano ?? null
  const sessionId = oi.sessionId ?? genAi.sessionId
  return {
    id: span.spanId,
    traceId: span.traceId,
    parentId: span.parentSpanId,
    // SpanInputSchema caps names; an over-long name is still a valid span.
    name: span.name.slice(0, 1000),
    kind: oi.kind ?? genAi.kind ?? 'other',
    startMs: span.startTimeUnixNano ?? 0,
    // OTLP exports ended spans; a missing end is reported as running rather than invented.
    endMs,
    status: failed ? 'error' : endMs === null ? 'running' : 'ok',
    error: failed ? spanError(span.status?.message, events) : null,
    inputs: oi.inputs ?? genAi.inputs,
    output: oi.output ?? genAi.output,
    attributes: attrs,
    usage:
      inputTokens === undefined && outputTokens === undefined
        ? {}
        : { [model ?? 'unknown']: { inputTokens: inputTokens ?? 0, outputTokens: outputTokens ?? 0 } },
    costUsd: null,
    sessionId: sessionId && sessionId.length <= 256 ? sessionId : null,
  }
}

/** The error of a failed span: status message first, details from the last exception event. */
function spanError(statusMessage: string | undefined, events: readonly PlainEvent[]): NonNullable<SpanInput['error']> {
  const exception = events.filter((e) => e.name === 'exception').at(-1)?.attributes ?? {}
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
  const error: NonNullable<SpanInput['error']> = {
    message: text(statusMessage) ?? text(exception['exception.message']) ?? text(exception['exception.type']) ?? 'Span failed',
  }
  const type = text(exception['exception.type'])
  const stack = text(exception['exception.stacktrace'])
  if (type) error.type = type
  if (stack) error.stack = stack
  return error
}
