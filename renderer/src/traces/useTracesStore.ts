/**
 * The Traces section's state: where apps send spans, the newest traces (kept
 * fresh by `traces.added`), and the trace and span the user opened.
 */
import { create } from 'zustand'
import type { ResponseOf } from '../../../common/contract'
import type { WorkbenchClient } from '../../../common/client'
import { WeftError } from '../../../common/errors'

type IngestInfo = ResponseOf<'ingest.info'>
type TraceView = ResponseOf<'traces.get'>
type SpanView = ResponseOf<'spans.get'>['span']

interface TracesState {
  info: IngestInfo | null
  error: string | null
  selectedTraceId: string | null
  trace: TraceView | null
  selectedSpanId: string | null
  span: SpanView | null
  /** How many spans arrived since the section was opened (the live counter). */
  arrived: number
}

/** The store. */
export const useTracesStore = create<TracesState>(() => ({
  info: null,
  error: null,
  selectedTraceId: null,
  trace: null,
  selectedSpanId: null,
  span: null,
  arrived: 0,
}))

const message = (error: unknown) => (error instanceof WeftError || error instanceof Error ? error.message : String(error))

/** Loads where apps send spans (and how many traces the project has). */
export async function loadIngestInfo(client: WorkbenchClient): Promise<void> {
  try {
    useTracesStore.setState({ info: await client.call('ingest.info', {}), error: null })
  } catch (error) {
    useTracesStore.setState({ error: message(error) })
  }
}

/** Re-reads the open trace (new spans may have arrived in it). */
export async function refreshOpenTrace(client: WorkbenchClient, traceIds: readonly string[]): Promise<void> {
  const { selectedTraceId, selectedSpanId } = useTracesStore.getState()
  if (selectedTraceId && traceIds.includes(selectedTraceId)) await openTrace(client, selectedTraceId, selectedSpanId)
}

/** The `#/traces/<trace>/<span>` deep link of a selection. */
export function traceHash(traceId: string, spanId?: string | null): string {
  return `#/traces/${encodeURIComponent(traceId)}${spanId ? `/${encodeURIComponent(spanId)}` : ''}`
}

/** The trace and span a `#/traces/<trace>/<span>` hash names, if any. */
export function parseTraceHash(hash: string): { traceId: string; spanId: string | null } | null {
  const [section, traceId, spanId] = hash.replace(/^#\/?/, '').split('/')
  if (section !== 'traces' || !traceId) return null
  return { traceId: decodeURIComponent(traceId), spanId: spanId ? decodeURIComponent(spanId) : null }
}

/** Opens a trace (and a span of it, by default its root). */
export async function openTrace(client: WorkbenchClient, traceId: string, spanId?: string | null): Promise<void> {
  useTracesStore.setState({ selectedTraceId: traceId })
  try {
    const trace = await client.call('traces.get', { traceId })
    if (useTracesStore.getState().selectedTraceId !== traceId) return
    useTracesStore.setState({ trace })
    const target = spanId && trace.spans.some((s) => s.id === spanId) ? spanId : (trace.spans[0]?.id ?? null)
    if (target) await openSpan(client, traceId, target)
    else window.history.replaceState(null, '', traceHash(traceId))
  } catch (error) {
    useTracesStore.setState({ error: message(error), trace: null })
  }
}

/** Loads one span's full payload. */
export async function openSpan(client: WorkbenchClient, traceId: string, spanId: string): Promise<void> {
  useTracesStore.setState({ selectedSpanId: spanId })
  // A deep link to what is open, without a history entry per click.
  window.history.replaceState(null, '', traceHash(traceId, spanId))
  try {
    const { span } = await client.call('spans.get', { traceId, spanId })
    if (useTracesStore.getState().selectedSpanId === spanId) useTracesStore.setState({ span })
  } catch (error) {
    useTracesStore.setState({ error: message(error), span: null })
  }
}

/** Replaces the ingest token and shows the new one. */
export async function rotateToken(client: WorkbenchClient): Promise<void> {
  try {
    useTracesStore.setState({ info: await client.call('ingest.rotateToken', {}) })
  } catch (error) {
    useTracesStore.setState({ error: message(error) })
  }
}

/** Forgets everything (another project opened). */
export function resetTraces(): void {
  useTracesStore.setState({ info: null, error: null, selectedTraceId: null, trace: null, selectedSpanId: null, span: null, arrived: 0 })
}
