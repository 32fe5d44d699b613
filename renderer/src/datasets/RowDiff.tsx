/** The row diff of two dataset versions: added, removed and changed rows, changed fields highlighted; n/p or F7 jump between changes. */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { DatasetDiff, FieldChange } from '../../../common/schemas/diff'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { cellText } from './jsonl'

/** How many rows of each kind one diff shows; stats still count all of them. */
export const DIFF_LIMIT = 500

type Entry = { kind: 'added' | 'removed'; id: string; row: Record<string, unknown> } | { kind: 'changed'; id: string; fields: FieldChange[] }

/** The diff of dataset:NAME@from → @to. */
export function RowDiff({ name, from, to }: { name: string; from: string; to: string }) {
  const client = useClient()
  const [diff, setDiff] = useState<DatasetDiff | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [current, setCurrent] = useState(0)
  const listRef = useRef<HTMLOListElement>(null)
  const boxRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    let live = true
    client.call('objects.diff', { from: `dataset:${name}@${from}`, to: `dataset:${name}@${to}`, limit: DIFF_LIMIT }).then(
      (result) => {
        if (!live) return
        if (result.diff.kind === 'dataset') {
          setDiff(result.diff)
          // n/p work at once, without a click into the list first.
          requestAnimationFrame(() => boxRef.current?.focus({ preventScroll: true }))
        }
        else setError('not a dataset diff')
      },
      (e: unknown) => live && setError(errorMessage(e)),
    )
    return () => {
      live = false
    }
  }, [client, name, from, to])

  const entries: Entry[] = diff
    ? [
        ...diff.changed.map((c) => ({ kind: 'changed' as const, id: c.id, fields: c.fields })),
        ...diff.added.map((r) => ({ kind: 'added' as const, id: r.id, row: r })),
        ...diff.removed.map((r) => ({ kind: 'removed' as const, id: r.id, row: r })),
      ]
    : []

  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${current}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [current])

  if (error) return <p className="error-text pad" role="alert">Could not diff: {error}</p>
  if (!diff) return <p className="muted pad">Comparing…</p>

  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.target as HTMLElement).closest('input, textarea, select')) return
    const back = event.key === 'p' || (event.key === 'F7' && event.shiftKey)
    const forward = event.key === 'n' || (event.key === 'F7' && !event.shiftKey)
    if (!back && !forward) return
    event.preventDefault()
    setCurrent((i) => Math.max(0, Math.min(entries.length - 1, i + (forward ? 1 : -1))))
  }
  const { stats } = diff
  const shown = entries.length
  const total = stats.added + stats.removed + stats.changed
  return (
    <div className="ds-diff" ref={boxRef} tabIndex={0} onKeyDown={onKeyDown} aria-label="Row diff" data-testid="row-diff">
      <p className="ds-diff-stats">
        <span className="ds-add">+{stats.added} added</span> <span className="ds-del">−{stats.removed} removed</span>{' '}
        <span className="ds-chg">~{stats.changed} changed</span> <span className="muted">· {stats.unchanged} unchanged{diff.reordered ? ' · rows reordered' : ''}</span>
        {total > 0 && (
          <span className="muted">
            {' '}
            · change {Math.min(current + 1, shown)} of {shown}
            {shown < total ? ` shown (of ${total})` : ''} — <kbd>n</kbd>/<kbd>p</kbd> or <kbd>F7</kbd> to move
          </span>
        )}
      </p>
      {total === 0 && <p className="muted">The two versions have the same rows.</p>}
      <ol className="ds-diff-list" ref={listRef}>
        {entries.map((entry, i) => (
          <li key={`${entry.kind}:${entry.id}`} data-index={i} className={`ds-diff-entry ds-diff-${entry.kind}${i === current ? ' ds-diff-focus' : ''}`} onClick={() => setCurrent(i)} aria-current={i === current ? 'true' : undefined}>
            <div className="ds-diff-head">
              <span className="ds-diff-kind">{entry.kind}</span> <code>{entry.id}</code>
            </div>
            {entry.kind === 'changed' ? (
              <table className="ds-diff-fields">
                <tbody>
                  {entry.fields.map((f) => (
                    <tr key={f.path} className={`ds-field-${f.change}`}>
                      <th scope="row">{f.path || '(row)'}</th>
                      <td className="ds-before">{f.before === undefined ? '—' : cellText(f.before, 400)}</td>
                      <td aria-hidden="true">→</td>
                      <td className="ds-after">{f.after === undefined ? '—' : cellText(f.after, 400)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <code className="ds-diff-row">{cellText(entry.row, 600)}</code>
            )}
          </li>
        ))}
      </ol>
    </div>
  )
}
