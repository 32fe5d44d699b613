/**
 * Local copies of the spans of `evaluate()` rows, so scorers in the app's
 * process see the row's trace (step and trajectory checks) without asking
 * Weft. While an evaluation runs, ops record spans even when export is off
 * (no endpoint configured): scorers see the same spans either way.
 */
import type { ScoredSpan } from '../common/schemas/evals'

/** One step of a row's trace as scorers see it: Weft's ScoredSpan, plus what the SDK knows of a local span. */
export interface EvalSpan extends ScoredSpan {
  /** Present when the span failed. */
  error?: { message: string; type?: string }
  /** Token usage per model, when the span called one. */
  usage?: Record<string, { inputTokens: number; outputTokens: number }>
  costUsd?: number
}

/** Trace id → the encoded spans that ended in it (the wire text, parsed only when a scorer needs it). */
const collected = new Map<string, string[]>()
let evaluations = 0

/** Whether an evaluation runs: ops then make spans even without an exporter. One integer compare on the hot path. */
export function evaluating(): boolean {
  return evaluations > 0
}

/** Marks an evaluation as running (until the matching {@link endEvaluation}). */
export function beginEvaluation(): void {
  evaluations++
}

/** Marks an evaluation as done. */
export function endEvaluation(): void {
  evaluations = Math.max(0, evaluations - 1)
}

/** Starts keeping the spans of `traceId` that end from now on. */
export function collectTrace(traceId: string): void {
  collected.set(traceId, [])
}

/** Stops keeping `traceId`'s spans and forgets them. */
export function forgetTrace(traceId: string): void {
  collected.delete(traceId)
}

/** Called for every ended span with its wire text; keeps it when its trace is collected. */
export function collectSpan(traceId: string, text: string): void {
  if (collected.size === 0) return
  collected.get(traceId)?.push(text)
}

/** Whether spans of `traceId` are being kept (so an ended span is worth encoding without an exporter). */
export function isCollected(traceId: string): boolean {
  return collected.size > 0 && collected.has(traceId)
}

/** The ended spans of `traceId` below `rootId`, in pre-order (parents first, siblings by start), like `traces.get`. */
export function collectedSpans(traceId: string, rootId: string): EvalSpan[] {
  const spans: EvalSpan[] = []
  for (const text of collected.get(traceId) ?? []) {
    try {
      spans.push(toEvalSpan(JSON.parse(text) as Record<string, unknown>))
    } catch {}
  }
  const children = new Map<string | null, EvalSpan[]>()
  for (const span of spans) {
    const list = children.get(span.parentId)
    if (list) list.push(span)
    else children.set(span.parentId, [span])
  }
  const ordered: EvalSpan[] = []
  const visit = (parentId: string) => {
    for (const child of (children.get(parentId) ?? []).sort((a, b) => a.startMs - b.startMs)) {
      ordered.push(child)
      visit(child.id)
    }
  }
  visit(rootId)
  return ordered
}

/** A span's wire text (sdk/span.ts encodeSpan), parsed, as a scorer sees it. */
function toEvalSpan(wire: Record<string, unknown>): EvalSpan {
  const span: EvalSpan = {
    id: String(wire.id),
    parentId: typeof wire.parentId === 'string' ? wire.parentId : null,
    name: String(wire.name),
    kind: String(wire.kind),
    status: typeof wire.status === 'string' ? wire.status : 'ok',
    startMs: Number(wire.startMs),
    endMs: typeof wire.endMs === 'number' ? wire.endMs : null,
    attributes: (wire.attributes as Record<string, unknown> | undefined) ?? {},
  }
  if ('inputs' in wire) span.inputs = wire.inputs
  if ('output' in wire) span.output = wire.output
  if (wire.error) span.error = wire.error as EvalSpan['error']
  if (wire.usage) span.usage = wire.usage as EvalSpan['usage']
  if (typeof wire.costUsd === 'number') span.costUsd = wire.costUsd
  return span
}
