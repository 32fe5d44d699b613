/**
 * One payload of a span (inputs or output), rendered by what it holds: chat
 * messages as a conversation, text folded (optionally as safe markdown), other
 * values as a JSON tree — with a raw JSON view and a copy button on each.
 */
import { useMemo, useState } from 'react'
import { toConversation } from './chat'
import { Conversation } from './Conversation'
import { CopyButton } from './CopyButton'
import { TextBlock } from './TextBlock'
import { decodeJsonString, ValueView } from './ValueView'
import '../../styles/span-detail.css'

/** What a payload was recognised as. */
export type PayloadKind = 'conversation' | 'text' | 'json'

/** The payload as exact text: strings as they are, everything else as indented JSON. */
export function rawText(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value, null, 2) ?? String(value)
  } catch {
    return String(value)
  }
}

/** Props of SpanPayload. */
export interface SpanPayloadProps {
  /** Heading, e.g. "Inputs" or "Output"; also names the test id (`payload-inputs`). */
  label: string
  /** The span's value as stored (any JSON, or a string). */
  value: unknown
}

/** A span payload rendered by type, with "Raw JSON" and "Copy". Renders nothing for an absent payload. */
export function SpanPayload({ label, value }: SpanPayloadProps) {
  const [raw, setRaw] = useState(false)
  const view = useMemo(() => {
    const decoded = decodeJsonString(value)
    const conversation = toConversation(decoded)
    const kind: PayloadKind = conversation ? 'conversation' : typeof decoded === 'string' ? 'text' : 'json'
    return { decoded, conversation, kind }
  }, [value])
  if (value === undefined || value === '') return null
  return (
    <section className="span-payload payload" data-testid={`payload-${label.toLowerCase()}`} data-kind={view.kind}>
      <header className="payload-header">
        <h3>{label}</h3>
        <span className="payload-kind">{view.kind}</span>
        <span className="payload-actions">
          <button type="button" className="btn btn-small" aria-pressed={raw} onClick={() => setRaw(!raw)}>
            {raw ? 'Formatted' : 'Raw JSON'}
          </button>
          <CopyButton text={() => rawText(value)} />
        </span>
      </header>
      {raw ? (
        <TextBlock text={rawText(value)} markdown={false} />
      ) : view.conversation ? (
        <Conversation conversation={view.conversation} />
      ) : (
        <ValueView value={view.decoded} />
      )}
    </section>
  )
}
