/** The bottom bar: project, branch with ahead/behind, pull/push, connection and transport. */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import type { ConnectionState, RendererClient } from '../api/client'
import { useHost } from '../api/ClientContext'
import { OutboxStatusItem } from '../annotate/OutboxIndicator'
import { GitDialogs } from '../git/GitDialogs'
import { BranchStatus, SyncButtons, useBranchRefresh } from '../git/GitStatus'
import { useProjectStore } from '../project/useProjectStore'

/** How long a lost connection shows as "reconnecting…" before it is called "disconnected". */
export const RECONNECT_GRACE_MS = 10_000

/** The status bar. */
export function StatusBar() {
  const { client } = useHost()
  const name = useProjectStore((s) => s.project?.name ?? null)
  const connection = useConnectionLabel(client)
  useBranchRefresh(client)
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className="status-item" data-testid="status-project">
        {name ?? 'No project'}
      </span>
      <BranchStatus />
      <SyncButtons />
      <span className="status-spacer" />
      <OutboxStatusItem />
      <span className={`status-item status-connection is-${connection.replace('…', '')}`} data-testid="status-connection" role="status">
        <span className="status-dot" aria-hidden="true" />
        {connection}
      </span>
      <span className="status-item" data-testid="status-transport" title={client.transport === 'ipc' ? 'Electron IPC' : 'HTTP and WebSocket to weft serve'}>
        {client.transport === 'ipc' ? 'desktop' : 'web'}
      </span>
      <GitDialogs />
    </footer>
  )
}

/** `connected`, `connecting…`, `reconnecting…` (retrying), or `disconnected` after the grace period. */
function useConnectionLabel(client: RendererClient): string {
  const state = useSyncExternalStore<ConnectionState>(
    (onChange) => client.onConnection(onChange),
    () => client.connection(),
  )
  // Each state change starts a new episode; only a disconnect episode that outlives the
  // grace period is called "disconnected".
  const episode = useMemo(() => ({ state }), [state])
  const [expired, setExpired] = useState<object | null>(null)
  useEffect(() => {
    if (episode.state !== 'disconnected') return
    const timer = setTimeout(() => setExpired(episode), RECONNECT_GRACE_MS)
    return () => clearTimeout(timer)
  }, [episode])
  const givenUp = expired === episode
  if (state === 'connected') return 'connected'
  if (state === 'connecting') return 'connecting…'
  return givenUp ? 'disconnected' : 'reconnecting…'
}
