/**
 * A trace's spans as a virtualized tree beside a waterfall timeline: only the
 * rows in view are in the DOM, so 10,000 spans scroll like 20. Collapsing,
 * expanding and searching each cost at most one O(n) pass and never recurse.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { ResponseOf } from '../../../../common/contract'
import '../../styles/span-tree.css'
import { formatDuration } from '../format'
import { SpanSearchBox, nextMatch, useSpanSearch } from './SpanSearch'
import { SpanRow } from './SpanRow'
import { TimeRuler } from './TimeRuler'
import { barGeometry, clampView, formatOffset, fullView, zoomView, type TimeView } from './timeScale'
import { treeKeyAction } from './treeKeys'
import { useWaterfallGestures } from './useWaterfallGestures'
import { ancestorIds, hasChildren, hiddenSummary, indexTree, nearestShown, rowPositions, visibleRows } from './visibleRows'

type TraceView = ResponseOf<'traces.get'>

/** The fields of a trace summary the tree reads. */
export type TraceTiming = Pick<TraceView['trace'], 'traceId' | 'startMs' | 'latencyMs'>

/** Height of one row in pixels. */
export const ROW_HEIGHT = 26

/** What the tree shows and whom it tells. */
export interface SpanTreeProps {
  /** The trace (a `traces.get` summary will do); only these fields are read. */
  trace: TraceTiming
  /** The trace's spans in pre-order, as `traces.get` returns them. */
  spans: TraceView['spans']
  selectedId: string | null
  onSelect: (id: string) => void
  /** The `f` key (add feedback to the selected span). */
  onFeedbackKey?: () => void
}

/** The trace's duration: its latency, or the latest end (or start) among its spans while it runs. */
function traceDuration(trace: TraceTiming, spans: TraceView['spans']): number {
  if (trace.latencyMs !== null && trace.latencyMs > 0) return trace.latencyMs
  let end = trace.startMs
  for (const s of spans) end = Math.max(end, s.endMs ?? s.startMs)
  return end - trace.startMs
}

/** The span tree with its waterfall. */
export function SpanTree({ trace, spans, selectedId, onSelect, onFeedbackKey }: SpanTreeProps) {
  const domId = useId()
  const index = useMemo(() => indexTree(spans), [spans])
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set())
  const rows = useMemo(() => visibleRows(spans, index, collapsed), [spans, index, collapsed])
  const positions = useMemo(() => rowPositions(spans.length, rows), [spans.length, rows])
  const duration = useMemo(() => traceDuration(trace, spans), [trace, spans])
  // Null: the whole trace, however long it grows while it runs.
  const [zoomed, setZoomed] = useState<TimeView | null>(null)
  const view = zoomed ?? fullView(duration)
  const search = useSpanSearch(spans)
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null)
  const rootRef = useRef<HTMLDivElement>(null)
  const scrollRef = useRef<HTMLDivElement>(null)
  const rulerRef = useRef<HTMLDivElement>(null)
  const searchRef = useRef<HTMLInputElement>(null)

  // A new trace starts expanded and fully in view.
  const [shownTrace, setShownTrace] = useState(trace.traceId)
  if (shownTrace !== trace.traceId) {
    setShownTrace(trace.traceId)
    setCollapsed(new Set())
    setZoomed(null)
  }
  const setView = useCallback((update: (view: TimeView) => TimeView) => setZoomed((v) => clampView(update(v ?? fullView(duration)), duration)), [duration])
  useWaterfallGestures(rootRef, rulerRef, duration, setView)

  const selected = selectedId === null ? -1 : (index.indexOf.get(selectedId) ?? -1)
  // A span selected from outside (a deep link, the detail pane) is revealed: its collapsed ancestors open.
  const [revealed, setRevealed] = useState(selectedId)
  if (revealed !== selectedId) {
    setRevealed(selectedId)
    if (selected >= 0 && collapsed.size > 0) {
      const hiddenBy = new Set(ancestorIds(spans, index, selected).filter((id) => collapsed.has(id)))
      if (hiddenBy.size) setCollapsed(new Set([...collapsed].filter((id) => !hiddenBy.has(id))))
    }
  }
  // A selected span inside a collapsed subtree is represented by its nearest shown ancestor.
  const current = selected < 0 ? -1 : nearestShown(index, positions, selected)
  const currentPos = current < 0 ? -1 : positions[current]!

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the virtualizer re-renders this component itself
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 })
  useEffect(() => {
    if (currentPos >= 0) virtualizer.scrollToIndex(currentPos, { align: 'auto' })
  }, [currentPos, virtualizer])

  const toggle = useCallback(
    (i: number) =>
      setCollapsed((prev) => {
        const next = new Set(prev)
        const id = spans[i]!.id
        if (!next.delete(id)) next.add(id)
        return next
      }),
    [spans],
  )
  // Rows get a stable callback even when the parent passes a new onSelect each render, so they stay memoized.
  const onSelectRef = useRef(onSelect)
  useEffect(() => {
    onSelectRef.current = onSelect
  })
  const selectRow = useCallback((id: string) => onSelectRef.current(id), [])
  const onHover = useCallback((i: number, x: number, y: number) => setHover(i < 0 ? null : { i, x, y }), [])

  const gotoMatch = (backwards: boolean) => {
    const to = nextMatch(search.currentMatches(), selected, backwards)
    // Selecting it opens its collapsed ancestors (see `revealed`).
    if (to >= 0) onSelect(spans[to]!.id)
  }
  const closeSearch = () => {
    search.setOpen(false)
    scrollRef.current?.focus()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    if (event.key === '/') {
      event.preventDefault()
      // A new box focuses itself as it mounts; an open one is focused again.
      if (search.open) searchRef.current?.focus()
      else search.setOpen(true)
      return
    }
    if (event.key === 'f' || event.key === 'F') {
      if (onFeedbackKey) {
        event.preventDefault()
        onFeedbackKey()
      }
      return
    }
    if (event.key === 'Escape' && search.open) return closeSearch()
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1)
    const action = treeKeyAction(event.key, { index, rows, positions, current, pageRows, isCollapsed: (i) => collapsed.has(spans[i]!.id) })
    if (!action) return
    event.preventDefault()
    if ('select' in action) onSelect(spans[action.select]!.id)
    else toggle('collapse' in action ? action.collapse : action.expand)
  }

  const items = virtualizer.getVirtualItems()
  const hovered = hover ? spans[hover.i] : undefined
  return (
    <div className="st-root" ref={rootRef} data-testid="span-tree-root">
      {search.open && (
        <SpanSearchBox
          inputRef={searchRef}
          query={search.query}
          onQuery={search.setQuery}
          matchCount={search.matches.length}
          place={selected >= 0 && search.isMatch[selected] ? search.matches.indexOf(selected) + 1 : 0}
          onNext={gotoMatch}
          onClose={closeSearch}
        />
      )}
      <TimeRuler rulerRef={rulerRef} view={view} durationMs={duration} onZoom={(f) => setView((v) => zoomView(v, f, duration))} onFit={() => setZoomed(null)} />
      <div
        ref={scrollRef}
        className="st-scroll"
        role="tree"
        aria-label="Spans"
        aria-activedescendant={currentPos >= 0 && items.some((it) => it.index === currentPos) ? `${domId}-${current}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="span-tree"
      >
        <div className="st-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const i = rows[item.index]!
            const span = spans[i]!
            const parent = hasChildren(index, i)
            const isCollapsed = parent && collapsed.has(span.id)
            const summary = isCollapsed ? hiddenSummary(index, i, span.subtreeErrorCount, span.status === 'error') : null
            const bar = barGeometry(span.startMs, span.endMs, trace.startMs, duration, view)
            const subtree = isCollapsed && span.subtreeLatencyMs !== null ? barGeometry(span.startMs, span.startMs + span.subtreeLatencyMs, trace.startMs, duration, view) : null
            return (
              <SpanRow
                key={span.id}
                span={span}
                spanIndex={i}
                domId={`${domId}-${i}`}
                top={item.start}
                height={ROW_HEIGHT}
                expanded={parent ? !isCollapsed : undefined}
                selected={i === current}
                match={search.isMatch[i] ?? 0}
                hiddenCount={summary?.hidden ?? 0}
                hiddenErrors={summary?.errors ?? 0}
                barLeft={bar.left}
                barWidth={bar.width}
                subtreeLeft={subtree?.left ?? 0}
                subtreeWidth={subtree?.width ?? 0}
                onSelect={selectRow}
                onToggle={toggle}
                onHover={onHover}
              />
            )
          })}
        </div>
      </div>
      {hover && hovered && (
        <div className="st-tooltip" role="tooltip" style={{ left: hover.x + 12, top: hover.y + 12 }}>
          <strong>{hovered.name}</strong>
          <span>{formatDuration(hovered.endMs === null ? null : hovered.endMs - hovered.startMs)}</span>
          <span>starts at +{formatOffset(hovered.startMs - trace.startMs)}</span>
          {hovered.error && <span className="st-tooltip-error">{hovered.error.message}</span>}
        </div>
      )}
    </div>
  )
}
