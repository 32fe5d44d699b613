/**
 * The trace list: the filter bar's state, the loaded pages (cursor
 * pagination), and the live tail — new traces reload the first page while the
 * tail is on, and are only counted while it is paused, so the list (and the
 * window's memory) stays bounded however fast spans arrive.
 */
import { create } from 'zustand'
import type { ResponseOf } from '../../../../common/contract'
import type { WorkbenchClient } from '../../../../common/client'
import { EMPTY_FILTERS, toQuery, type TraceFilters } from './traceQuery'

type TraceSummary = ResponseOf<'traces.list'>['traces'][number]

/** Rows per page. */
export const PAGE_SIZE = 100
/** Pages kept at most; scrolling further loads more, older ones beyond this are not kept. */
export const MAX_ROWS = 5000

interface TraceListState {
  filters: TraceFilters
  /** The field the filter bar marks, and why. */
  invalid: { field: keyof TraceFilters; message: string } | null
  rows: TraceSummary[]
  nextCursor: string | null
  loading: boolean
  error: string | null
  /** Reload the first page as traces arrive. */
  live: boolean
  /** Traces that arrived while paused. */
  missed: number
  groupBySession: boolean
}

/** The store. */
export const useTraceListStore = create<TraceListState>(() => ({
  filters: EMPTY_FILTERS,
  invalid: null,
  rows: [],
  nextCursor: null,
  loading: false,
  error: null,
  live: true,
  missed: 0,
  groupBySession: false,
}))

let generation = 0

/** Loads the first page for the current filters (a newer call wins over an older one still running). */
export async function loadFirstPage(client: WorkbenchClient): Promise<void> {
  const mine = ++generation
  const built = toQuery(useTraceListStore.getState().filters, PAGE_SIZE)
  if ('field' in built) return void useTraceListStore.setState({ invalid: { field: built.field, message: built.message } })
  useTraceListStore.setState({ invalid: null, loading: true })
  try {
    const page = await client.call('traces.list', built.query)
    if (mine !== generation) return
    useTraceListStore.setState({ rows: page.traces, nextCursor: page.nextCursor, loading: false, error: null, missed: 0 })
  } catch (error) {
    if (mine === generation) useTraceListStore.setState({ loading: false, error: (error as Error).message })
  }
}

/** Appends the next page (scrolling reached the end). */
export async function loadMore(client: WorkbenchClient): Promise<void> {
  const { nextCursor, loading, filters, rows } = useTraceListStore.getState()
  if (!nextCursor || loading || rows.length >= MAX_ROWS) return
  const built = toQuery(filters, PAGE_SIZE)
  if ('field' in built) return
  const mine = generation
  useTraceListStore.setState({ loading: true })
  try {
    const page = await client.call('traces.list', { ...built.query, cursor: nextCursor })
    if (mine !== generation) return
    useTraceListStore.setState((s) => ({ rows: [...s.rows, ...page.traces], nextCursor: page.nextCursor, loading: false }))
  } catch (error) {
    if (mine === generation) useTraceListStore.setState({ loading: false, error: (error as Error).message })
  }
}

/** Changes filters and reloads. */
export function setFilters(client: WorkbenchClient, patch: Partial<TraceFilters>): void {
  useTraceListStore.setState((s) => ({ filters: { ...s.filters, ...patch } }))
  void loadFirstPage(client)
}

/** New spans arrived: reload while live (only the first page is replaced), count while paused. */
export function tracesArrived(client: WorkbenchClient, traceIds: number): void {
  const { live } = useTraceListStore.getState()
  if (live) void loadFirstPage(client)
  else useTraceListStore.setState((s) => ({ missed: s.missed + traceIds }))
}

/** Pauses or resumes the live tail; resuming catches up at once. */
export function setLive(client: WorkbenchClient, live: boolean): void {
  useTraceListStore.setState({ live })
  if (live) void loadFirstPage(client)
}

/** Back to an empty list (another project opened). */
export function resetTraceList(): void {
  generation++
  useTraceListStore.setState({ rows: [], nextCursor: null, loading: false, error: null, missed: 0, invalid: null })
}
