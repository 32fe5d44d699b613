/** The window's annotation outbox: one sender for the open project, its status for the indicator. */
import { useEffect } from 'react'
import { create } from 'zustand'
import type { RendererClient } from '../api/client'
import { db, type UiDatabase } from '../state/db'
import { AnnotationOutbox, type OutboxStatus } from './outbox'

interface OutboxState {
  outbox: AnnotationOutbox | null
  status: OutboxStatus
}

const EMPTY_STATUS: OutboxStatus = { pending: 0, rejected: [], sending: false, lastError: null, unauthorized: false }

/** The outbox store. */
export const useOutboxStore = create<OutboxState>()(() => ({ outbox: null, status: EMPTY_STATUS }))

/** The running outbox, or null when no project is open. */
export function currentOutbox(): AnnotationOutbox | null {
  return useOutboxStore.getState().outbox
}

/** Starts the sender for `projectDir`: drains what a previous session left, and again whenever the connection comes back. */
export function useOutboxSender(client: RendererClient, projectDir: string | null, database: UiDatabase = db): void {
  useEffect(() => {
    if (!projectDir) return
    const outbox = new AnnotationOutbox({
      database,
      projectDir,
      submit: (annotations) => client.call('annotations.submit', { annotations }),
      onStatus: (status) => {
        if (useOutboxStore.getState().outbox === outbox) useOutboxStore.setState({ status })
      },
    })
    useOutboxStore.setState({ outbox, status: EMPTY_STATUS })
    void outbox.drain().catch((error) => console.warn('weft: the annotation outbox could not be read', error))
    const stop = client.onConnection((state) => {
      if (state === 'connected') void outbox.drain()
    })
    return () => {
      stop()
      outbox.stop()
      if (useOutboxStore.getState().outbox === outbox) useOutboxStore.setState({ outbox: null, status: EMPTY_STATUS })
    }
  }, [client, projectDir, database])
}
