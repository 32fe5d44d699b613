/** Labels the workbench refused: each with the server's message, to send again or discard — never dropped silently. */
import { formatValue, type FieldValue } from './fields'
import { refreshOutboxRows } from './useAnnotateStore'
import { currentOutbox, useOutboxStore } from './useOutbox'

/** The list (nothing when none were refused). */
export function RefusedLabels() {
  const rejected = useOutboxStore((s) => s.status.rejected)
  if (rejected.length === 0) return null
  const act = (run: (id: string) => Promise<void>, id: string) => void run(id).then(refreshOutboxRows)
  return (
    <section className="refused-labels" aria-label="Refused labels" aria-live="polite">
      <h2>
        {rejected.length} label{rejected.length === 1 ? ' was' : 's were'} refused by the workbench
      </h2>
      <p className="muted">They are kept in this browser. Fix the queue (or the label) and send again, or discard them.</p>
      <ul>
        {rejected.map((row) => (
          <li key={row.id}>
            <span>
              <strong>{row.queue}</strong> item <code>{row.annotation.itemId}</code> by {row.annotation.annotator}:{' '}
              {Object.entries(row.annotation.values)
                .map(([k, v]) => `${k} ${formatValue(v as FieldValue)}`)
                .join(', ')}
            </span>
            <span className="error-text">
              {row.error?.path ? `${row.error.path}: ` : ''}
              {row.error?.message}
            </span>
            <button type="button" className="btn btn-small" onClick={() => act((id) => currentOutbox()?.retry(id) ?? Promise.resolve(), row.id)}>
              Send again
            </button>
            <button type="button" className="btn btn-small" onClick={() => act((id) => currentOutbox()?.discard(id) ?? Promise.resolve(), row.id)}>
              Discard
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
