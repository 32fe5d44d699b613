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

/** The detail pane; the ref is the feedback panel's first button (`f` in the tree focuses it). */
export const SpanDetail = forwardRef<HTMLButtonElement>(function SpanDetail(_props, feedbackRef) {
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
