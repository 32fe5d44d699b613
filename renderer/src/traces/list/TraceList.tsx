/**
 * The trace list: virtualized rows (name, status, start, latency, spans,
 * tokens, cost, errors), optionally grouped by session, loading the next page
 * as the end scrolls into view. Up/Down move through it when it has focus.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react'
import type { ResponseOf } from '../../../../common/contract'
import { formatCost, formatDuration } from '../format'

type TraceSummary = ResponseOf<'traces.list'>['traces'][number]

const ROW_HEIGHT = 52
const HEADER_HEIGHT = 28

type Row = { type: 'trace'; trace: TraceSummary } | { type: 'session'; sessionId: string | null; count: number }

/** Rows to show: traces, or session headers each followed by its traces (sessions in order of their newest trace). */
export function listRows(traces: readonly TraceSummary[], groupBySession: boolean): Row[] {
  if (!groupBySession) return traces.map((trace) => ({ type: 'trace', trace }))
  const groups = new Map<string | null, TraceSummary[]>()
  for (const trace of traces) {
    const list = groups.get(trace.sessionId)
    if (list) list.push(trace)
    else groups.set(trace.sessionId, [trace])
  }
  const rows: Row[] = []
  for (const [sessionId, list] of groups) {
    rows.push({ type: 'session', sessionId, count: list.length })
    for (const trace of list) rows.push({ type: 'trace', trace })
  }
  return rows
}

/** A trace's feedback at a glance: ` · 2 good · 1 bad · correctness 0.75`. */
export function feedbackText(feedback: TraceSummary['feedback'] | undefined): string {
  if (!feedback || feedback.count === 0) return ''
  const parts: string[] = []
  if (feedback.up) parts.push(`${feedback.up} good`)
  if (feedback.down) parts.push(`${feedback.down} bad`)
  for (const [name, mean] of Object.entries(feedback.scores)) parts.push(`${name} ${Number.isInteger(mean) ? mean : mean.toFixed(2)}`)
  if (parts.length === 0) parts.push(`${feedback.count} note${feedback.count === 1 ? '' : 's'}`)
  return ` · ${parts.join(' · ')}`
}

/** Props of {@link TraceList}. */
export interface TraceListProps {
  traces: readonly TraceSummary[]
  groupBySession: boolean
  selectedId: string | null
  onSelect(traceId: string): void
  onEndReached(): void
  /** Test hook: jsdom has no layout, so the viewport height is given. */
  initialHeight?: number
}

/** The list. */
export function TraceList({ traces, groupBySession, selectedId, onSelect, onEndReached, initialHeight }: TraceListProps) {
  const rows = useMemo(() => listRows(traces, groupBySession), [traces, groupBySession])
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]!.type === 'session' ? HEADER_HEIGHT : ROW_HEIGHT),
    overscan: 8,
    initialRect: initialHeight ? { width: 400, height: initialHeight } : undefined,
  })
  const items = virtualizer.getVirtualItems()
  const last = items[items.length - 1]
  useEffect(() => {
    if (last && last.index >= rows.length - 5) onEndReached()
  }, [last, rows.length, onEndReached])

  const selectedIndex = rows.findIndex((r) => r.type === 'trace' && r.trace.traceId === selectedId)
  const move = (delta: number) => {
    for (let i = selectedIndex + delta; i >= 0 && i < rows.length; i += delta) {
      const row = rows[i]!
      if (row.type === 'trace') {
        onSelect(row.trace.traceId)
        virtualizer.scrollToIndex(i, { align: 'auto' })
        return
      }
    }
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') move(1)
    else if (event.key === 'ArrowUp') move(-1)
    else return
    event.preventDefault()
  }

  return (
    <div ref={scrollRef} className="trace-list" role="listbox" aria-label="Traces" tabIndex={0} data-testid="trace-list" onKeyDown={onKeyDown}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = rows[item.index]!
          const style = { position: 'absolute' as const, top: item.start, left: 0, right: 0, height: item.size }
          if (row.type === 'session') {
            return (
              <div key={`session-${row.sessionId ?? ''}`} className="trace-session" style={style}>
                {row.sessionId ? `Session ${row.sessionId}` : 'No session'} · {row.count}
              </div>
            )
          }
          const t = row.trace
          return (
            <button
              key={t.traceId}
              type="button"
              role="option"
              aria-selected={t.traceId === selectedId}
              className={`trace-row${t.traceId === selectedId ? ' selected' : ''}`}
              style={style}
              onClick={() => onSelect(t.traceId)}
            >
              <span className={`trace-status ${t.status}`} title={t.status} />
              <span className="trace-name">{t.rootName}</span>
              <span className="trace-meta" title={`${t.spanCount} spans${feedbackText(t.feedback)}`}>
                {new Date(t.startMs).toLocaleTimeString()} · {formatDuration(t.latencyMs)} · {t.spanCount} spans
                {t.totalTokens ? ` · ${t.totalTokens} tok` : ''}
                {t.costUsd ? ` · ${formatCost(t.costUsd)}` : ''}
                {t.errorCount ? ` · ${t.errorCount} error${t.errorCount === 1 ? '' : 's'}` : ''}
                {feedbackText(t.feedback)}
              </span>
            </button>
          )
        })}
      </div>
    </div>
  )
}
