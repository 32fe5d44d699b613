/**
 * One row of the span tree: indentation, expand/collapse toggle, kind badge,
 * name, rolled-up latency, tokens and cost, and the span's bar on the
 * waterfall. A collapsed row says what it hides, errors included.
 */
import { memo } from 'react'
import type { ResponseOf } from '../../../../common/contract'
import { formatCost, formatDuration } from '../format'

type TraceNode = ResponseOf<'traces.get'>['spans'][number]

/** Pixels per depth level; past {@link MAX_INDENT_LEVELS} the depth is written instead (chains run 10,000 deep). */
export const INDENT_PX = 12
/** Depth beyond which indentation stops growing. */
export const MAX_INDENT_LEVELS = 16

/** What a row shows; every prop is a primitive or stable, so unchanged rows skip rendering while scrolling. */
export interface SpanRowProps {
  span: TraceNode
  spanIndex: number
  domId: string
  top: number
  height: number
  /** Undefined for a leaf. */
  expanded: boolean | undefined
  selected: boolean
  /** 0: not a match, 1: a search match. */
  match: number
  /** Spans hidden under this row when it is collapsed (else 0). */
  hiddenCount: number
  /** Errors among the hidden spans. */
  hiddenErrors: number
  /** The span's bar, in percent of the timeline column (see `barGeometry`); numbers, so memo compares them. */
  barLeft: number
  barWidth: number
  /** The whole subtree's extent, drawn under a collapsed row's own bar (width 0: none). */
  subtreeLeft: number
  subtreeWidth: number
  onSelect: (id: string) => void
  onToggle: (spanIndex: number) => void
  onHover: (spanIndex: number, x: number, y: number) => void
}

/** A treeitem row. */
export const SpanRow = memo(function SpanRow(p: SpanRowProps) {
  const { span } = p
  const failed = span.status === 'error' || span.error !== null
  const level = Math.min(span.depth, MAX_INDENT_LEVELS)
  const classes = ['st-row']
  if (p.selected) classes.push('selected')
  if (failed) classes.push('error')
  if (p.hiddenErrors > 0) classes.push('hidden-errors')
  if (p.match) classes.push('match')
  if (span.endMs === null) classes.push('running')
  return (
    <div
      id={p.domId}
      role="treeitem"
      aria-level={span.depth + 1}
      aria-expanded={p.expanded}
      aria-selected={p.selected}
      className={classes.join(' ')}
      style={{ transform: `translateY(${p.top}px)`, height: p.height }}
      data-span-id={span.id}
      onClick={() => p.onSelect(span.id)}
      onDoubleClick={() => p.expanded !== undefined && p.onToggle(p.spanIndex)}
    >
      <div className="st-name" style={{ paddingLeft: 6 + level * INDENT_PX }}>
        {span.depth > MAX_INDENT_LEVELS && <span className="st-depth" title={`Depth ${span.depth}`}>{span.depth}</span>}
        <span
          className={`st-toggle${p.expanded === undefined ? ' leaf' : ''}`}
          aria-hidden="true"
          onClick={(e) => {
            if (p.expanded === undefined) return
            e.stopPropagation()
            p.onToggle(p.spanIndex)
          }}
        >
          {p.expanded === undefined ? '' : p.expanded ? '▾' : '▸'}
        </span>
        <span className={`kind-badge kind-${span.kind}`}>{span.kind}</span>
        <span className="st-label" title={span.error ? `${span.name}: ${span.error.message}` : span.name}>
          {span.name}
        </span>
        {p.hiddenCount > 0 && (
          <span className="st-hidden" data-testid="collapsed-summary">
            +{p.hiddenCount.toLocaleString()} span{p.hiddenCount === 1 ? '' : 's'}
            {p.hiddenErrors > 0 && <span className="st-hidden-errors"> · {p.hiddenErrors.toLocaleString()} error{p.hiddenErrors === 1 ? '' : 's'} inside</span>}
          </span>
        )}
      </div>
      <div className="st-figures">
        <span>{formatDuration(span.subtreeLatencyMs)}</span>
        <span>{span.subtreeTokens ? `${span.subtreeTokens.toLocaleString()} tok` : ''}</span>
        <span>{span.subtreeCostUsd ? formatCost(span.subtreeCostUsd) : ''}</span>
      </div>
      <div className="st-wf">
        {p.subtreeWidth > 0 && <span className="st-bar st-bar-subtree" style={{ left: `${p.subtreeLeft}%`, width: `${p.subtreeWidth}%` }} />}
        <span
          className="st-bar"
          data-testid="span-bar"
          style={{ left: `${p.barLeft}%`, width: `${p.barWidth}%` }}
          onPointerEnter={(e) => p.onHover(p.spanIndex, e.clientX, e.clientY)}
          onPointerLeave={() => p.onHover(-1, 0, 0)}
        />
      </div>
    </div>
  )
})
