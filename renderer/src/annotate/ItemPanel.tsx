/** What the annotator judges: the item's input, output and expected answer (JSON pretty, long text wrapped), its metadata and trace. */
import { useEffect, useRef, useState } from 'react'
import type { AnnotationItem } from '../../../common/schemas/annotation'
import { useHost } from '../api/ClientContext'
import { jsonErrorAt } from './jsonError'
import { setExpected, setMode, shownExpected, useAnnotateStore } from './useAnnotateStore'

/** A value as readable text: strings as they are, anything else as indented JSON. */
export function readable(value: unknown): string {
  if (value === undefined) return ''
  if (typeof value === 'string') return value
  return JSON.stringify(value, null, 2) ?? String(value)
}

/**
 * The text of an edited expected answer back as a value: JSON when the answer
 * was not plain text (an error names the line), the text itself when it was.
 */
export function parseExpected(text: string, original: unknown): { value: unknown } | { error: string } {
  if (typeof original === 'string') return { value: text }
  try {
    return { value: JSON.parse(text) }
  } catch (error) {
    if (original === undefined || original === null) return { value: text }
    const message = error instanceof Error ? error.message : String(error)
    const at = jsonErrorAt(text)
    return { error: `The expected answer is not valid JSON${at ? ` (line ${at.line}, column ${at.column})` : ''}: ${message}` }
  }
}

/** A metadata value as text; epoch milliseconds (`startMs`) as a local date and time. */
export function metadataText(key: string, value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && key.endsWith('Ms') && value > 1e12) return new Date(value).toLocaleString()
  return JSON.stringify(value) ?? String(value)
}

/** The item panel. */
export function ItemPanel({ item }: { item: AnnotationItem }) {
  const open = useAnnotateStore((s) => s.open)!
  const annotator = useAnnotateStore((s) => s.annotator) ?? ''
  const expected = shownExpected(open, item, annotator)
  const metadata = Object.entries(item.metadata)
  return (
    <div className="ann-item" aria-label={`Item ${item.id}`}>
      <div className="ann-item-id">
        <span className="muted">item</span> <code>{item.id}</code>
        {item.traceId && (
          <a className="ann-trace-link" href={`#/traces/${encodeURIComponent(item.traceId)}`}>
            Open its trace
          </a>
        )}
      </div>
      {open.definition.instructions && (
        <details className="ann-instructions">
          <summary>Instructions</summary>
          <pre className="ann-value">{open.definition.instructions}</pre>
        </details>
      )}
      <Block title="Input" value={item.input} />
      {item.output !== undefined && <Block title="Output" value={item.output} />}
      {open.mode === 'expected' ? (
        <ExpectedEditor key={item.id} original={expected.value} />
      ) : (
        (expected.value !== undefined || open.definition.expected) && (
          <Block
            title={expected.corrected ? 'Expected (corrected)' : 'Expected'}
            value={expected.value}
            empty="No expected answer"
            hint={open.definition.expected ? 'e to edit' : undefined}
          />
        )
      )}
      {metadata.length > 0 && (
        <section className="ann-block">
          <h3>Metadata</h3>
          <dl className="ann-meta">
            {metadata.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{metadataText(key, value)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </div>
  )
}

function Block({ title, value, empty, hint }: { title: string; value: unknown; empty?: string; hint?: string }) {
  const text = readable(value)
  return (
    <section className="ann-block" aria-label={title}>
      <h3>
        {title}
        {hint && <span className="ann-block-hint muted">{hint}</span>}
      </h3>
      {text === '' ? <p className="muted">{empty ?? '(empty)'}</p> : <pre className="ann-value">{text}</pre>}
    </section>
  )
}

/** `e`: the expected answer in a text editor; Mod+Enter keeps it, Esc cancels. */
function ExpectedEditor({ original }: { original: unknown }) {
  const { isMac } = useHost()
  const [text, setText] = useState(() => readable(original))
  const [error, setError] = useState<string | null>(null)
  const ref = useRef<HTMLTextAreaElement>(null)
  useEffect(() => ref.current?.focus(), [])
  return (
    <section className="ann-block ann-expected-editor" aria-label="Edit the expected answer">
      <h3>
        Expected — editing
        <span className="ann-block-hint muted">
          {isMac ? '⌘' : 'Ctrl'}+Enter keeps · Esc cancels
        </span>
      </h3>
      <textarea
        ref={ref}
        aria-label="Expected answer"
        aria-invalid={error ? true : undefined}
        spellCheck={false}
        rows={Math.min(Math.max(text.split('\n').length + 1, 4), 20)}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation()
          if (e.key === 'Escape') {
            e.preventDefault()
            setMode('nav')
          } else if (e.key === 'Enter' && (isMac ? e.metaKey : e.ctrlKey)) {
            e.preventDefault()
            const parsed = parseExpected(text, original)
            if ('error' in parsed) setError(parsed.error)
            else setExpected(parsed.value)
          }
        }}
      />
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
