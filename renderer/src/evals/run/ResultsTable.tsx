/**
 * A run's results, virtualized so thousands of rows open at once: row id,
 * input, expected, output, one column per scorer (pass/fail, score, reason as
 * a tooltip), latency, cost, error, and the row's trace and thumbs. Up/Down
 * move the selection; Enter shows the row in full below. Text only.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useRef, type KeyboardEvent } from 'react'
import { formatCost, formatDuration } from '../../traces/format'
import { compactFields, compactText } from '../format'
import type { ResultRow } from './resultRows'

const ROW_HEIGHT = 40

/** Props of {@link ResultsTable}. */
export interface ResultsTableProps {
  rows: readonly ResultRow[]
  scorers: readonly string[]
  selectedKey: string | null
  onSelect(key: string): void
  onThumb(row: ResultRow, thumb: 1 | -1): void
  /** Test hook: jsdom has no layout, so the viewport height is given. */
  initialHeight?: number
}

/** The grid columns for `n` scorers. */
function columns(n: number): string {
  return `minmax(56px, 0.6fr) minmax(100px, 2fr) minmax(64px, 1fr) minmax(100px, 2fr) ${n ? `repeat(${n}, minmax(60px, 0.6fr)) ` : ''}56px 56px minmax(48px, 1fr) 118px`
}

/** The table. */
export function ResultsTable({ rows, scorers, selectedKey, onSelect, onThumb, initialHeight }: ResultsTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: initialHeight ? { width: 1000, height: initialHeight } : undefined,
  })
  const template = columns(scorers.length)
  const selectedIndex = rows.findIndex((r) => r.key === selectedKey)
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.target !== event.currentTarget) return
    const delta = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0
    if (!delta) return
    event.preventDefault()
    const next = Math.min(rows.length - 1, Math.max(0, selectedIndex + delta))
    const row = rows[next]
    if (row) {
      onSelect(row.key)
      virtualizer.scrollToIndex(next, { align: 'auto' })
    }
  }

  return (
    <div className="eval-table" role="table" aria-label="Results" aria-rowcount={rows.length + 1}>
      <div className="eval-table-head" role="row" style={{ gridTemplateColumns: template }}>
        <span role="columnheader">Row</span>
        <span role="columnheader">Input</span>
        <span role="columnheader">Expected</span>
        <span role="columnheader">Output</span>
        {scorers.map((id) => (
          <span role="columnheader" key={id} title={id}>
            {id}
          </span>
        ))}
        <span role="columnheader">Latency</span>
        <span role="columnheader">Cost</span>
        <span role="columnheader">Error</span>
        <span role="columnheader">
          <span className="visually-hidden">Actions</span>
        </span>
      </div>
      <div ref={scrollRef} className="eval-table-body" tabIndex={0} onKeyDown={onKeyDown} data-testid="results-body" aria-label="Result rows, Up and Down to move">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
          {virtualizer.getVirtualItems().map((item) => {
            const r = rows[item.index]!
            const { row } = r
            return (
              <div
                key={r.key}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={r.key === selectedKey}
                data-testid="result-row"
                className={`eval-table-row${r.key === selectedKey ? ' selected' : ''}${r.failed ? ' failed' : ''}${row.error ? ' errored' : ''}`}
                style={{ position: 'absolute', top: item.start, left: 0, right: 0, height: item.size, gridTemplateColumns: template }}
                onClick={() => onSelect(r.key)}
              >
                <span role="cell" className="mono" title={row.trial ? `${row.rowId} (trial ${row.trial + 1})` : row.rowId}>
                  {row.rowId}
                  {row.trial ? <sub>#{row.trial + 1}</sub> : null}
                </span>
                <span role="cell" className="eval-cell-text">{r.input ? compactFields(r.input) : '—'}</span>
                <span role="cell" className="eval-cell-text">{compactText(r.expected, 120)}</span>
                <span role="cell" className="eval-cell-text">{compactText(row.output, 200)}</span>
                {scorers.map((id) => {
                  const s = row.scores[id]
                  if (!s) return <span role="cell" key={id} className="eval-score none">—</span>
                  const verdict = s.pass === undefined ? '' : s.pass ? '✓ ' : '✗ '
                  return (
                    <span role="cell" key={id} className={`eval-score${s.pass === false ? ' fail' : s.pass ? ' pass' : ''}`} title={s.reason ?? ''}>
                      {verdict}
                      {Number.isInteger(s.score) ? s.score : s.score.toFixed(2)}
                    </span>
                  )
                })}
                <span role="cell">{row.latencyMs === null ? '—' : formatDuration(row.latencyMs)}</span>
                <span role="cell">{row.costUsd === null ? '—' : formatCost(row.costUsd)}</span>
                <span role="cell" className="eval-cell-text eval-error-cell" title={row.error ?? ''}>
                  {row.error ?? ''}
                </span>
                <span role="cell" className="eval-row-actions">
                  {row.traceId ? (
                    <>
                      <a className="btn btn-small" href={`#/traces/${encodeURIComponent(row.traceId)}`} onClick={(e) => e.stopPropagation()} aria-label={`Open the trace of row ${row.rowId}`}>
                        Trace
                      </a>
                      <button type="button" className="btn btn-small btn-icon" aria-label={`Thumbs up on row ${row.rowId}`} onClick={(e) => (e.stopPropagation(), onThumb(r, 1))}>
                        ▲
                      </button>
                      <button type="button" className="btn btn-small btn-icon" aria-label={`Thumbs down on row ${row.rowId}`} onClick={(e) => (e.stopPropagation(), onThumb(r, -1))}>
                        ▼
                      </button>
                    </>
                  ) : (
                    <span className="muted">no trace</span>
                  )}
                </span>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
