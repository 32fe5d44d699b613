/**
 * Feedback on the open span: thumbs up/down, a note, a named score (number or
 * category), and the feedback already given (from here or from Weave).
 * `f` in the span tree focuses it.
 */
import { forwardRef, useEffect, useState } from 'react'
import type { ResponseOf } from '../../../common/contract'
import { useClient } from '../api/ClientContext'
import { reportError } from '../ui/useNotices'

type FeedbackItem = ResponseOf<'feedback.list'>['feedback'][number]

function describe(item: FeedbackItem): string {
  // Words, not emoji: a machine without an emoji font would show empty boxes.
  if (item.kind === 'thumbs') return item.value === 1 ? 'Good' : 'Bad'
  if (item.kind === 'note') return item.note ?? ''
  const value = typeof item.value === 'number' && !Number.isInteger(item.value) ? String(Number(item.value.toFixed(3))) : String(item.value)
  return `${item.name}: ${value}`
}

/** Who gave it: an online rule (by its name), a person, or the source. */
function origin(item: FeedbackItem): string {
  if (item.source === 'online') return item.by ?? 'online rule'
  return item.by ?? item.source
}

/** The panel for one span. */
export const FeedbackPanel = forwardRef<HTMLButtonElement, { traceId: string; spanId: string }>(function FeedbackPanel({ traceId, spanId }, firstButton) {
  const client = useClient()
  const [items, setItems] = useState<FeedbackItem[]>([])
  const [note, setNote] = useState('')
  const [scoreName, setScoreName] = useState('')
  const [scoreValue, setScoreValue] = useState('')

  useEffect(() => {
    let live = true
    const load = () =>
      client.call('feedback.list', { traceId, spanId }).then(
        ({ feedback }) => live && setItems(feedback),
        (error: Error) => live && reportError(error.message),
      )
    void load()
    const stop = client.on('feedback.changed', (event) => {
      if (event.traceId === traceId && event.spanId === spanId) void load()
    })
    return () => {
      live = false
      stop()
    }
  }, [client, traceId, spanId])

  const add = async (request: Parameters<typeof client.call<'feedback.add'>>[1]) => {
    try {
      const item = await client.call('feedback.add', request)
      setItems((current) => (current.some((i) => i.id === item.id) ? current : [...current, item]))
      return true
    } catch (error) {
      reportError((error as Error).message)
      return false
    }
  }
  const remove = async (id: string) => {
    try {
      await client.call('feedback.remove', { id })
      setItems((current) => current.filter((i) => i.id !== id))
    } catch (error) {
      reportError((error as Error).message)
    }
  }

  return (
    <section className="feedback-panel" aria-label="Feedback" data-testid="feedback-panel">
      <div className="feedback-actions">
        <button ref={firstButton} type="button" className="btn btn-small feedback-up" aria-label="Thumbs up" onClick={() => void add({ traceId, spanId, kind: 'thumbs', value: 1 })}>
          ▲ Good
        </button>
        <button type="button" className="btn btn-small feedback-down" aria-label="Thumbs down" onClick={() => void add({ traceId, spanId, kind: 'thumbs', value: -1 })}>
          ▼ Bad
        </button>
        <form
          className="feedback-form"
          onSubmit={(e) => {
            e.preventDefault()
            if (note.trim()) void add({ traceId, spanId, kind: 'note', note }).then((ok) => ok && setNote(''))
          }}
        >
          <input aria-label="Note" placeholder="Note" value={note} onChange={(e) => setNote(e.target.value)} />
        </form>
        <form
          className="feedback-form"
          onSubmit={(e) => {
            e.preventDefault()
            const raw = scoreValue.trim()
            if (!raw) return
            const number = Number(raw)
            const value = raw !== '' && Number.isFinite(number) ? number : raw
            void add({ traceId, spanId, kind: 'score', name: scoreName.trim() || undefined, value }).then((ok) => ok && setScoreValue(''))
          }}
        >
          <input aria-label="Score name" placeholder="score name" value={scoreName} onChange={(e) => setScoreName(e.target.value)} style={{ width: 100 }} />
          <input aria-label="Score value" placeholder="value" value={scoreValue} onChange={(e) => setScoreValue(e.target.value)} style={{ width: 70 }} />
          <button type="submit" className="btn btn-small">
            Score
          </button>
        </form>
      </div>
      {items.length > 0 && (
        <ul className="feedback-list">
          {items.map((item) => (
            <li key={item.id} className={item.source === 'online' ? 'feedback-online' : undefined} data-source={item.source}>
              {item.source === 'online' && <span className="feedback-badge">online</span>}
              <span className="feedback-what">{describe(item)}</span>
              {item.pass !== undefined && <span className={item.pass ? 'feedback-pass' : 'feedback-fail'}>{item.pass ? 'pass' : 'fail'}</span>}
              {item.reason && (
                <span className="feedback-reason" title={item.reason}>
                  {item.reason}
                </span>
              )}
              <span className="feedback-meta">
                {origin(item)} · {new Date(item.createdMs).toLocaleString()}
              </span>
              {item.source === 'ui' && (
                <button type="button" className="btn btn-small" aria-label={`Remove ${describe(item)}`} onClick={() => void remove(item.id)}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
})
