/**
 * The Traces section: how to connect an app, the newest traces (live), and
 * the opened trace as a tree with its spans' inputs, outputs and usage. Span
 * content is untrusted and only ever rendered as text.
 */
import { useEffect, useState } from 'react'
import { useClient } from '../api/ClientContext'
import '../styles/traces.css'
import { useProjectStore } from '../project/useProjectStore'
import { EmptyState } from '../ui/EmptyState'
import { ConnectPanel } from './ConnectPanel'
import { SpanDetail } from './SpanDetail'
import { formatCost, formatDuration } from './format'
import { loadTraces, openSpan, openTrace, resetTraces, rotateToken, useTracesStore } from './useTracesStore'

/** Reload at most this often while spans stream in. */
const REFRESH_MS = 1000

/** The section. */
export function TracesSection() {
  const client = useClient()
  const dir = useProjectStore((s) => s.project?.dir)
  const { info, traces, error, selectedTraceId, trace, selectedSpanId, arrived } = useTracesStore()
  const [connectOpen, setConnectOpen] = useState(false)

  useEffect(() => {
    resetTraces()
    if (!dir) return
    void loadTraces(client)
    let timer: ReturnType<typeof setTimeout> | null = null
    const stop = client.on('traces.added', (event) => {
      if (event.dir !== dir) return
      useTracesStore.setState((s) => ({ arrived: s.arrived + event.spans }))
      timer ??= setTimeout(() => {
        timer = null
        void loadTraces(client)
      }, REFRESH_MS)
    })
    return () => {
      stop()
      if (timer) clearTimeout(timer)
    }
  }, [client, dir])

  const empty = info !== null && traces.length === 0
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
      {error && (
        <p className="traces-error" role="alert">
          {error}
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
        <div className="traces-body">
          <div className="trace-list" role="listbox" aria-label="Traces" data-testid="trace-list">
            {traces.map((t) => (
              <button
                key={t.traceId}
                type="button"
                role="option"
                aria-selected={t.traceId === selectedTraceId}
                className={`trace-row${t.traceId === selectedTraceId ? ' selected' : ''}`}
                onClick={() => void openTrace(client, t.traceId)}
              >
                <span className={`trace-status ${t.status}`} title={t.status} />
                <span className="trace-name">{t.rootName}</span>
                <span className="trace-meta">
                  {new Date(t.startMs).toLocaleTimeString()} · {formatDuration(t.latencyMs)} · {t.spanCount} spans
                  {t.totalTokens ? ` · ${t.totalTokens} tok` : ''}
                  {t.costUsd ? ` · ${formatCost(t.costUsd)}` : ''}
                  {t.errorCount ? ` · ${t.errorCount} error${t.errorCount === 1 ? '' : 's'}` : ''}
                </span>
              </button>
            ))}
          </div>
          <div className="trace-detail">
            {!trace && <EmptyState title="Choose a trace">Its spans, with inputs, outputs, latency, tokens and cost.</EmptyState>}
            {trace && (
              <>
                <div className="span-tree" role="tree" aria-label="Spans" data-testid="span-tree">
                  {trace.spans.map((s) => {
                    const total = trace.trace.latencyMs ?? 1
                    const left = ((s.startMs - trace.trace.startMs) / Math.max(total, 1)) * 100
                    const width = ((s.subtreeLatencyMs ?? 0) / Math.max(total, 1)) * 100
                    return (
                      <button
                        key={s.id}
                        type="button"
                        role="treeitem"
                        aria-level={s.depth + 1}
                        aria-selected={s.id === selectedSpanId}
                        className={`span-row${s.id === selectedSpanId ? ' selected' : ''}${s.status === 'error' ? ' error' : ''}`}
                        onClick={() => void openSpan(client, trace.trace.traceId, s.id)}
                      >
                        <span className="span-name" style={{ paddingLeft: `${s.depth * 14}px` }}>
                          <span className={`kind-badge kind-${s.kind}`}>{s.kind}</span> {s.name}
                        </span>
                        <span className="span-bar-track" aria-hidden="true">
                          <span className="span-bar" style={{ left: `${Math.min(left, 100)}%`, width: `${Math.max(Math.min(width, 100 - left), 0.5)}%` }} />
                        </span>
                        <span className="span-figures">
                          {formatDuration(s.subtreeLatencyMs)}
                          {s.subtreeTokens ? ` · ${s.subtreeTokens} tok` : ''}
                        </span>
                      </button>
                    )
                  })}
                </div>
                <SpanDetail />
              </>
            )}
          </div>
        </div>
      )}
    </section>
  )
}
