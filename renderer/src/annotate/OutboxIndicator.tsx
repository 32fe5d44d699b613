/** "N waiting to sync": labels still in the outbox, and those the workbench refused (never hidden). */
import '../styles/annotate.css'
import { useHost } from '../api/ClientContext'
import { useAppStore } from '../app/useAppStore'
import { useProjectStore } from '../project/useProjectStore'
import { useOutboxSender, useOutboxStore } from './useOutbox'

/** The status-bar item; it also runs the window's outbox sender, so labels sync from any section. */
export function OutboxStatusItem() {
  const { client } = useHost()
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  useOutboxSender(client, projectDir)
  return <OutboxIndicator compact />
}

/** The indicator; `compact` is the status bar's form. Empty when nothing waits. */
export function OutboxIndicator({ compact = false }: { compact?: boolean }) {
  const status = useOutboxStore((s) => s.status)
  const refused = status.rejected.length
  if (status.pending === 0 && refused === 0) return null
  const why = status.unauthorized
    ? 'The server does not accept this page’s session any more (it was restarted): open the link `weft serve` printed, in this browser.'
    : status.lastError
  const text = [status.pending > 0 ? `${status.pending} waiting to sync` : null, refused > 0 ? `${refused} refused` : null].filter(Boolean).join(' · ')
  return (
    <button
      type="button"
      className={`${compact ? 'status-item status-button' : 'btn btn-small'} outbox-indicator ${refused ? 'has-refused' : ''} ${why ? 'has-error' : ''}`}
      data-testid={compact ? 'outbox-status' : 'outbox-indicator'}
      title={why ?? 'Labels kept in this browser until the workbench has stored them'}
      aria-label={`${text}${why ? ` — ${why}` : ''}`}
      onClick={() => useAppStore.getState().goTo('annotate')}
    >
      <span className="outbox-dot" aria-hidden="true" />
      {text}
      {!compact && why && <span className="outbox-why">{status.unauthorized ? 'session expired — reopen the weft serve link' : why}</span>}
    </button>
  )
}
