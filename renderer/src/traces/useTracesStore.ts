/**
 * The Traces section's state: where apps send spans, the newest traces (kept
 * fresh by `traces.added`), and the trace and span the user opened.
 */
import { create } from 'zustand'
import type { ResponseOf } from '../../../common/contract'
import type { WorkbenchClient } from '../../../common/client'
import { WeftError } from '../../../common/errors'

type IngestInfo = ResponseOf<'ingest.info'>
type TraceSummary = ResponseOf<'traces.list'>['traces'][number]
type TraceView = ResponseOf<'traces.get'>
type SpanView = ResponseOf<'spans.get'>['span']

/** Traces the list shows (the full viewer with filters and paging arrives with the trace viewer). */
export const TRACE_LIST_LIMIT = 200

interface TracesState {
  info: IngestInfo | null
  traces: TraceSummary[]
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
  traces: [],
  error: null,
  selectedTraceId: null,
  trace: null,
  selectedSpanId: null,
  span: null,
  arrived: 0,
}))

const message = (error: unknown) => (error instanceof WeftError || error instanceof Error ? error.message : String(error))

/** Loads the ingest info and the newest traces; keeps the open trace if it still exists. */
export async function loadTraces(client: WorkbenchClient): Promise<void> {
  try {
    const [info, list] = await Promise.all([client.call('ingest.info', {}), client.call('traces.list', { limit: TRACE_LIST_LIMIT })])
    useTracesStore.setState({ info, traces: list.traces, error: null })
    const open = useTracesStore.getState().selectedTraceId
    if (open) await openTrace(client, open, useTracesStore.getState().selectedSpanId)
  } catch (error) {
    useTracesStore.setState({ error: message(error) })
  }
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
  } catch (error) {
    useTracesStore.setState({ error: message(error), trace: null })
  }
}

/** Loads one span's full payload. */
export async function openSpan(client: WorkbenchClient, traceId: string, spanId: string): Promise<void> {
  useTracesStore.setState({ selectedSpanId: spanId })
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
  useTracesStore.setState({ info: null, traces: [], error: null, selectedTraceId: null, trace: null, selectedSpanId: null, span: null, arrived: 0 })
}
