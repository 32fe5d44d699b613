/**
 * The opened span: status and timing, feedback, usage and cost, error, and
 * its inputs, output and attributes rendered by type (conversation, JSON
 * tree, folded text) — span content only ever as text. "Add to dataset"
 * turns it into a dataset row.
 */
import { forwardRef, useState } from 'react'
import { AddToDataset } from './AddToDataset'
import { AttributesTable } from './detail/AttributesTable'
import { CopyButton } from './detail/CopyButton'
import { ErrorView } from './detail/ErrorView'
import { SpanPayload } from './detail/SpanPayload'
import { UsageView } from './detail/UsageView'
import { FeedbackPanel } from './FeedbackPanel'
import { formatDuration } from './format'
import { traceHash, useTracesStore } from './useTracesStore'
import { openRunInPlayground, promptTextOf, saveSpanAsPrompt, weftRunOf } from './openInPlayground'
import { useClient } from '../api/ClientContext'
import { objectNameProblem } from '../../../common/refs'
import { reportError, useNotices } from '../ui/useNotices'
import type { WorkbenchClient } from '../../../common/client'
import type { ResponseOf } from '../../../common/contract'

/** Opens an LLM span in the Playground: Weft's own runs as they were; an app's messages as a new prompt the user names. */
async function openInPlayground(client: WorkbenchClient, span: ResponseOf<'spans.get'>['span']): Promise<void> {
  try {
    const run = weftRunOf(span)
    if (run) return await openRunInPlayground(client, run)
    if (!promptTextOf(span)) return reportError('This span has no chat messages to open in the Playground')
    const suggested = `from-${span.name}`.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60) || 'from-span'
    const name = window.prompt('Save the messages as a new prompt named', suggested)?.trim()
    if (!name) return
    const problem = objectNameProblem(name)
    if (problem) return reportError(`Prompt name ${problem}`)
    const ref = await saveSpanAsPrompt(client, span, name)
    useNotices.getState().push('info', `Saved the span's messages as ${ref}`)
  } catch (error) {
    reportError((error as Error).message)
  }
}

/** The detail pane; the ref is the feedback panel's first button (`f` in the tree focuses it). */
export const SpanDetail = forwardRef<HTMLButtonElement>(function SpanDetail(_props, feedbackRef) {
  const client = useClient()
  const span = useTracesStore((s) => s.span)
  const [adding, setAdding] = useState(false)
  if (!span) return <div className="span-detail" />
  const link = () => `${window.location.origin}${window.location.pathname}${traceHash(span.traceId, span.id)}`
  return (
    <div className="span-detail" data-testid="span-detail">
      <header className="span-detail-header">
        <h2 className="span-title">
          {span.name} <span className={`kind-badge kind-${span.kind}`}>{span.kind}</span>
        </h2>
        <span className="span-detail-actions">
          {span.kind === 'llm' && (
            <button type="button" className="btn btn-small" onClick={() => void openInPlayground(client, span)}>
              Open in playground
            </button>
          )}
          <button type="button" className="btn btn-small" onClick={() => setAdding(true)}>
            Add to dataset
          </button>
          <CopyButton text={link} label="Copy link" />
          <CopyButton text={() => span.id} label="Copy id" />
        </span>
      </header>
      <p className="span-facts">
        <span className={`trace-status ${span.status}`} /> {span.status} · {formatDuration(span.endMs === null ? null : span.endMs - span.startMs)} ·
        started {new Date(span.startMs).toLocaleString()}
      </p>
      <FeedbackPanel ref={feedbackRef} traceId={span.traceId} spanId={span.id} />
      <UsageView usage={span.usage} costUsd={span.costUsd} />
      <ErrorView error={span.error} />
      <div data-testid="span-inputs">
        <SpanPayload label="Inputs" value={span.inputs} />
      </div>
      <div data-testid="span-output">
        <SpanPayload label="Output" value={span.output} />
      </div>
      {Object.keys(span.attributes).length > 0 && (
        <section className="span-payload">
          <h3>Attributes</h3>
          <AttributesTable attributes={span.attributes} />
        </section>
      )}
      {adding && <AddToDataset span={span} onClose={() => setAdding(false)} />}
    </div>
  )
})
