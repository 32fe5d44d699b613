/**
 * The trace list's filter bar: op name, kind, status, time range, text,
 * attributes, latency and cost thresholds, sort — each mapped onto the
 * `traces.list` query — plus the live tail switch and saved views.
 */
import { useEffect, useState } from 'react'
import { SPAN_KINDS } from '../../../../common/schemas/span'
import { SavedViews } from './SavedViews'
import { RANGES, SORTS, type TraceFilters } from './traceQuery'

/** Props of {@link FilterBar}. */
export interface FilterBarProps {
  filters: TraceFilters
  invalid: { field: keyof TraceFilters; message: string } | null
  onChange(patch: Partial<TraceFilters>): void
  live: boolean
  missed: number
  onLive(live: boolean): void
  groupBySession: boolean
  onGroupBySession(group: boolean): void
}

/** A text input that reports its value after typing pauses (each change is a query). */
function LazyInput({ label, value, onCommit, invalid, placeholder, width }: { label: string; value: string; onCommit(v: string): void; invalid?: string; placeholder?: string; width?: number }) {
  const [text, setText] = useState(value)
  // A value set from outside (a saved view, a reset) replaces what was typed.
  const [seen, setSeen] = useState(value)
  if (value !== seen) {
    setSeen(value)
    setText(value)
  }
  useEffect(() => {
    if (text === value) return
    const timer = setTimeout(() => onCommit(text), 300)
    return () => clearTimeout(timer)
  }, [text, value, onCommit])
  return (
    <input
      aria-label={label}
      aria-invalid={invalid ? true : undefined}
      title={invalid ?? label}
      className={invalid ? 'invalid' : undefined}
      placeholder={placeholder ?? label}
      value={text}
      style={width ? { width } : undefined}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => e.key === 'Enter' && onCommit(text)}
    />
  )
}

/** The bar. */
export function FilterBar({ filters, invalid, onChange, live, missed, onLive, groupBySession, onGroupBySession }: FilterBarProps) {
  const bad = (field: keyof TraceFilters) => (invalid?.field === field ? invalid.message : undefined)
  return (
    <div className="trace-filters" role="search" aria-label="Filter traces">
      <SavedViews filters={filters} onApply={(next) => onChange(next)} />
      <LazyInput label="Search text" placeholder="Search names, inputs, outputs" value={filters.text} onCommit={(text) => onChange({ text })} width={200} />
      <LazyInput label="Op name" value={filters.name} onCommit={(name) => onChange({ name })} width={110} />
      <select aria-label="Kind" value={filters.kind} onChange={(e) => onChange({ kind: e.target.value as TraceFilters['kind'] })}>
        <option value="">any kind</option>
        {SPAN_KINDS.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <select aria-label="Status" value={filters.status} onChange={(e) => onChange({ status: e.target.value as TraceFilters['status'] })}>
        <option value="">any status</option>
        <option value="ok">ok</option>
        <option value="error">error</option>
        <option value="running">running</option>
      </select>
      <select aria-label="Feedback" value={filters.feedback} onChange={(e) => onChange({ feedback: e.target.value as TraceFilters['feedback'] })}>
        <option value="">any feedback</option>
        <option value="any">with feedback</option>
        <option value="up">rated good</option>
        <option value="down">rated bad</option>
        <option value="none">no feedback</option>
      </select>
      <select aria-label="Time range" value={filters.range} onChange={(e) => onChange({ range: e.target.value as TraceFilters['range'] })}>
        {Object.keys(RANGES).map((r) => (
          <option key={r} value={r}>
            {r === 'all' ? 'all time' : `last ${r}`}
          </option>
        ))}
      </select>
      <LazyInput label="Attributes" placeholder="user.id=u7, …" value={filters.attributes} onCommit={(attributes) => onChange({ attributes })} invalid={bad('attributes')} width={130} />
      <LazyInput label="Min latency (ms)" placeholder="≥ ms" value={filters.minLatencyMs} onCommit={(minLatencyMs) => onChange({ minLatencyMs })} invalid={bad('minLatencyMs')} width={64} />
      <LazyInput label="Min cost ($)" placeholder="≥ $" value={filters.minCostUsd} onCommit={(minCostUsd) => onChange({ minCostUsd })} invalid={bad('minCostUsd')} width={56} />
      <select aria-label="Sort by" value={filters.sort} onChange={(e) => onChange({ sort: e.target.value as TraceFilters['sort'] })}>
        {SORTS.map((s) => (
          <option key={s} value={s}>
            sort: {s}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-small" aria-label={filters.order === 'desc' ? 'Descending' : 'Ascending'} onClick={() => onChange({ order: filters.order === 'desc' ? 'asc' : 'desc' })}>
        {filters.order === 'desc' ? '↓' : '↑'}
      </button>
      <label className="trace-filter-check">
        <input type="checkbox" checked={groupBySession} onChange={(e) => onGroupBySession(e.target.checked)} /> sessions
      </label>
      <button type="button" className={`btn btn-small${live ? '' : ' btn-primary'}`} aria-pressed={!live} onClick={() => onLive(!live)} title={live ? 'Stop updating as traces arrive' : 'Show new traces as they arrive'}>
        {live ? 'Pause' : missed ? `Resume (${missed} new)` : 'Resume'}
      </button>
      {invalid && (
        <span className="trace-filter-error" role="alert">
          {invalid.message}
        </span>
      )}
    </div>
  )
}
