/**
 * Ending a span: encode it once and hand it to the exporter. The one place a
 * span leaves the app's call path, so it swallows every failure.
 */
import { state } from './client'
import { encodeSpan, nowMs, type SpanRecord } from './span'

/** Ends `span` (idempotent) and queues it for export. Never throws. */
export function endSpan(span: SpanRecord, error: unknown, failed: boolean, output: unknown, hasOutput: boolean): void {
  if (span.ended) return
  span.ended = true
  const exporter = state.exporter
  if (exporter === null) return
  try {
    exporter.enqueue(encodeSpan(span, nowMs(), error, failed, output, hasOutput && output !== undefined, state.limits))
  } catch {}
}
