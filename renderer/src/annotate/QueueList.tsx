/** The annotation queues with their source and progress (items done, labels per annotator). */
import type { ResponseOf } from '../../../common/contract'
import type { QueueDefinition } from '../../../common/schemas/annotation'
import { annotateHash } from './annotateRoute'

type QueueSummary = ResponseOf<'annotations.queues'>['queues'][number]

/** One line saying where a queue's items come from. */
export function describeSource(source: QueueDefinition['source']): string {
  if ('dataset' in source) return `dataset ${source.dataset}`
  if ('traces' in source) {
    const t = source.traces
    const parts = [t.name ? `named ${t.name}` : null, t.status ? `status ${t.status}` : null, t.since ? `last ${t.since}` : null]
    for (const [k, v] of Object.entries(t.attributes ?? {})) parts.push(`${k}=${v}`)
    return `traces${parts.filter(Boolean).length ? ` ${parts.filter(Boolean).join(', ')}` : ''} (newest ${t.limit})`
  }
  const e = source.evaluation
  return `evaluation ${e.name}, run ${e.run}${e.failedOnly ? ', failed rows only' : ''}`
}

/** Props of {@link QueueList}. */
export interface QueueListProps {
  queues: QueueSummary[]
  onTools: (queue: string, tool: 'agreement' | 'writeBack' | 'history') => void
  onExport: (queue: string, format: 'jsonl' | 'csv') => void
}

/** The list. */
export function QueueList({ queues, onTools, onExport }: QueueListProps) {
  return (
    <ul className="queue-list" aria-label="Annotation queues">
      {queues.map((q) => {
        const share = q.total ? Math.round((q.done / q.total) * 100) : 0
        const annotators = Object.entries(q.byAnnotator).sort((a, b) => b[1] - a[1])
        return (
          <li key={q.name} className="queue-card" data-testid={`queue-${q.name}`}>
            <div className="queue-card-head">
              <a className="queue-name" href={annotateHash(q.name)}>
                {q.name}
              </a>
              <span className="muted queue-source">{describeSource(q.definition.source)}</span>
              <span className="spacer" />
              <span className="queue-count" aria-label={`${q.done} of ${q.total ?? 'unknown'} items done`}>
                {q.done} / {q.total ?? '?'} done
              </span>
            </div>
            {q.definition.description && <p className="queue-desc">{q.definition.description}</p>}
            <div className="queue-progress" role="progressbar" aria-valuemin={0} aria-valuemax={q.total ?? 0} aria-valuenow={q.done} aria-label={`Progress of ${q.name}`}>
              <span style={{ width: `${share}%` }} />
            </div>
            <div className="queue-card-foot">
              <span className="muted">
                {q.definition.fields.map((f) => f.name).join(', ')}
                {annotators.length > 0 && ' · '}
              </span>
              {annotators.map(([name, count]) => (
                <span key={name} className="queue-annotator" title={`${name} completed ${count} labels`}>
                  {name} {count}
                </span>
              ))}
              <span className="spacer" />
              <a className="btn btn-small btn-primary" href={annotateHash(q.name)}>
                Annotate
              </a>
              <button type="button" className="btn btn-small" onClick={() => onTools(q.name, 'agreement')}>
                Agreement
              </button>
              <button type="button" className="btn btn-small" onClick={() => onTools(q.name, 'writeBack')}>
                Write back…
              </button>
              <button type="button" className="btn btn-small" onClick={() => onExport(q.name, 'jsonl')}>
                JSONL
              </button>
              <button type="button" className="btn btn-small" onClick={() => onExport(q.name, 'csv')}>
                CSV
              </button>
              <button type="button" className="btn btn-small" onClick={() => onTools(q.name, 'history')}>
                History
              </button>
            </div>
            {q.problem && (
              <p className="error-text" role="alert">
                {q.problem}
              </p>
            )}
          </li>
        )
      })}
    </ul>
  )
}
