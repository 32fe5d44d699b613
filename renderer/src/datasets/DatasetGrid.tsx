/**
 * The rows of the open dataset as a grid virtualized both ways: only the
 * visible rows and columns are in the DOM, so 100,000 rows by 200 columns
 * scroll like 20. Headers sort (click) and resize (drag the right edge); the
 * row under the headers filters by column.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, type KeyboardEvent, type PointerEvent } from 'react'
import { nextSort, viewIndexes, warmSearchText } from './gridModel'
import { cellText } from './jsonl'
import { DEFAULT_WIDTH, setView, setWidth, useDatasetStore } from './useDatasetStore'
import '../styles/datasets.css'

const ROW_HEIGHT = 30
const HEADER_HEIGHT = 64
const GUTTER = 64

/** The grid of the open dataset. */
export function DatasetGrid() {
  const rows = useDatasetStore((s) => s.rows)
  const columns = useDatasetStore((s) => s.columns)
  const widths = useDatasetStore((s) => s.widths)
  const view = useDatasetStore((s) => s.view)
  const selected = useDatasetStore((s) => s.selected)
  // Typing in the search box renders first; the (possibly slow) filtering follows.
  const deferredView = useDeferredValue(view)
  const indexes = useMemo(() => viewIndexes(rows, deferredView), [rows, deferredView])
  const scrollRef = useRef<HTMLDivElement>(null)
  useEffect(() => warmSearchText(rows), [rows])

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the virtualizer re-renders this component itself
  const rowVirtualizer = useVirtualizer({ count: indexes.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 })
  const columnWidth = useCallback((i: number) => widths[columns[i]!] ?? DEFAULT_WIDTH, [widths, columns])
  const columnVirtualizer = useVirtualizer({ horizontal: true, count: columns.length, getScrollElement: () => scrollRef.current, estimateSize: columnWidth, overscan: 3 })
  // Widths are not measured from the DOM; tell the virtualizer when they change.
  useEffect(() => columnVirtualizer.measure(), [columnVirtualizer, widths, columns])

  // Memoized: the grid re-renders on every scroll frame, and this walks every shown row.
  const selectedId = selected?.id
  const selectedPos = useMemo(() => (selectedId === undefined ? -1 : indexes.findIndex((i) => rows[i]!.id === selectedId)), [indexes, rows, selectedId])
  const selectedCol = selected ? columns.indexOf(selected.column) : -1
  useEffect(() => {
    if (selectedPos >= 0) rowVirtualizer.scrollToIndex(selectedPos, { align: 'auto' })
    if (selectedCol >= 0) columnVirtualizer.scrollToIndex(selectedCol, { align: 'auto' })
  }, [selectedPos, selectedCol, rowVirtualizer, columnVirtualizer])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget || indexes.length === 0 || columns.length === 0) return
    const move = (dRow: number, dCol: number) => {
      const pos = Math.max(0, Math.min(indexes.length - 1, (selectedPos < 0 ? 0 : selectedPos) + dRow))
      const col = Math.max(0, Math.min(columns.length - 1, (selectedCol < 0 ? 0 : selectedCol) + dCol))
      useDatasetStore.setState({ selected: { id: rows[indexes[pos]!]!.id, column: columns[col]! } })
      event.preventDefault()
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 2)
    if (event.key === 'ArrowDown') move(1, 0)
    else if (event.key === 'ArrowUp') move(-1, 0)
    else if (event.key === 'ArrowRight') move(0, 1)
    else if (event.key === 'ArrowLeft') move(0, -1)
    else if (event.key === 'PageDown') move(page, 0)
    else if (event.key === 'PageUp') move(-page, 0)
    else if ((event.key === 'Enter' || event.key === 'F2') && selected) {
      useDatasetStore.setState({ editing: selected })
      event.preventDefault()
    }
  }

  const totalWidth = columnVirtualizer.getTotalSize() + GUTTER
  const visibleColumns = columnVirtualizer.getVirtualItems()
  return (
    <div className="ds-grid-wrap">
      <div
        ref={scrollRef}
        className="ds-grid"
        role="grid"
        aria-label="Dataset rows"
        aria-rowcount={indexes.length + 1}
        aria-colcount={columns.length}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="dataset-grid"
      >
        <div style={{ width: totalWidth, height: rowVirtualizer.getTotalSize() + HEADER_HEIGHT, position: 'relative' }}>
          <div className="ds-header" style={{ width: totalWidth, height: HEADER_HEIGHT }} role="row">
            <div className="ds-gutter ds-corner" style={{ height: HEADER_HEIGHT }} title="Rows shown (after search and filters)">
              {indexes.length.toLocaleString()}
            </div>
            {visibleColumns.map((vc) => {
              const column = columns[vc.index]!
              const sort = view.sort?.column === column ? view.sort.direction : null
              return (
                <div key={column} className="ds-th" role="columnheader" aria-sort={sort === 'asc' ? 'ascending' : sort === 'desc' ? 'descending' : 'none'} style={{ left: vc.start + GUTTER, width: vc.size }}>
                  <button type="button" className="ds-th-name" title={`Sort by ${column}`} onClick={() => setView({ sort: nextSort(view.sort, column) })}>
                    <span>{column}</span>
                    {sort && <span aria-hidden="true">{sort === 'asc' ? ' ▲' : ' ▼'}</span>}
                  </button>
                  <input
                    className="ds-filter"
                    aria-label={`Filter ${column}`}
                    placeholder="filter"
                    value={view.filters[column] ?? ''}
                    onChange={(e) => setView({ filters: { ...view.filters, [column]: e.target.value } })}
                  />
                  <ResizeHandle column={column} width={vc.size} />
                </div>
              )
            })}
          </div>
          {rowVirtualizer.getVirtualItems().map((vr) => {
            const row = rows[indexes[vr.index]!]!
            const rowSelected = selected?.id === row.id
            return (
              <div key={row.id} className={rowSelected ? 'ds-tr ds-tr-selected' : 'ds-tr'} role="row" style={{ transform: `translateY(${vr.start + HEADER_HEIGHT}px)`, width: totalWidth }}>
                <div className="ds-gutter" role="rowheader">{indexes[vr.index]! + 1}</div>
                {visibleColumns.map((vc) => {
                  const column = columns[vc.index]!
                  const value = row[column]
                  const isSelected = rowSelected && selected?.column === column
                  return (
                    <div
                      key={column}
                      role="gridcell"
                      aria-selected={isSelected}
                      className={`ds-td${isSelected ? ' ds-td-selected' : ''}${value !== null && typeof value === 'object' ? ' ds-td-json' : ''}${value === undefined ? ' ds-td-missing' : ''}`}
                      style={{ left: vc.start + GUTTER, width: vc.size }}
                      onClick={() => useDatasetStore.setState({ selected: { id: row.id, column } })}
                      onDoubleClick={() => useDatasetStore.setState({ selected: { id: row.id, column }, editing: { id: row.id, column } })}
                      data-cell={`${row.id}/${column}`}
                    >
                      {cellText(value, 160)}
                    </div>
                  )
                })}
              </div>
            )
          })}
        </div>
      </div>
      {indexes.length === 0 && <p className="muted ds-grid-empty">{rows.length ? 'No rows match the search and filters.' : 'This dataset has no rows yet.'}</p>}
    </div>
  )
}

function ResizeHandle({ column, width }: { column: string; width: number }) {
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault()
    const startX = event.clientX
    const target = event.currentTarget
    target.setPointerCapture(event.pointerId)
    const onMove = (e: globalThis.PointerEvent) => setWidth(column, width + e.clientX - startX)
    const onUp = () => {
      target.removeEventListener('pointermove', onMove)
      target.removeEventListener('pointerup', onUp)
    }
    target.addEventListener('pointermove', onMove)
    target.addEventListener('pointerup', onUp)
  }
  return <div className="ds-resize" role="separator" aria-orientation="vertical" aria-label={`Resize ${column}`} onPointerDown={onPointerDown} />
}
