/** One result row in full: input, expected, output, every scorer's verdict and reason, and feedback on its trace. Text only. */
import { useEffect, useState } from 'react'
import { useClient } from '../../api/ClientContext'
import { errorMessage } from '../../api/errors'
import { fullText } from '../format'
import { addRowFeedback, rootSpanOf } from './rowFeedback'
import type { ResultRow } from './resultRows'

/** Props of {@link RowDetail}. The parent keys it by row, so another row starts fresh. */
export interface RowDetailProps {
  row: ResultRow
  onClose(): void
}

/** The detail. */
export function RowDetail({ row: r, onClose }: RowDetailProps) {
  const client = useClient()
  const { row } = r
  const [note, setNote] = useState('')
  const [status, setStatus] = useState<{ ok?: string; error?: string } | null>(null)
  const [traceInput, setTraceInput] = useState<unknown>(undefined)

  // Without the dataset row (SDK runs, a missing dataset) the trace root's inputs say what went in.
  useEffect(() => {
    if (r.input || !row.traceId) return
    let live = true
    const traceId = row.traceId
    rootSpanOf(client, traceId)
      .then((spanId) => client.call('spans.get', { traceId, spanId }))
      .then(
        ({ span }) => live && setTraceInput(span.inputs),
        // The trace may not exist (an imported run); the input just stays unknown.
        () => undefined,
      )
    return () => {
      live = false
    }
  }, [client, r.input, row.traceId])

  const send = async (feedback: { thumb: 1 | -1 } | { note: string }) => {
    if (!row.traceId) return
    try {
      await addRowFeedback(client, row.traceId, feedback)
      setStatus({ ok: 'thumb' in feedback ? (feedback.thumb === 1 ? 'Thumbs up added' : 'Thumbs down added') : 'Note added' })
      if ('note' in feedback) setNote('')
    } catch (error) {
      setStatus({ error: errorMessage(error) })
    }
  }

  return (
    <section className="eval-row-detail" aria-label={`Row ${row.rowId}`} data-testid="row-detail">
      <header className="eval-row-detail-head">
        <h2>
          Row <span className="mono">{row.rowId}</span>
          {row.trial ? ` · trial ${row.trial + 1}` : ''}
        </h2>
        {row.traceId && (
          <a className="btn btn-small" href={`#/traces/${encodeURIComponent(row.traceId)}`}>
            Open trace
          </a>
        )}
        <button type="button" className="btn btn-small" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="eval-row-detail-grid">
        <Block title={r.input ? 'Input' : 'Input (trace root)'} text={fullText(r.input ?? traceInput)} />
        <Block title="Expected" text={fullText(r.expected)} />
        <Block title="Output" text={fullText(row.output)} />
        {row.error && <Block title="Error" text={row.error} error />}
      </div>
      <ul className="eval-reasons">
        {Object.entries(row.scores).map(([id, s]) => (
          <li key={id} className={s?.pass === false ? 'fail' : s?.pass ? 'pass' : ''}>
            <strong>{id}</strong> {s ? `${s.pass === undefined ? '' : s.pass ? 'pass' : 'fail'} ${s.score}` : 'not scored'}
            {s?.reason ? ` — ${s.reason}` : ''}
          </li>
        ))}
      </ul>
      {row.traceId && (
        <form
          className="eval-feedback"
          onSubmit={(e) => {
            e.preventDefault()
            if (note.trim()) void send({ note: note.trim() })
          }}
        >
          <button type="button" className="btn btn-small" onClick={() => void send({ thumb: 1 })}>
            ▲ Good
          </button>
          <button type="button" className="btn btn-small" onClick={() => void send({ thumb: -1 })}>
            ▼ Bad
          </button>
          <input aria-label="Note on this row" placeholder="Add a note…" value={note} onChange={(e) => setNote(e.target.value)} />
          <button type="submit" className="btn btn-small" disabled={!note.trim()}>
            Add note
          </button>
          {status?.ok && <span role="status">{status.ok}</span>}
          {status?.error && (
            <span role="alert" className="error-text">
              {status.error}
            </span>
          )}
        </form>
      )}
    </section>
  )
}

function Block({ title, text, error }: { title: string; text: string; error?: boolean }) {
  return (
    <div className="eval-block">
      <h3>{title}</h3>
      <pre className={error ? 'error-text' : ''}>{text || '—'}</pre>
    </div>
  )
}
