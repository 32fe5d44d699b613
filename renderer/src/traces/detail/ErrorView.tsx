/** A span's error: type, message, and the stack folded away until asked for. */
import { CopyButton } from './CopyButton'
import { TextBlock } from './TextBlock'
import type { DetailSpan } from './spanTypes'
import '../../styles/span-detail.css'

/** The error section; nothing when the span has no error. */
export function ErrorView({ error }: { error: DetailSpan['error'] | undefined }) {
  if (!error) return null
  return (
    <section className="span-payload payload error-view" data-testid="span-error" role="alert">
      <header className="payload-header">
        <h3>Error{error.type ? `: ${error.type}` : ''}</h3>
        <span className="payload-actions">
          <CopyButton text={() => [error.type, error.message, error.stack].filter(Boolean).join('\n')} />
        </span>
      </header>
      <TextBlock text={error.message} markdown={false} />
      {error.stack && (
        <details className="error-stack">
          <summary>Stack trace</summary>
          <TextBlock text={error.stack} markdown={false} />
        </details>
      )}
    </section>
  )
}
