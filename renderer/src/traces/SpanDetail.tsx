/** The opened span: status, timing, usage, error, inputs, output and attributes — as text only. */
import { useState } from 'react'
import { formatCost, formatDuration, PAYLOAD_FOLD, payloadText } from './format'
import { useTracesStore } from './useTracesStore'

function Payload({ label, value }: { label: string; value: unknown }) {
  const [all, setAll] = useState(false)
  const text = payloadText(value)
  if (text === '') return null
  const folded = !all && text.length > PAYLOAD_FOLD
  return (
    <section className="span-payload">
      <h3>{label}</h3>
      <pre data-testid={`span-${label.toLowerCase()}`}>{folded ? text.slice(0, PAYLOAD_FOLD) : text}</pre>
      {folded && (
        <button type="button" className="btn btn-small" onClick={() => setAll(true)}>
          Show all {text.length.toLocaleString()} characters
        </button>
      )}
    </section>
  )
}

/** The detail pane. */
export function SpanDetail() {
  const span = useTracesStore((s) => s.span)
  if (!span) return <div className="span-detail" />
  const usage = Object.entries(span.usage)
  return (
    <div className="span-detail" data-testid="span-detail">
      <h2 className="span-title">
        {span.name} <span className={`kind-badge kind-${span.kind}`}>{span.kind}</span>
      </h2>
      <p className="span-facts">
        <span className={`trace-status ${span.status}`} /> {span.status} · {formatDuration(span.endMs === null ? null : span.endMs - span.startMs)} ·
        started {new Date(span.startMs).toLocaleString()}
        {span.costUsd ? ` · ${formatCost(span.costUsd)}` : ''}
      </p>
      {usage.length > 0 && (
        <p className="span-facts">
          {usage.map(([model, u]) => `${model}: ${u.inputTokens} in / ${u.outputTokens} out`).join(' · ')}
        </p>
      )}
      {span.error && (
        <section className="span-payload span-error">
          <h3>Error{span.error.type ? ` (${span.error.type})` : ''}</h3>
          <pre>{span.error.stack ?? span.error.message}</pre>
        </section>
      )}
      <Payload label="Inputs" value={span.inputs} />
      <Payload label="Output" value={span.output} />
      {Object.keys(span.attributes).length > 0 && <Payload label="Attributes" value={span.attributes} />}
    </div>
  )
}
