/**
 * The Annotate section: the queues with their progress (`#/annotate`), or one
 * queue's keyboard-first annotation view (`#/annotate/queue/<name>`). Labels
 * go through the outbox (useOutbox.ts), so annotating goes on while the
 * workbench is away.
 */
import { useEffect, useState } from 'react'
import '../styles/annotate.css'
import { useClient } from '../api/ClientContext'
import { useProjectStore } from '../project/useProjectStore'
import { loadSettings } from '../state/uiState'
import { EmptyState } from '../ui/EmptyState'
import { Modal } from '../ui/Modal'
import { annotateHash, queueFromHash } from './annotateRoute'
import { AnnotationView } from './AnnotationView'
import { NewQueueForm } from './NewQueueForm'
import { OutboxIndicator } from './OutboxIndicator'
import { QueueList } from './QueueList'
import { AgreementPanel, exportQueue, QueueHistory, WriteBackDialog } from './QueueTools'
import { RefusedLabels } from './RefusedLabels'
import { closeQueue, loadQueues, openQueue, refreshOutboxRows, resetAnnotate, setAnnotator, useAnnotateStore } from './useAnnotateStore'
import { useOutboxStore } from './useOutbox'

type Tool = { queue: string; tool: 'agreement' | 'writeBack' | 'history' } | null

function useQueueRoute(): string | null {
  const [queue, setQueue] = useState(() => queueFromHash(window.location.hash))
  useEffect(() => {
    const onChange = () => setQueue(queueFromHash(window.location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return queue
}

/** The section. */
export function AnnotateSection() {
  const client = useClient()
  const dir = useProjectStore((s) => s.project?.dir ?? null)
  const annotator = useAnnotateStore((s) => s.annotator)
  const queues = useAnnotateStore((s) => s.queues)
  const openName = useAnnotateStore((s) => s.open?.name ?? null)
  const openedAs = useAnnotateStore((s) => s.open?.openedAs ?? null)
  const routeQueue = useQueueRoute()
  const [tool, setTool] = useState<Tool>(null)
  const [creating, setCreating] = useState(false)
  const [renaming, setRenaming] = useState(false)

  useEffect(() => {
    if (useAnnotateStore.getState().annotator !== null) return
    void loadSettings().then((s) => useAnnotateStore.setState({ annotator: s.annotator }))
  }, [])

  // Another project: nothing of the previous one's queues may show.
  useEffect(() => {
    resetAnnotate()
    if (!dir) return
    void loadQueues(client)
    let timer: ReturnType<typeof setTimeout> | undefined
    const later = () => {
      clearTimeout(timer)
      timer = setTimeout(() => void loadQueues(client), 300)
    }
    const stops = [
      client.on('annotations.changed', later),
      client.on('objects.changed', ({ kinds }) => kinds.includes('queue') && later()),
      client.onConnection((state) => state === 'connected' && later()),
      // Each send changes which of this annotator's labels are still waiting.
      useOutboxStore.subscribe((now, before) => now.status !== before.status && void refreshOutboxRows()),
    ]
    return () => {
      clearTimeout(timer)
      stops.forEach((stop) => stop())
    }
  }, [client, dir])

  useEffect(() => {
    if (!dir || !annotator) return
    // A queue opens for one annotator: another name (Change) reopens it with that one's todo list.
    if (routeQueue && (routeQueue !== openName || openedAs !== annotator)) void openQueue(client, routeQueue)
    else if (!routeQueue && openName) {
      closeQueue()
      void loadQueues(client)
    }
  }, [client, dir, annotator, routeQueue, openName, openedAs])

  const summary = routeQueue ? queues.list.find((q) => q.name === routeQueue) : undefined
  const openDefinition = useAnnotateStore((s) => s.open?.definition ?? null)

  return (
    <section className="section-page annotate" aria-labelledby="section-title">
      <header className="section-header ann-header">
        <h1 id="section-title">{routeQueue ? <a href={annotateHash(null)}>Annotate</a> : 'Annotate'}</h1>
        {routeQueue && (
          <>
            <span className="ann-crumb" aria-hidden="true">
              /
            </span>
            <span className="ann-queue-title">{routeQueue}</span>
          </>
        )}
        <span className="spacer" />
        <OutboxIndicator />
        {annotator && (
          <span className="ann-who">
            Annotating as <strong data-testid="annotator-name">{annotator}</strong>{' '}
            <button type="button" className="btn btn-small" onClick={() => setRenaming(true)}>
              Change
            </button>
          </span>
        )}
        {!routeQueue && (
          <button type="button" className="btn btn-small btn-primary" onClick={() => setCreating(true)}>
            New queue
          </button>
        )}
      </header>
      {((annotator === '' && routeQueue !== null) || renaming) && <AnnotatorPrompt initial={annotator ?? ''} onDone={() => setRenaming(false)} canCancel={!!annotator} />}
      <div className="section-body ann-section-body">
        <RefusedLabels />
        {routeQueue ? (
          annotator ? (
            <AnnotationView
              tools={
                <>
                  <button type="button" className="btn btn-small" tabIndex={-1} onClick={() => setTool({ queue: routeQueue, tool: 'agreement' })}>
                    Agreement
                  </button>
                  <button type="button" className="btn btn-small" tabIndex={-1} onClick={() => setTool({ queue: routeQueue, tool: 'writeBack' })}>
                    Write back…
                  </button>
                  <button type="button" className="btn btn-small" tabIndex={-1} onClick={() => void exportQueue(client, routeQueue, 'jsonl')}>
                    Export JSONL
                  </button>
                  <button type="button" className="btn btn-small" tabIndex={-1} onClick={() => void exportQueue(client, routeQueue, 'csv')}>
                    Export CSV
                  </button>
                </>
              }
            />
          ) : null
        ) : (
          <div className="ann-list-page">
            {queues.error && (
              <p className="error-text" role="alert">
                Could not list the queues: {queues.error}
              </p>
            )}
            {queues.status === 'loading' && <p className="muted pad">Loading…</p>}
            {queues.status === 'ready' && queues.list.length === 0 ? (
              <EmptyState
                title="No annotation queues yet"
                actions={
                  <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
                    New queue
                  </button>
                }
              >
                <p>
                  A queue names what to label — dataset rows, traces or an evaluation run's results — and the score fields annotators give. It is saved as{' '}
                  <code>queues/NAME.yaml</code>, versioned like prompts and datasets.
                </p>
              </EmptyState>
            ) : (
              <QueueList queues={queues.list} onTools={(queue, t) => setTool({ queue, tool: t })} onExport={(queue, format) => void exportQueue(client, queue, format)} />
            )}
          </div>
        )}
      </div>
      {creating && (
        <NewQueueForm
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false)
            void loadQueues(client)
            window.location.hash = annotateHash(name)
          }}
        />
      )}
      {tool?.tool === 'agreement' && (
        <Modal title={`Agreement — ${tool.queue}`} onClose={() => setTool(null)} className="modal-wide" testId="agreement-dialog">
          <AgreementPanel queue={tool.queue} />
        </Modal>
      )}
      {tool?.tool === 'history' && (
        <Modal title={`Versions of queues/${tool.queue}.yaml`} onClose={() => setTool(null)} className="modal-wide">
          <QueueHistory queue={tool.queue} />
        </Modal>
      )}
      {tool?.tool === 'writeBack' && (
        <WriteBackDialog
          queue={tool.queue}
          definition={queues.list.find((q) => q.name === tool.queue)?.definition ?? (tool.queue === routeQueue ? openDefinition : null)}
          annotators={Object.keys((summary ?? queues.list.find((q) => q.name === tool.queue))?.byAnnotator ?? {})}
          onClose={() => {
            setTool(null)
            void loadQueues(client)
          }}
        />
      )}
    </section>
  )
}

/** Asks who is annotating (kept in this browser's settings; changeable). */
function AnnotatorPrompt({ initial, onDone, canCancel }: { initial: string; onDone: () => void; canCancel: boolean }) {
  const [name, setName] = useState(initial)
  const trimmed = name.trim()
  const problem = trimmed.length > 100 ? 'is longer than 100 characters' : null
  return (
    <Modal title="Who is annotating?" onClose={() => canCancel && onDone()} testId="annotator-dialog" className="modal-form">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (!trimmed || problem) return
          void setAnnotator(trimmed).then(onDone)
        }}
      >
        <label className="field">
          <span className="field-label">Your name</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} aria-label="Annotator name" maxLength={100} placeholder="e.g. ana" />
          <span className="field-hint">Labels are stored under this name, so several people can annotate the same queue and agreement can be measured. Kept in this browser.</span>
        </label>
        {problem && <p className="error-text">Name {problem}</p>}
        <div className="modal-actions">
          {canCancel && (
            <button type="button" className="btn" onClick={onDone}>
              Cancel
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={!trimmed || !!problem}>
            Start annotating
          </button>
        </div>
      </form>
    </Modal>
  )
}
