/**
 * The Traces section: how to connect an app, the newest traces (live), and
 * the opened trace as a tree with its spans' inputs, outputs and usage. Span
 * content is untrusted and only ever rendered as text.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { useClient } from '../api/ClientContext'
import '../styles/traces.css'
import { useProjectStore } from '../project/useProjectStore'
import { EmptyState } from '../ui/EmptyState'
import { ConnectPanel } from './ConnectPanel'
import { SpanDetail } from './SpanDetail'
import { SpanTree } from './tree/SpanTree'
import { FilterBar } from './list/FilterBar'
import { TraceList } from './list/TraceList'
import { isFiltered } from './list/traceQuery'
import { loadFirstPage, loadMore, resetTraceList, setFilters, setLive, tracesArrived, useTraceListStore } from './list/useTraceListStore'
import { loadIngestInfo, openSpan, openTrace, parseTraceHash, refreshOpenTrace, resetTraces, rotateToken, useTracesStore } from './useTracesStore'

/** Reload at most this often while spans stream in. */
const REFRESH_MS = 1000
/** The list refreshes for new feedback at most this often (a person's thumb shows at once; a rule's thousands of scores do not flood it). */
const FEEDBACK_REFRESH_MS = 250

/** The section. */
export function TracesSection() {
  const client = useClient()
  const dir = useProjectStore((s) => s.project?.dir)
  const { info, error, selectedTraceId, trace, selectedSpanId, arrived } = useTracesStore()
  const list = useTraceListStore()
  const [connectOpen, setConnectOpen] = useState(false)
  const feedbackRef = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    resetTraces()
    resetTraceList()
    if (!dir) return
    void loadIngestInfo(client)
    void loadFirstPage(client)
    // A deep link (#/traces/<trace>/<span>) opens that trace.
    const linked = parseTraceHash(window.location.hash)
    if (linked) void openTrace(client, linked.traceId, linked.spanId)
    let timer: ReturnType<typeof setTimeout> | null = null
    let touched = new Set<string>()
    let count = 0
    const stop = client.on('traces.added', (event) => {
      if (event.dir !== dir) return
      useTracesStore.setState((s) => ({ arrived: s.arrived + event.spans }))
      for (const id of event.traceIds) touched.add(id)
      count += event.traceIds.length
      // Coalesced: however fast spans arrive, the list and the open trace reload at most once a second.
      timer ??= setTimeout(() => {
        timer = null
        const ids = [...touched]
        const arrivedTraces = count
        touched = new Set()
        count = 0
        tracesArrived(client, arrivedTraces)
        void loadIngestInfo(client)
        void refreshOpenTrace(client, ids)
      }, REFRESH_MS)
    })
    // Feedback shows in the list's rows: refresh them (the live tail decides whether now or on resume).
    // Online rules score thousands of spans a second, each a feedback.changed: one refresh per FEEDBACK_REFRESH_MS at most.
    let feedbackTimer: ReturnType<typeof setTimeout> | null = null
    const stopFeedback = client.on('feedback.changed', () => {
      feedbackTimer ??= setTimeout(() => {
        feedbackTimer = null
        tracesArrived(client, 0)
      }, FEEDBACK_REFRESH_MS)
    })
    return () => {
      stop()
      stopFeedback()
      if (timer) clearTimeout(timer)
      if (feedbackTimer) clearTimeout(feedbackTimer)
    }
  }, [client, dir])

  const onSelect = useCallback((traceId: string) => void openTrace(client, traceId), [client])
  const onEndReached = useCallback(() => void loadMore(client), [client])
  const filtered = isFiltered(list.filters)
  const empty = info !== null && info.traceCount === 0 && list.rows.length === 0
  return (
    <section className="section-page" aria-labelledby="section-title">
      <header className="section-header traces-header">
        <h1 id="section-title">Traces</h1>
        {info && (
          <span className="traces-live" data-testid="traces-live" title={info.url ? `Receiving at ${info.url}` : (info.error ?? '')}>
            <span className={`live-dot${info.url ? ' on' : ''}`} aria-hidden="true" />
            {info.url ? `Receiving · ${info.traceCount} traces${arrived ? ` · ${arrived} new spans` : ''}` : 'Not receiving'}
          </span>
        )}
        <span className="spacer" />
        {!empty && info && (
          <button type="button" className="btn btn-small" aria-expanded={connectOpen} onClick={() => setConnectOpen(!connectOpen)}>
            Connect an app
          </button>
        )}
      </header>
      {(error ?? list.error) && (
        <p className="traces-error" role="alert">
          {error ?? list.error}
        </p>
      )}
      {info && (empty || connectOpen) && (
        <div className={empty ? 'section-body section-body-padded traces-empty' : 'connect-drawer'}>
          {empty && (
            <EmptyState title="No traces yet">
              <p>Send spans from an app with the Weft SDK, any OpenTelemetry exporter, or the unchanged W&amp;B Weave SDK. They appear here as they arrive.</p>
            </EmptyState>
          )}
          <ConnectPanel info={info} onRotate={() => void rotateToken(client)} />
        </div>
      )}
      {!empty && (
        <FilterBar
          filters={list.filters}
          invalid={list.invalid}
          onChange={(patch) => setFilters(client, patch)}
          live={list.live}
          missed={list.missed}
          onLive={(live) => setLive(client, live)}
          groupBySession={list.groupBySession}
          onGroupBySession={(groupBySession) => useTraceListStore.setState({ groupBySession })}
        />
      )}
      {!empty && (
        <div className="traces-body">
          <div className="trace-list-pane">
            {list.rows.length === 0 && !list.loading ? (
              <EmptyState title={filtered ? 'No traces match' : 'No traces'}>{filtered ? 'Change or clear the filters.' : 'Traces appear here as they arrive.'}</EmptyState>
            ) : (
              <TraceList traces={list.rows} groupBySession={list.groupBySession} selectedId={selectedTraceId} onSelect={onSelect} onEndReached={onEndReached} />
            )}
          </div>
          <div className="trace-detail">
            {!trace && <EmptyState title="Choose a trace">Its spans, with inputs, outputs, latency, tokens and cost.</EmptyState>}
            {trace && (
              <>
                <SpanTree
                  trace={trace.trace}
                  spans={trace.spans}
                  selectedId={selectedSpanId}
                  onSelect={(id) => void openSpan(client, trace.trace.traceId, id)}
                  onFeedbackKey={() => feedbackRef.current?.focus()}
                />
                <SpanDetail ref={feedbackRef} />
              </>
            )}
          </div>
        </div>
      )}
    </section>
  )
}
