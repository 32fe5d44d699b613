/** What every door does with a body: parse JSON with a located error, and store spans reporting bad ones. */
import type { SpanInput } from '../../../common/schemas/span'
import { toWeftError } from '../../../common/errors'
import { errorReply } from './ingestServer'
import type { IngestProject, IngestReply } from './types'

/** Parses a JSON body; a syntax error becomes a 400 naming the position. */
export function parseJsonBody(body: Buffer): { ok: true; value: unknown } | { ok: false; reply: IngestReply } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown }
  } catch (error) {
    return { ok: false, reply: errorReply(400, `Body is not valid JSON: ${(error as Error).message}`) }
  }
}

/**
 * Stores a batch in one transaction (all or nothing) and announces it. A
 * batch with an invalid span is refused whole with the span's index and field,
 * so a client never has to guess which half was kept.
 */
export function recordSpans(project: IngestProject, spans: readonly SpanInput[], ok: (accepted: number) => IngestReply): IngestReply {
  try {
    project.traces.insertSpans(spans)
  } catch (error) {
    const weft = toWeftError(error)
    if (weft.code === 'INVALID_REQUEST') return errorReply(400, weft.message, weft.issues)
    throw error
  }
  if (spans.length > 0) project.spansAdded(uniqueTraceIds(spans), spans.length)
  return ok(spans.length)
}

function uniqueTraceIds(spans: readonly SpanInput[]): string[] {
  const ids = new Set<string>()
  for (const span of spans) if (typeof span.traceId === 'string') ids.add(span.traceId)
  return [...ids]
}
