/** Saved views of the trace list: name the current filters, and bring them back in one pick. */
import { useEffect, useRef, useState } from 'react'
import { loadSettings, saveSetting } from '../../state/uiState'
import type { SavedTraceView } from '../../state/db'
import { EMPTY_FILTERS, type TraceFilters } from './traceQuery'

/** Filters from a stored view: known fields only, the rest from the defaults (stored data outlives code). */
export function filtersOfView(view: SavedTraceView): TraceFilters {
  const filters = { ...EMPTY_FILTERS }
  for (const key of Object.keys(EMPTY_FILTERS) as Array<keyof TraceFilters>) {
    const value = view.filters[key]
    if (typeof value === 'string') (filters as Record<string, string>)[key] = value
  }
  return filters
}

/** The views menu. */
export function SavedViews({ filters, onApply }: { filters: TraceFilters; onApply(filters: TraceFilters): void }) {
  const [views, setViews] = useState<SavedTraceView[]>([])
  // A save before the stored views have loaded must not be overwritten by them.
  const touched = useRef(false)
  useEffect(() => {
    let live = true
    void loadSettings().then((s) => live && !touched.current && setViews(s.traceViews))
    return () => {
      live = false
    }
  }, [])
  // Changes start from what is stored (another window may have saved views too).
  const update = async (change: (stored: SavedTraceView[]) => SavedTraceView[]) => {
    touched.current = true
    const next = change((await loadSettings()).traceViews)
    setViews(next)
    await saveSetting('traceViews', next)
  }
  return (
    <select
      aria-label="Saved views"
      value=""
      onChange={(e) => {
        const choice = e.target.value
        if (choice === '+') {
          const name = window.prompt('Name this view', '')?.trim()
          if (name) void update((stored) => [...stored.filter((v) => v.name !== name), { name, filters: { ...filters } }].sort((a, b) => a.name.localeCompare(b.name)))
        } else if (choice === '-') {
          const name = window.prompt(`Delete which view? (${views.map((v) => v.name).join(', ')})`, '')?.trim()
          if (name) void update((stored) => stored.filter((v) => v.name !== name))
        } else if (choice === 'reset') {
          onApply(EMPTY_FILTERS)
        } else {
          const view = views.find((v) => v.name === choice)
          if (view) onApply(filtersOfView(view))
        }
      }}
    >
      <option value="">views…</option>
      {views.map((v) => (
        <option key={v.name} value={v.name}>
          {v.name}
        </option>
      ))}
      <option value="reset">clear filters</option>
      <option value="+">save current filters…</option>
      {views.length > 0 && <option value="-">delete a view…</option>}
    </select>
  )
}
