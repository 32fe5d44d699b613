/**
 * Backfilling a rule over past traces: a time range (the last day by
 * default), then the job's progress — traces matched, spans scored — live
 * from `online.backfill` events, with a cancel.
 */
import { useEffect, useState } from 'react'
import type { EventOf } from '../../../common/contract'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import type { Rule } from './ruleDraft'

/** `YYYY-MM-DDTHH:mm` in local time, as datetime-local inputs take it. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

const DAY_MS = 24 * 3600_000

/** The form and the job it starts. */
export function BackfillForm({ rule, onClose }: { rule: Rule; onClose(): void }) {
  const client = useClient()
  const [from, setFrom] = useState(() => toLocalInput(Date.now() - DAY_MS))
  const [to, setTo] = useState(() => toLocalInput(Date.now() + 60_000))
  const [job, setJob] = useState<string | null>(null)
  // The latest event of each of this rule's jobs: a small backfill may finish before online.backfill answers with its id.
  const [events, setEvents] = useState<Record<string, EventOf<'online.backfill'>>>({})
  const [started, setStarted] = useState<EventOf<'online.backfill'> | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => client.on('online.backfill', (event) => event.ruleId === rule.id && setEvents((all) => ({ ...all, [event.jobId]: event }))), [client, rule.id])
  const progress = job ? (events[job] ?? started) : null

  const start = async () => {
    setError(null)
    setJob(null)
    const fromMs = new Date(from).getTime()
    const toMs = new Date(to).getTime()
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return setError('Give both ends of the range')
    try {
      const answer = await client.call('online.backfill', { id: rule.id, fromMs, toMs })
      setStarted({ jobId: answer.jobId, ruleId: rule.id, tracesDone: 0, tracesTotal: answer.traces, queued: 0, scored: 0, state: 'running' })
      setJob(answer.jobId)
    } catch (caught) {
      setError(errorMessage(caught))
    }
  }
  const cancel = async () => {
    if (job) await client.call('online.cancelBackfill', { jobId: job }).catch((caught: unknown) => setError(errorMessage(caught)))
  }

  const running = progress?.state === 'running'
  const matching = progress !== null && progress.tracesDone < progress.tracesTotal
  return (
    <div className="online-backfill" role="group" aria-label={`Backfill ${rule.name}`}>
      <label className="online-field online-field-narrow">
        <span>From</span>
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="Backfill from" />
      </label>
      <label className="online-field online-field-narrow">
        <span>To</span>
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} aria-label="Backfill to" />
      </label>
      {running ? (
        <button type="button" className="btn btn-small" onClick={() => void cancel()}>
          Cancel backfill
        </button>
      ) : (
        <button type="button" className="btn btn-small btn-primary" onClick={() => void start()}>
          Start backfill
        </button>
      )}
      <button type="button" className="btn btn-small" onClick={onClose}>
        Close
      </button>
      {progress && (
        <div className="online-backfill-progress" role="status" data-testid="backfill-progress">
          <progress max={matching ? Math.max(1, progress.tracesTotal) : Math.max(1, progress.queued)} value={matching ? progress.tracesDone : progress.scored} />
          <span>
            {matching
              ? `Matching: ${progress.tracesDone} of ${progress.tracesTotal} traces`
              : `${progress.scored} of ${progress.queued} spans scored (${progress.tracesTotal} traces)`}
            {progress.state !== 'running' ? ` — ${progress.state}` : ''}
          </span>
        </div>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
