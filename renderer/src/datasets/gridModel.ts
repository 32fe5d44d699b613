/** Which rows the grid shows, in which order: search, per-column filters and sort, as index lists. */
import { cellText, type Row } from './jsonl'

/** Sort by one column. */
export interface SortSpec {
  column: string
  direction: 'asc' | 'desc'
}

/** What narrows and orders the view. */
export interface ViewSpec {
  search: string
  /** Column → text its cell must contain (case-insensitive). */
  filters: Record<string, string>
  sort: SortSpec | null
}

// Whole-row text is computed once per row object; an edit makes a new object, so the cache never goes stale.
const rowText = new WeakMap<Row, string>()

function searchTextOf(row: Row): string {
  let text = rowText.get(row)
  if (text === undefined) {
    text = JSON.stringify(row).toLowerCase()
    rowText.set(row, text)
  }
  return text
}

/**
 * Builds the search text of every row in small slices while the page is idle,
 * so the first keystroke in the search box does not stringify 100,000 rows at once.
 * Returns a function that stops it (the rows changed or the grid closed).
 */
export function warmSearchText(rows: readonly Row[], slice = 2000): () => void {
  let next = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = () => {
    const end = Math.min(rows.length, next + slice)
    for (; next < end; next++) searchTextOf(rows[next]!)
    timer = next < rows.length ? setTimeout(run, 0) : null
  }
  timer = setTimeout(run, 50)
  return () => {
    if (timer !== null) clearTimeout(timer)
  }
}

/** Orders JSON values: missing last, then numbers, booleans, strings, then other JSON by its text. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1
  if (b === undefined || b === null) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const rank = (v: unknown) => (typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'string' ? 2 : 3)
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (ra === 1) return Number(a) - Number(b)
  return collator.compare(cellText(a, 1000), cellText(b, 1000))
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Indexes into `rows` of the rows the view shows, in display order. */
export function viewIndexes(rows: readonly Row[], spec: ViewSpec): number[] {
  const needle = spec.search.trim().toLowerCase()
  const filters = Object.entries(spec.filters)
    .map(([column, text]) => [column, text.trim().toLowerCase()] as const)
    .filter(([, text]) => text !== '')
  const out: number[] = []
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    if (needle && !searchTextOf(row).includes(needle)) continue
    if (filters.length && !filters.every(([column, text]) => cellText(row[column], 10_000).toLowerCase().includes(text))) continue
    out.push(i)
  }
  if (spec.sort) {
    const { column, direction } = spec.sort
    const sign = direction === 'asc' ? 1 : -1
    // Missing values stay last in both directions; ties keep file order (stable sort).
    out.sort((i, j) => {
      const a = rows[i]![column]
      const b = rows[j]![column]
      const aMissing = a === undefined || a === null
      const bMissing = b === undefined || b === null
      if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1
      return sign * compareValues(a, b)
    })
  }
  return out
}

/** The next sort when a header is clicked: ascending, descending, then none. */
export function nextSort(current: SortSpec | null, column: string): SortSpec | null {
  if (!current || current.column !== column) return { column, direction: 'asc' }
  return current.direction === 'asc' ? { column, direction: 'desc' } : null
}

/** Starting column widths from the first rows' text: short ids stay narrow, long text gets room. */
export function initialWidths(rows: readonly Row[], columns: readonly string[], sample = 200): Record<string, number> {
  const widths: Record<string, number> = {}
  const head = rows.slice(0, sample)
  for (const column of columns) {
    let total = 0
    for (const row of head) total += Math.min(cellText(row[column], 80).length, 80)
    const average = head.length ? total / head.length : 0
    widths[column] = Math.round(Math.max(96, Math.min(360, Math.max(average, column.length) * 7.5 + 28)))
  }
  return widths
}
