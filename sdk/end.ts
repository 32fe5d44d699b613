/**
 * Ending a span: encode it once and hand it to the exporter (and, for a row
 * of `evaluate()`, to its local collection). The one place a span leaves the
 * app's call path, so it swallows every failure.
 */
import { state } from './client'
import { collectSpan, isCollected } from './collect'
import { encodeSpan, nowMs, type SpanRecord } from './span'

/** Ends `span` (idempotent) and queues it for export. Never throws. */
export function endSpan(span: SpanRecord, error: unknown, failed: boolean, output: unknown, hasOutput: boolean): void {
  if (span.ended) return
  span.ended = true
  const exporter = state.exporter
  const collect = isCollected(span.traceId)
  if (exporter === null && !collect) return
  try {
    const text = encodeSpan(span, nowMs(), error, failed, output, hasOutput && output !== undefined, state.limits)
    exporter?.enqueue(text)
    if (collect) collectSpan(span.traceId, text)
  } catch {}
}
