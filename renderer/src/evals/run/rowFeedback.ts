/** Human feedback on a result row: it goes on the row's trace root span (found once per trace). */
import type { WorkbenchClient } from '../../../../common/client'

const rootSpans = new Map<string, string>()

/** The root span id of a trace (the first span `traces.get` returns). */
export async function rootSpanOf(client: WorkbenchClient, traceId: string): Promise<string> {
  const known = rootSpans.get(traceId)
  if (known) return known
  const { spans } = await client.call('traces.get', { traceId })
  const root = spans[0]?.id
  if (!root) throw new Error(`Trace ${traceId} has no spans yet`)
  rootSpans.set(traceId, root)
  return root
}

/** Adds a thumb (1 or -1) or a note to a row's trace. */
export async function addRowFeedback(client: WorkbenchClient, traceId: string, feedback: { thumb: 1 | -1 } | { note: string }): Promise<void> {
  const spanId = await rootSpanOf(client, traceId)
  if ('thumb' in feedback) await client.call('feedback.add', { traceId, spanId, kind: 'thumbs', value: feedback.thumb })
  else await client.call('feedback.add', { traceId, spanId, kind: 'note', note: feedback.note })
}
