/**
 * Outputs of two runs side by side, one line per row × trial, virtualized (only
 * the lines in view are rendered, and only they are word-diffed). Text only:
 * outputs are React text children, never HTML.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useMemo, useRef } from 'react'
import { formatScore, outputText, type AlignedRow, type EvalRow, type OutputFilter } from './compareModel'
import { wordDiff, type Segment } from './wordDiff'

const ESTIMATED_HEIGHT = 96

/** Props of {@link OutputsTable}. */
export interface OutputsTableProps {
  rows: readonly AlignedRow[]
  filter: OutputFilter
  onFilter(filter: OutputFilter): void
  counts: Record<OutputFilter, number>
  /** The row to scroll to and mark (from the regression and improvement lists). */
  selectedRowId: string | null
  onOpenTrace(traceId: string): void
  /** Test hook: jsdom has no layout, so the viewport height is given. */
  initialHeight?: number
}

const FILTERS: { id: OutputFilter; label: string }[] = [
  { id: 'regressed', label: 'Regressed' },
  { id: 'improved', label: 'Improved' },
  { id: 'changed', label: 'Output changed' },
  { id: 'all', label: 'All' },
]

/** The filter bar and the list. */
export function OutputsTable({ rows, filter, onFilter, counts, selectedRowId, onOpenTrace, initialHeight }: OutputsTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the virtualizer re-renders this component itself
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_HEIGHT,
    overscan: 6,
    getItemKey: (i) => rows[i]!.key,
    initialRect: initialHeight ? { width: 800, height: initialHeight } : undefined,
  })
  const selectedIndex = useMemo(() => (selectedRowId === null ? -1 : rows.findIndex((r) => r.rowId === selectedRowId)), [rows, selectedRowId])
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'start' })
  }, [selectedIndex, virtualizer])

  return (
    <section className="ec-outputs" aria-label="Outputs side by side">
      <div className="ec-outputs-bar">
        <h3>Outputs</h3>
        <div role="radiogroup" aria-label="Show rows" className="ec-filters">
          {FILTERS.map((f) => (
            <button key={f.id} type="button" role="radio" aria-checked={filter === f.id} className={filter === f.id ? 'active' : undefined} onClick={() => onFilter(f.id)}>
              {f.label} <span className="muted">{counts[f.id]}</span>
            </button>
          ))}
        </div>
      </div>
      <div className="ec-outputs-head" aria-hidden="true">
        <span>Row</span>
        <span>Baseline</span>
        <span>Candidate</span>
      </div>
      <div ref={scrollRef} className="ec-outputs-list" role="list" aria-label="Rows" data-testid="outputs-list">
        {rows.length === 0 && <p className="muted pad">No rows match this filter.</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => (
            <div key={item.key} ref={virtualizer.measureElement} data-index={item.index} role="listitem" style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
              <OutputLine row={rows[item.index]!} selected={item.index === selectedIndex} onOpenTrace={onOpenTrace} />
            </div>
          ))}
        </div>
      </div>
    </section>
  )
}

/** One row × trial: its id and marks, then each side's output with its changed words highlighted. */
const OutputLine = memo(function OutputLine({ row, selected, onOpenTrace }: { row: AlignedRow; selected: boolean; onOpenTrace(traceId: string): void }) {
  const before = row.baseline ? outputText(row.baseline.output, row.baseline.error) : ''
  const after = row.candidate ? outputText(row.candidate.output, row.candidate.error) : ''
  const segments = useMemo(() => (row.outputChanged && row.baseline && row.candidate ? wordDiff(before, after) : null), [row, before, after])
  return (
    <div className={`ec-line-row${selected ? ' ec-selected' : ''}`} data-row={row.rowId}>
      <div className="ec-row-id">
        <code>{row.rowId}</code>
        {row.trial > 0 && <span className="muted"> trial {row.trial + 1}</span>}
        {row.regressed && <span className="ec-tag ec-worse">regressed</span>}
        {row.improved && <span className="ec-tag ec-better">improved</span>}
        {row.outputChanged && <span className="ec-tag">changed</span>}
      </div>
      <OutputCell row={row.baseline} text={before} segments={segments?.before ?? null} onOpenTrace={onOpenTrace} side="baseline" />
      <OutputCell row={row.candidate} text={after} segments={segments?.after ?? null} onOpenTrace={onOpenTrace} side="candidate" />
    </div>
  )
})

function OutputCell({ row, text, segments, side, onOpenTrace }: { row: EvalRow | null; text: string; segments: Segment[] | null; side: string; onOpenTrace(traceId: string): void }) {
  if (!row) return <div className="ec-cell muted">Not in this run</div>
  const scores = Object.entries(row.scores)
  return (
    <div className={`ec-cell${row.error ? ' ec-cell-error' : ''}`}>
      <pre className="ec-output">{segments ? segments.map((s, i) => (s.changed ? <mark key={i} className={`ec-mark-${side}`}>{s.text}</mark> : s.text)) : text}</pre>
      <div className="ec-cell-meta">
        {scores.map(([id, s]) => (
          <span key={id} className={s?.pass === false ? 'ec-worse' : undefined}>
            {id} {s ? formatScore(s.score) : '—'}
          </span>
        ))}
        {row.traceId && (
          <button type="button" className="ec-link" onClick={() => onOpenTrace(row.traceId!)} aria-label={`Open ${side} trace of ${row.rowId}`}>
            trace
          </button>
        )}
      </div>
    </div>
  )
}
