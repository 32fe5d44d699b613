/** Long text folded to its first characters, with an "as markdown" view for text that looks like markdown. */
import { useState } from 'react'
import { looksLikeMarkdown, SafeMarkdown } from './SafeMarkdown'

/** Characters of a text shown before "show all". */
export const TEXT_FOLD = 2000

/** Plain text (pre-wrapped), folded past TEXT_FOLD; `markdown` false hides the markdown toggle. */
export function TextBlock({ text, markdown = true }: { text: string; markdown?: boolean }) {
  const [all, setAll] = useState(false)
  const canMarkdown = markdown && looksLikeMarkdown(text)
  const [asMarkdown, setAsMarkdown] = useState(false)
  const folded = !all && text.length > TEXT_FOLD
  const shown = folded ? text.slice(0, TEXT_FOLD) : text
  return (
    <div className="text-block">
      {asMarkdown && canMarkdown ? <SafeMarkdown text={shown} /> : <pre className="text-pre">{shown}</pre>}
      {(folded || canMarkdown) && (
        <div className="text-actions">
          {folded && (
            <button type="button" className="btn btn-small" onClick={() => setAll(true)}>
              Show all {text.length.toLocaleString()} characters
            </button>
          )}
          {canMarkdown && (
            <button type="button" className="btn btn-small" aria-pressed={asMarkdown} onClick={() => setAsMarkdown(!asMarkdown)}>
              {asMarkdown ? 'As text' : 'As markdown'}
            </button>
          )}
        </div>
      )}
    </div>
  )
}
