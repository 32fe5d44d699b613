/**
 * The trace list's filter bar as data, and how it becomes a `traces.list`
 * request: what the user typed is checked here so a bad value is marked at
 * its field instead of failing the whole request.
 */
import type { RequestOf } from '../../../../common/contract'
import { SPAN_KINDS } from '../../../../common/schemas/span'

/** Time ranges offered by the filter bar. */
export const RANGES = { all: null, '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const

/** Sort keys of the list. */
export const SORTS = ['start', 'latency', 'cost', 'tokens'] as const

/** What the filter bar holds (text as typed). */
export interface TraceFilters {
  name: string
  kind: '' | (typeof SPAN_KINDS)[number]
  status: '' | 'ok' | 'error' | 'running'
  range: keyof typeof RANGES
  text: string
  /** `key=value`, comma-separated. */
  attributes: string
  minLatencyMs: string
  minCostUsd: string
  feedback: '' | 'any' | 'up' | 'down' | 'none'
  sort: (typeof SORTS)[number]
  order: 'desc' | 'asc'
}

/** No filter, newest first. */
export const EMPTY_FILTERS: TraceFilters = {
  name: '', kind: '', status: '', range: 'all', text: '', attributes: '', minLatencyMs: '', minCostUsd: '', feedback: '', sort: 'start', order: 'desc',
}

type Query = RequestOf<'traces.list'>

/** `a=1, user.id=u7` → `{ a: 1, 'user.id': 'u7' }`; numbers and true/false are typed. */
export function parseAttributes(text: string): Record<string, string | number | boolean> | string {
  const out: Record<string, string | number | boolean> = {}
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=')
    if (eq < 1) return `"${part}" is not key=value`
    const key = part.slice(0, eq).trim()
    const raw = part.slice(eq + 1).trim()
    out[key] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw
  }
  if (Object.keys(out).length > 10) return 'at most 10 attribute filters'
  return out
}

/** The request for the filters, or the field that is wrong and why. */
export function toQuery(filters: TraceFilters, limit: number, now = Date.now()): { query: Query } | { field: keyof TraceFilters; message: string } {
  const query: Query = { limit, sort: filters.sort, order: filters.order }
  if (filters.name.trim()) query.name = filters.name.trim()
  if (filters.kind) query.kind = filters.kind
  if (filters.status) query.status = filters.status
  if (filters.feedback) query.feedback = filters.feedback
  const span = RANGES[filters.range]
  if (span !== null) query.fromMs = now - span
  if (filters.text.trim()) query.text = filters.text.trim()
  if (filters.attributes.trim()) {
    const attributes = parseAttributes(filters.attributes)
    if (typeof attributes === 'string') return { field: 'attributes', message: attributes }
    query.attributes = attributes
  }
  for (const [field, key] of [['minLatencyMs', 'minLatencyMs'], ['minCostUsd', 'minCostUsd']] as const) {
    const raw = filters[field].trim()
    if (!raw) continue
    const value = Number(raw)
    if (!Number.isFinite(value) || value < 0) return { field, message: 'a number, 0 or more' }
    query[key] = value
  }
  return { query }
}

/** True when any filter narrows the list (the empty state then says so). */
export function isFiltered(filters: TraceFilters): boolean {
  const { sort: _sort, order: _order, ...rest } = filters
  const { sort: _s, order: _o, ...empty } = EMPTY_FILTERS
  return JSON.stringify(rest) !== JSON.stringify(empty)
}
