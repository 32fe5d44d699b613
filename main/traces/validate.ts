/**
 * Span validation at ingest speed. `SpanInputSchema` (zod) is the definition;
 * this fast path accepts only spans it can prove the schema accepts and builds
 * the very same output, and hands anything else to zod — so zod's verdict and
 * its messages decide every doubtful case. Measured: zod alone is about 1.5 µs
 * a span, a sixth of the whole ingest budget at 100,000 spans a second.
 */
import { SPAN_KINDS, SpanInputSchema, type Span } from '../../common/schemas/span'
import type { ErrorIssue } from '../../common/errors'

const KINDS = new Set<string>(SPAN_KINDS)
const STATUSES = new Set(['ok', 'error', 'running'])

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const id = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 128
const time = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0
const nonNegInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0

const SPAN_KEYS = new Set(['id', 'traceId', 'parentId', 'name', 'kind', 'startMs', 'endMs', 'status', 'error', 'inputs', 'output', 'attributes', 'usage', 'costUsd', 'sessionId'])

/** The schema's output for `raw`, or null when the fast path cannot vouch for it. */
function fastSpan(raw: unknown): Span | null {
  if (!isObject(raw)) return null
  const r = raw
  // Unknown keys are stripped by zod; rare, so leave them to it.
  for (const key in r) if (!SPAN_KEYS.has(key)) return null
  if (!id(r.id) || !id(r.traceId)) return null
  const parentId = r.parentId === undefined ? null : r.parentId
  if (parentId !== null && !id(parentId)) return null
  if (typeof r.name !== 'string' || r.name.length < 1 || r.name.length > 1000) return null
  const kind = r.kind === undefined ? 'other' : r.kind
  if (typeof kind !== 'string' || !KINDS.has(kind)) return null
  if (!time(r.startMs)) return null
  const endMs = r.endMs === undefined ? null : r.endMs
  if (endMs !== null && !time(endMs)) return null
  const status = r.status === undefined ? 'ok' : r.status
  if (typeof status !== 'string' || !STATUSES.has(status)) return null
  let error: Span['error'] = null
  if (r.error !== undefined && r.error !== null) {
    const e = r.error
    if (!isObject(e) || typeof e.message !== 'string') return null
    for (const key in e) if (key !== 'message' && key !== 'type' && key !== 'stack') return null
    if (e.type !== undefined && typeof e.type !== 'string') return null
    if (e.stack !== undefined && typeof e.stack !== 'string') return null
    error = { message: e.message }
    if (e.type !== undefined) error.type = e.type
    if (e.stack !== undefined) error.stack = e.stack
  }
  const attributes = r.attributes === undefined ? {} : r.attributes
  if (!isObject(attributes)) return null
  const usage: Span['usage'] = {}
  if (r.usage !== undefined) {
    if (!isObject(r.usage)) return null
    for (const model in r.usage) {
      const u = r.usage[model]
      if (!isObject(u)) return null
      for (const key in u) if (key !== 'inputTokens' && key !== 'outputTokens') return null
      const inputTokens = u.inputTokens === undefined ? 0 : u.inputTokens
      const outputTokens = u.outputTokens === undefined ? 0 : u.outputTokens
      if (!nonNegInt(inputTokens) || !nonNegInt(outputTokens)) return null
      usage[model] = { inputTokens: inputTokens as number, outputTokens: outputTokens as number }
    }
  }
  const costUsd = r.costUsd === undefined ? null : r.costUsd
  if (costUsd !== null && !time(costUsd)) return null
  const sessionId = r.sessionId === undefined ? null : r.sessionId
  if (sessionId !== null && (typeof sessionId !== 'string' || sessionId.length > 256)) return null
  const span: Span = {
    id: r.id, traceId: r.traceId, parentId: parentId as string | null, name: r.name, kind: kind as Span['kind'],
    startMs: r.startMs, endMs: endMs as number | null, status: status as Span['status'], error,
    attributes: attributes as Span['attributes'], usage, costUsd: costUsd as number | null, sessionId: sessionId as string | null,
  }
  // zod keeps optional keys only when present.
  if ('inputs' in r) span.inputs = r.inputs
  if ('output' in r) span.output = r.output
  return span
}

/** Validates a batch; all spans, or the issues (with `index.field` paths) that refuse it. */
export function validateSpans(input: readonly unknown[]): { spans: Span[]; issues: ErrorIssue[] } {
  const issues: ErrorIssue[] = []
  const spans: Span[] = []
  input.forEach((raw, index) => {
    const fast = fastSpan(raw)
    if (fast) return void spans.push(fast)
    const parsed = SpanInputSchema.safeParse(raw)
    if (parsed.success) spans.push(parsed.data)
    else for (const issue of parsed.error.issues) issues.push({ path: [index, ...issue.path].join('.'), message: issue.message })
  })
  return { spans, issues }
}

/** For tests: the fast path alone. */
export const fastSpanForTest = fastSpan
