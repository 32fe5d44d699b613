/**
 * A collapsible JSON tree that renders only what is open: each object or array
 * shows a page of children with "show more", so a 50,000-element array costs
 * one page of DOM, not 50,000 rows.
 */
import { useState } from 'react'

/** Children rendered per object or array before "show more". */
export const JSON_PAGE = 100

/** Characters of a string value shown before it is folded. */
const STRING_FOLD = 300

/** Containers with more children than this do not open their children on first render. */
const AUTO_OPEN_SIBLINGS = 20

type Container = Record<string, unknown> | unknown[]

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null

/** The first `limit` children, without materialising the rest. */
function firstEntries(value: Container, limit: number): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.slice(0, limit).map((v, i) => [String(i), v])
  return Object.keys(value)
    .slice(0, limit)
    .map((k) => [k, value[k]])
}

function JsonString({ text }: { text: string }) {
  const [all, setAll] = useState(false)
  const folded = !all && text.length > STRING_FOLD
  return (
    <span className="json-string">
      &quot;{folded ? text.slice(0, STRING_FOLD) : text}
      {folded ? '…' : ''}&quot;
      {folded && (
        <button type="button" className="json-more" onClick={() => setAll(true)}>
          {text.length.toLocaleString()} chars
        </button>
      )}
    </span>
  )
}

function JsonLeaf({ value }: { value: unknown }) {
  if (typeof value === 'string') return <JsonString text={value} />
  if (value === null) return <span className="json-null">null</span>
  if (typeof value === 'number' || typeof value === 'bigint') return <span className="json-number">{String(value)}</span>
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>
  return <span className="json-null">{String(value)}</span>
}

interface NodeProps {
  name: string | null
  value: unknown
  depth: number
  startOpen: boolean
  openDepth: number
}

function JsonNode({ name, value, depth, startOpen, openDepth }: NodeProps) {
  const [open, setOpen] = useState(startOpen)
  const [limit, setLimit] = useState(JSON_PAGE)
  const label = name === null ? null : <span className="json-key">{name}: </span>
  if (!isContainer(value)) {
    return (
      <div className="json-row">
        {label}
        <JsonLeaf value={value} />
      </div>
    )
  }
  const isArray = Array.isArray(value)
  const count = isArray ? value.length : Object.keys(value).length
  const summary = isArray ? `[${count.toLocaleString()} item${count === 1 ? '' : 's'}]` : `{${count.toLocaleString()} key${count === 1 ? '' : 's'}}`
  if (count === 0) {
    return (
      <div className="json-row">
        {label}
        <span className="json-null">{isArray ? '[]' : '{}'}</span>
      </div>
    )
  }
  const shown = open ? firstEntries(value, limit) : []
  const childOpen = depth + 1 < openDepth && count <= AUTO_OPEN_SIBLINGS
  return (
    <div className="json-node">
      <button type="button" className="json-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="json-caret">{open ? '▾' : '▸'}</span>
        {label}
        <span className="json-summary">{summary}</span>
      </button>
      {open && (
        <div className="json-children">
          {shown.map(([key, child]) => (
            <JsonNode key={key} name={key} value={child} depth={depth + 1} startOpen={childOpen} openDepth={openDepth} />
          ))}
          {count > limit && (
            <button type="button" className="json-more" onClick={() => setLimit(limit + JSON_PAGE)}>
              Show {Math.min(JSON_PAGE, count - limit).toLocaleString()} more of {(count - limit).toLocaleString()}
            </button>
          )}
        </div>
      )}
    </div>
  )
}

/** A JSON value as a tree: the first `openDepth` levels open, every container paged. */
export function JsonTree({ value, openDepth = 2 }: { value: unknown; openDepth?: number }) {
  return (
    <div className="json-tree" data-testid="json-tree">
      <JsonNode name={null} value={value} depth={0} startOpen={openDepth > 0} openDepth={openDepth} />
    </div>
  )
}
