/**
 * Every evaluated row is a trace (issue 8): a root `evaluation` span for the
 * row × trial, the target call(s) under it, then one span per scorer (an
 * LLM judge's call under its scorer). The trace is what the trace viewer
 * opens from a results row, and what step and trajectory scorers read.
 */
import crypto from 'node:crypto'
import type { SpanInput } from '../../common/schemas/span'
import type { ScoredSpan } from './scorers/types'

/** A span as the engine records it: the trace id is the row's. */
export type RowSpan = Omit<SpanInput, 'traceId'> & { id: string; parentId: string | null }

/** Where a target or scorer records what it did. */
export interface RowTrace {
  readonly traceId: string
  /** The row's root span id (parent of the target and scorer spans). */
  readonly rootId: string
  /** A fresh span id. */
  newId(): string
  /** Records a finished span of this row. */
  add(span: RowSpan): void
  /** Spans recorded so far, in order. */
  readonly spans: readonly RowSpan[]
}

/**
 * Random hex ids: 16 bytes for a trace, 8 for a span (the W3C / OpenTelemetry
 * sizes, so traceparent works). Drawn from a pool refilled 4 KB at a time: a
 * `randomBytes` call per id was 4.5% of an evaluation's CPU (30,000 ids for
 * 5,000 rows).
 */
const POOL = Buffer.alloc(4096)
let used = POOL.length
function hex(bytes: number): string {
  if (used + bytes > POOL.length) {
    crypto.randomFillSync(POOL)
    used = 0
  }
  used += bytes
  return POOL.toString('hex', used - bytes, used)
}

/** Starts a row's trace. */
export function startRowTrace(): RowTrace {
  const spans: RowSpan[] = []
  return {
    traceId: hex(16),
    rootId: hex(8),
    newId: () => hex(8),
    add: (span) => void spans.push(span),
    spans,
  }
}

/**
 * Milliseconds since the epoch with sub-millisecond precision: a row's target
 * call and its first scorer often fall in the same millisecond, and the trace
 * viewer orders siblings by start.
 */
export const nowMs = (): number => performance.timeOrigin + performance.now()

/** The W3C `traceparent` header that makes an app's own spans children of `parentId` (the call's span) in the row's trace. */
export function traceparent(trace: RowTrace, parentId: string = trace.rootId): string {
  return `00-${trace.traceId}-${parentId}-01`
}

/** The target's spans as scorers see them (the step and trajectory levels), in start order. */
export function scoredSpans(spans: readonly RowSpan[]): ScoredSpan[] {
  return spans
    .map((s) => ({
      id: s.id, parentId: s.parentId, name: s.name, kind: s.kind ?? 'other', status: s.status ?? 'ok', startMs: s.startMs, endMs: s.endMs ?? null,
      ...(s.inputs === undefined ? {} : { inputs: s.inputs }), ...(s.output === undefined ? {} : { output: s.output }), attributes: s.attributes ?? {},
    }))
    .sort((a, b) => a.startMs - b.startMs)
}

/** The spans to store for one row: the root, then everything recorded under it. */
export function rowSpans(trace: RowTrace, root: Omit<RowSpan, 'id' | 'parentId'>): SpanInput[] {
  return [{ ...root, id: trace.rootId, parentId: null, traceId: trace.traceId }, ...trace.spans.map((s) => ({ ...s, traceId: trace.traceId }))]
}
