/** A span's attributes as a key/value table: nested values as compact JSON, a filter box when there are many. */
import { useMemo, useState } from 'react'
import { CopyButton } from './CopyButton'
import type { DetailSpan } from './spanTypes'
import '../../styles/span-detail.css'

/** Above this many keys the table offers a filter box. */
export const FILTER_THRESHOLD = 20

/** Rows rendered before "show more". */
const ROW_PAGE = 200

/** Characters of a value shown before it is folded. */
const VALUE_FOLD = 500

/** A value as one line of text: strings as they are, everything else as compact JSON. */
export function compactValue(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function ValueCell({ text, isString }: { text: string; isString: boolean }) {
  const [all, setAll] = useState(false)
  const folded = !all && text.length > VALUE_FOLD
  return (
    <td className={isString ? 'attr-value' : 'attr-value attr-json'}>
      {folded ? `${text.slice(0, VALUE_FOLD)}…` : text}
      {folded && (
        <button type="button" className="json-more" onClick={() => setAll(true)}>
          {text.length.toLocaleString()} chars
        </button>
      )}
    </td>
  )
}

/** The attributes table; renders nothing when there are none. */
export function AttributesTable({ attributes }: { attributes: DetailSpan['attributes'] }) {
  const [filter, setFilter] = useState('')
  const [limit, setLimit] = useState(ROW_PAGE)
  const rows = useMemo(
    () =>
      Object.entries(attributes)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => ({ key, text: compactValue(value), isString: typeof value === 'string' })),
    [attributes],
  )
  if (rows.length === 0) return null
  const needle = filter.trim().toLowerCase()
  const matching = needle ? rows.filter((r) => r.key.toLowerCase().includes(needle) || r.text.toLowerCase().includes(needle)) : rows
  return (
    <section className="span-payload payload attributes" data-testid="span-attributes">
      <header className="payload-header">
        <h3>Attributes</h3>
        <span className="payload-kind">{rows.length.toLocaleString()}</span>
        <span className="payload-actions">
          {rows.length > FILTER_THRESHOLD && (
            <input
              type="search"
              className="attr-filter"
              placeholder="Filter attributes"
              aria-label="Filter attributes"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
          )}
          <CopyButton text={() => JSON.stringify(attributes, null, 2)} />
        </span>
      </header>
      <table className="attr-table">
        <tbody>
          {matching.slice(0, limit).map((row) => (
            <tr key={row.key}>
              <th scope="row" className="attr-key">
                {row.key}
              </th>
              <ValueCell text={row.text} isString={row.isString} />
            </tr>
          ))}
        </tbody>
      </table>
      {matching.length === 0 && <p className="attr-none">No attribute matches “{filter}”.</p>}
      {matching.length > limit && (
        <button type="button" className="btn btn-small" onClick={() => setLimit(limit + ROW_PAGE)}>
          Show more ({(matching.length - limit).toLocaleString()} left)
        </button>
      )}
    </section>
  )
}
